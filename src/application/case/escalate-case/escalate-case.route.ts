import { revisionAndStatus } from '../case-answers.route.js';
import type { CaseCommandRoute } from '../case-command.js';
import type { EscalateCase } from './escalate-case.decide.js';
import { EscalateCaseDto } from './escalate-case.dto.js';

export const escalateCaseRoute: CaseCommandRoute<EscalateCase['data'], EscalateCaseDto> = {
  path: ':caseId/escalations',
  action: 'escalate-case',
  summary: 'Escalate to adjudication or to an expert panel (EscalateCase)',
  body: EscalateCaseDto,
  answer: revisionAndStatus,
};
