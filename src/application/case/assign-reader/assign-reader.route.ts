import { revisionAnd } from '../case-answers.route.js';
import type { CaseCommandRoute } from '../case-command.js';
import type { AssignReader } from './assign-reader.decide.js';
import { AssignmentCreatedDto, AssignReaderDto } from './assign-reader.dto.js';

export const assignReaderRoute: CaseCommandRoute<AssignReader['data'], AssignReaderDto> = {
  path: ':caseId/assignments',
  action: 'assign-reader',
  summary: 'Assign a reader (AssignReader)',
  body: AssignReaderDto,
  answer: revisionAnd(AssignmentCreatedDto, 'ReaderAssigned', 'assignmentId'),
};
