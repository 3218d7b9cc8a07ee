import { materialsShown } from '../../../domain/case/blinding.js';
import { type CaseCommandRoute, caseAfter, eventOf } from '../case-command.js';
import type { StartRead } from './start-read.decide.js';
import { ReadStartedDto, StartReadDto } from './start-read.dto.js';

export const startReadRoute: CaseCommandRoute<StartRead['data'], StartReadDto> = {
  path: ':caseId/reads',
  action: 'start-read',
  summary: 'Start a read; the engine decides which materials it shows (StartRead)',
  body: StartReadDto,
  answer: {
    dto: ReadStartedDto,
    respond: (result) => {
      const { shown } = eventOf(result, 'ReadStarted').data;
      return {
        body: { revision: result.revision, shown, materials: materialsShown(caseAfter(result), shown) },
      };
    },
  },
};
