import { revisionOnly } from '../case-answers.route.js';
import type { CaseCommandRoute } from '../case-command.js';
import type { UnassignReader } from './unassign-reader.decide.js';
import { UnassignReaderDto } from './unassign-reader.dto.js';

export const unassignReaderRoute: CaseCommandRoute<UnassignReader['data'], UnassignReaderDto> = {
  path: ':caseId/assignments/:assignmentId/unassignment',
  action: 'unassign-reader',
  summary: 'Unassign a reader before its opinion (UnassignReader)',
  body: UnassignReaderDto,
  toData: (body, { assignmentId }) => ({ ...body, assignmentId: assignmentId! }),
  answer: revisionOnly,
};
