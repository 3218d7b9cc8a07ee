import { revisionOnly } from '../case-answers.route.js';
import type { CaseCommandRoute } from '../case-command.js';
import type { RecordReferenceStandard } from './record-reference-standard.decide.js';
import { RecordReferenceStandardDto } from './record-reference-standard.dto.js';

export const recordReferenceStandardRoute: CaseCommandRoute<
  RecordReferenceStandard['data'],
  RecordReferenceStandardDto
> = {
  path: ':caseId/reference-standard',
  action: 'record-reference-standard',
  summary: 'Record the reference standard accuracy is measured against (RecordReferenceStandard)',
  body: RecordReferenceStandardDto,
  answer: revisionOnly,
};
