import { revisionOnly } from '../case-answers.route.js';
import type { CaseCommandRoute } from '../case-command.js';
import type { AppendAddendum } from './append-addendum.decide.js';
import { AppendAddendumDto } from './append-addendum.dto.js';

export const appendAddendumRoute: CaseCommandRoute<AppendAddendum['data'], AppendAddendumDto> = {
  path: ':caseId/opinions/:opinionId/addenda',
  action: 'append-addendum',
  summary: 'Append a signed addendum to your own opinion (AppendAddendum)',
  body: AppendAddendumDto,
  toData: (body, { opinionId }) => ({ ...body, opinionId: opinionId! }),
  answer: revisionOnly,
};
