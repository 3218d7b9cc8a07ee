import { type CaseCommandRoute, eventOf } from '../case-command.js';
import type { AssignReader } from './assign-reader.decide.js';
import { AssignmentCreatedDto, AssignReaderDto } from './assign-reader.dto.js';

export const assignReaderRoute: CaseCommandRoute<AssignReader['data'], AssignReaderDto> = {
  path: ':caseId/assignments',
  action: 'assign-reader',
  summary: 'Assign a reader (AssignReader)',
  body: AssignReaderDto,
  answer: {
    dto: AssignmentCreatedDto,
    respond: (result) => ({
      body: {
        assignmentId: eventOf(result, 'ReaderAssigned').data.assignmentId,
        revision: result.revision,
      },
    }),
  },
};
