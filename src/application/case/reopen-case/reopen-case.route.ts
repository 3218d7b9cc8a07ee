import { revisionAnd } from '../case-answers.route.js';
import type { CaseCommandRoute } from '../case-command.js';
import type { ReopenCase } from './reopen-case.decide.js';
import { CaseReopenedDto, ReopenCaseDto } from './reopen-case.dto.js';

export const reopenCaseRoute: CaseCommandRoute<ReopenCase['data'], ReopenCaseDto> = {
  path: ':caseId/reopening',
  action: 'reopen-case',
  summary: 'Reopen a closed case for a new reading round (ReopenCase)',
  body: ReopenCaseDto,
  answer: revisionAnd(CaseReopenedDto, 'CaseReopened', 'round'),
};
