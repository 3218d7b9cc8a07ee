import { CaseStatusResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';
import { type CaseCommandRoute, revisionAndStatus } from '../case-command.js';
import type { EscalateCase } from './escalate-case.decide.js';
import { EscalateCaseDto } from './escalate-case.dto.js';

export const escalateCaseRoute: CaseCommandRoute<EscalateCase['data'], EscalateCaseDto> = {
  path: ':caseId/escalations',
  action: 'escalate-case',
  summary: 'Escalate to adjudication or to an expert panel (EscalateCase)',
  body: EscalateCaseDto,
  response: CaseStatusResponseDto,
  toData: (body) => body,
  respond: revisionAndStatus,
};
