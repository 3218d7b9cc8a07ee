import { revisionAndStatus } from '../case-answers.route.js';
import type { CaseCommandRoute } from '../case-command.js';
import type { SubmitAdjudication } from './submit-adjudication.decide.js';
import { SubmitAdjudicationDto } from './submit-adjudication.dto.js';

export const submitAdjudicationRoute: CaseCommandRoute<SubmitAdjudication['data'], SubmitAdjudicationDto> = {
  path: ':caseId/adjudication',
  action: 'submit-adjudication',
  summary: 'Decide as the adjudicator (SubmitAdjudication); consensus follows in the same append',
  body: SubmitAdjudicationDto,
  answer: revisionAndStatus,
};
