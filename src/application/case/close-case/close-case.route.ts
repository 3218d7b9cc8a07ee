import { type CaseCommandRoute, eventOf } from '../case-command.js';
import type { CloseCase } from './close-case.decide.js';
import { CaseClosedDto, CloseCaseDto } from './close-case.dto.js';

export const closeCaseRoute: CaseCommandRoute<CloseCase['data'], CloseCaseDto> = {
  path: ':caseId/closure',
  action: 'close-case',
  summary: 'Close a case that reached consensus (CloseCase)',
  body: CloseCaseDto,
  optionalBody: true,
  answer: {
    dto: CaseClosedDto,
    respond: (result) => ({
      body: { revision: result.revision, outcome: eventOf(result, 'CaseClosed').data.outcome },
    }),
  },
};
