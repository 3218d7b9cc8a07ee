import { type CaseCommandRoute, caseAfter, eventOf } from '../case-command.js';
import type { SubmitOpinion } from './submit-opinion.decide.js';
import { OpinionSubmittedDto, SubmitOpinionDto } from './submit-opinion.dto.js';

export const submitOpinionRoute: CaseCommandRoute<SubmitOpinion['data'], SubmitOpinionDto> = {
  path: ':caseId/opinions',
  action: 'submit-opinion',
  summary: 'Submit a signed opinion (SubmitOpinion); may escalate or reach consensus in the same append',
  body: SubmitOpinionDto,
  answer: {
    dto: OpinionSubmittedDto,
    respond: (result) => ({
      body: {
        opinionId: eventOf(result, 'OpinionSubmitted').data.opinionId,
        revision: result.revision,
        status: caseAfter(result).status,
      },
    }),
  },
};
