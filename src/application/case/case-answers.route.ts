import {
  CaseStatusResponseDto,
  RevisionResponseDto,
} from '../../infrastructure/http/case/dto/responses.dto.js';
import { type CaseCommandAnswer, caseAfter } from './case-command.js';

/** The answer of most commands: the revision they left the case at. */
export const revisionOnly: CaseCommandAnswer = {
  dto: RevisionResponseDto,
  respond: (result) => ({ body: { revision: result.revision } }),
};

/** The answer of commands that may move the case on: the revision and the status after. */
export const revisionAndStatus: CaseCommandAnswer = {
  dto: CaseStatusResponseDto,
  respond: (result) => ({ body: { revision: result.revision, status: caseAfter(result).status } }),
};
