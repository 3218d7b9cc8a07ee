import { revisionAnd } from '../case-answers.route.js';
import type { CaseCommandRoute } from '../case-command.js';
import type { CloseCase } from './close-case.decide.js';
import { CaseClosedDto, CloseCaseDto } from './close-case.dto.js';

export const closeCaseRoute: CaseCommandRoute<CloseCase['data'], CloseCaseDto> = {
  path: ':caseId/closure',
  action: 'close-case',
  summary: 'Close a case that reached consensus (CloseCase)',
  body: CloseCaseDto,
  optionalBody: true,
  answer: revisionAnd(CaseClosedDto, 'CaseClosed', 'outcome'),
};
