import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';
import { type CaseCommandRoute, revisionOnly } from '../case-command.js';
import type { WithdrawCase } from './withdraw-case.decide.js';
import { WithdrawCaseDto } from './withdraw-case.dto.js';

export const withdrawCaseRoute: CaseCommandRoute<WithdrawCase['data'], WithdrawCaseDto> = {
  path: ':caseId/withdrawal',
  action: 'withdraw-case',
  summary: 'Withdraw a case before consensus (WithdrawCase)',
  body: WithdrawCaseDto,
  response: RevisionResponseDto,
  toData: (body) => body,
  respond: revisionOnly,
};
