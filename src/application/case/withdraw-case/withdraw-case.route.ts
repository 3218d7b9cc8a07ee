import { revisionOnly } from '../case-answers.route.js';
import type { CaseCommandRoute } from '../case-command.js';
import type { WithdrawCase } from './withdraw-case.decide.js';
import { WithdrawCaseDto } from './withdraw-case.dto.js';

export const withdrawCaseRoute: CaseCommandRoute<WithdrawCase['data'], WithdrawCaseDto> = {
  path: ':caseId/withdrawal',
  action: 'withdraw-case',
  summary: 'Withdraw a case before consensus (WithdrawCase)',
  body: WithdrawCaseDto,
  answer: revisionOnly,
};
