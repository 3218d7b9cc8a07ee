import type { Type } from '@nestjs/common';
import type { ICommandHandler } from '@nestjs/cqrs';
import { RequestSecondOpinionHandler } from './request-second-opinion.handler.js';
import { AssignReaderHandler } from './assign-reader.handler.js';
import { UnassignReaderHandler } from './unassign-reader.handler.js';
import { StartReadHandler } from './start-read.handler.js';
import { SubmitOpinionHandler } from './submit-opinion.handler.js';
import { ReviewPriorReportHandler } from './review-prior-report.handler.js';
import { SubmitAdjudicationHandler } from './submit-adjudication.handler.js';
import { EscalateCaseHandler } from './escalate-case.handler.js';
import { CloseCaseHandler } from './close-case.handler.js';
import { ReopenCaseHandler } from './reopen-case.handler.js';
import { WithdrawCaseHandler } from './withdraw-case.handler.js';
import { AppendAddendumHandler } from './append-addendum.handler.js';
import { RecordReferenceStandardHandler } from './record-reference-standard.handler.js';
import { RecordSlaBreachHandler } from './record-sla-breach.handler.js';

/** Every case command handler, registered by the case module. */
export const CASE_COMMAND_HANDLERS: Type<ICommandHandler>[] = [
  RequestSecondOpinionHandler,
  AssignReaderHandler,
  UnassignReaderHandler,
  StartReadHandler,
  SubmitOpinionHandler,
  ReviewPriorReportHandler,
  SubmitAdjudicationHandler,
  EscalateCaseHandler,
  CloseCaseHandler,
  ReopenCaseHandler,
  WithdrawCaseHandler,
  AppendAddendumHandler,
  RecordReferenceStandardHandler,
  RecordSlaBreachHandler,
];
