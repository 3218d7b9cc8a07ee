import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';
import { type CaseCommandRoute, revisionOnly } from '../case-command.js';
import type { AppendAddendum } from './append-addendum.decide.js';
import { AppendAddendumDto } from './append-addendum.dto.js';

export const appendAddendumRoute: CaseCommandRoute<AppendAddendum['data'], AppendAddendumDto> = {
  path: ':caseId/opinions/:opinionId/addenda',
  action: 'append-addendum',
  summary: 'Append a signed addendum to your own opinion (AppendAddendum)',
  body: AppendAddendumDto,
  response: RevisionResponseDto,
  toData: (body, { opinionId }) => ({ ...body, opinionId: opinionId! }),
  respond: revisionOnly,
};
