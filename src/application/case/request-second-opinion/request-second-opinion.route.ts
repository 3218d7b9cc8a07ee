import type { CaseCommandRoute } from '../case-command.js';
import type { RequestSecondOpinion } from './request-second-opinion.decide.js';
import { CaseCreatedDto, RequestSecondOpinionDto } from './request-second-opinion.dto.js';

/** POST /api/v1/cases: the path names no case, so the case id is the body's or a generated one. */
export const requestSecondOpinionRoute: CaseCommandRoute<
  RequestSecondOpinion['data'],
  RequestSecondOpinionDto
> = {
  path: '',
  action: 'request-case',
  summary: 'Request a second opinion (RequestSecondOpinion)',
  body: RequestSecondOpinionDto,
  toData: (body, { caseId }) => ({ ...body, caseId }),
  answer: {
    dto: CaseCreatedDto,
    description: 'Location names the new case',
    respond: (result, { caseId }) => ({
      body: { caseId, revision: result.revision },
      location: `/api/v1/cases/${caseId}`,
    }),
  },
};
