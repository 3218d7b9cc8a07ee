import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';
import { type CaseCommandRoute, revisionOnly } from '../case-command.js';
import type { UnassignReader } from './unassign-reader.decide.js';
import { UnassignReaderDto } from './unassign-reader.dto.js';

export const unassignReaderRoute: CaseCommandRoute<UnassignReader['data'], UnassignReaderDto> = {
  path: ':caseId/assignments/:assignmentId/unassignment',
  action: 'unassign-reader',
  summary: 'Unassign a reader before its opinion (UnassignReader)',
  body: UnassignReaderDto,
  response: RevisionResponseDto,
  toData: (body, { assignmentId }) => ({ ...body, assignmentId: assignmentId! }),
  respond: revisionOnly,
};
