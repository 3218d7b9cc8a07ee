import { applyDecorators, Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { type Command, CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
  ApiPayloadTooLargeResponse,
} from '@nestjs/swagger';
import type {
  CaseCommandContext,
  CaseCommandOutcome,
} from '../../../application/case/case-commands.service.js';
import { AppendAddendumCommand } from '../../../application/case/commands/append-addendum.command.js';
import { AssignReaderCommand } from '../../../application/case/commands/assign-reader.command.js';
import { CloseCaseCommand } from '../../../application/case/commands/close-case.command.js';
import { EscalateCaseCommand } from '../../../application/case/commands/escalate-case.command.js';
import { RecordReferenceStandardCommand } from '../../../application/case/commands/record-reference-standard.command.js';
import { ReopenCaseCommand } from '../../../application/case/commands/reopen-case.command.js';
import { RequestSecondOpinionCommand } from '../../../application/case/commands/request-second-opinion.command.js';
import { ReviewPriorReportCommand } from '../../../application/case/commands/review-prior-report.command.js';
import { StartReadCommand } from '../../../application/case/commands/start-read.command.js';
import { SubmitAdjudicationCommand } from '../../../application/case/commands/submit-adjudication.command.js';
import { SubmitOpinionCommand } from '../../../application/case/commands/submit-opinion.command.js';
import { UnassignReaderCommand } from '../../../application/case/commands/unassign-reader.command.js';
import { WithdrawCaseCommand } from '../../../application/case/commands/withdraw-case.command.js';
import { CommandIds } from '../../../application/command-path/command-ids.js';
import { materialsShown } from '../../../domain/case/blinding.js';
import type { CaseEvent } from '../../../domain/case/case.events.js';
import type { Case, CaseState } from '../../../domain/case/case.state.js';
import type { AccessAction } from '../../auth/access-policy.js';
import { Allow } from '../../auth/allow.decorator.js';
import { Idempotency, idempotencyScope } from '../idempotency/idempotency.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { BodyValidationPipe } from '../validation/body-validation.pipe.js';
import { CaseIdPipe, UuidParamPipe } from './case-id.pipe.js';
import { type CommandExchange, Exchange, commandContext, etag } from './command-context.js';
import type { CommandBodyDto } from './dto/common.dto.js';
import {
  CloseCaseDto,
  EscalateCaseDto,
  ReasonDto,
  RecordReferenceStandardDto,
} from './dto/case-lifecycle.dto.js';
import {
  AppendAddendumDto,
  AssignReaderDto,
  ReviewPriorReportDto,
  StartReadDto,
  SubmitAdjudicationDto,
  SubmitOpinionDto,
  UnassignReaderDto,
} from './dto/reader.dto.js';
import { RequestSecondOpinionDto } from './dto/request-second-opinion.dto.js';
import {
  AssignmentCreatedDto,
  CaseClosedDto,
  CaseCreatedDto,
  CaseReopenedDto,
  CaseStatusResponseDto,
  OpinionSubmittedDto,
  PriorReportReviewedDto,
  ReadStartedDto,
  RevisionResponseDto,
} from './dto/responses.dto.js';

const BODY = new BodyValidationPipe();
const OPTIONAL_BODY = new BodyValidationPipe({ optionalBody: true });

function eventOf<Type extends CaseEvent['type']>(
  events: readonly CaseEvent[],
  type: Type,
): Extract<CaseEvent, { type: Type }> {
  const event = events.find(
    (candidate): candidate is Extract<CaseEvent, { type: Type }> => candidate.type === type,
  );
  if (!event) throw new Error(`The command recorded no ${type}`);
  return event;
}

function existing(state: CaseState): Case {
  if (!state.exists) throw new Error('The case does not exist after its command');
  return state;
}

/**
 * A command route: POST answering 201, guarded by the access-policy row `action`, with the headers
 * and error responses every command documents.
 */
function CommandRoute(path: string, action: AccessAction): MethodDecorator {
  return applyDecorators(Post(path), HttpCode(201), Allow(action), CommandResponses());
}

/** Responses every command route documents. */
function CommandResponses(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Replays the first response for the same request',
    })(target, key, descriptor);
    ApiHeader({ name: 'If-Match', required: false, description: 'Quoted stream revision, e.g. "7"' })(
      target,
      key,
      descriptor,
    );
    ApiHeader({ name: 'X-Correlation-Id', required: false })(target, key, descriptor);
    ApiBadRequestResponse({
      description: 'Malformed or invalid body (errors[] lists the fields)',
      type: ProblemDto,
    })(target, key, descriptor);
    ApiNotFoundResponse({ description: 'Unknown case, assignment or opinion', type: ProblemDto })(
      target,
      key,
      descriptor,
    );
    ApiConflictResponse({ description: 'case-exists, or concurrency-conflict', type: ProblemDto })(
      target,
      key,
      descriptor,
    );
    ApiPreconditionFailedResponse({ description: 'If-Match does not match', type: ProblemDto })(
      target,
      key,
      descriptor,
    );
    ApiPayloadTooLargeResponse({ description: 'Body over 256 KiB', type: ProblemDto })(
      target,
      key,
      descriptor,
    );
    ApiUnsupportedMediaTypeResponse({ description: 'Body is not application/json', type: ProblemDto })(
      target,
      key,
      descriptor,
    );
    ApiUnprocessableEntityResponse({
      description: 'A domain rule (code as in domain.md), or idempotency-key-reuse',
      type: ProblemDto,
    })(target, key, descriptor);
  };
}

/** The case commands of api.md: each maps its body to a command, runs it, and maps the result. */
@ApiTags('cases')
@Controller('api/v1/cases')
export class CasesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly idempotency: Idempotency,
  ) {}

  /** Maps the body to a command, runs it under the request's Idempotency-Key, sets the ETag, maps the result. */
  private run<Body extends CommandBodyDto>(
    { identity, request, reply }: CommandExchange,
    body: Body,
    command: (data: Omit<Body, 'occurredAt'>, context: CaseCommandContext) => Command<CaseCommandOutcome>,
    map: (outcome: CaseCommandOutcome) => object,
  ): Promise<unknown> {
    const { context, data } = commandContext(identity, request, body);
    void reply.status(201);
    return this.idempotency.run(request, reply, async () => {
      const outcome = await this.commands.execute(command(data, context));
      void reply.header('etag', etag(outcome.result.revision));
      return map(outcome);
    });
  }

  @CommandRoute('', 'request-case')
  @ApiOperation({ summary: 'Request a second opinion (RequestSecondOpinion)' })
  @ApiCreatedResponse({ type: CaseCreatedDto, description: 'Location names the new case' })
  request(
    @Body(BODY) body: RequestSecondOpinionDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    // Without a client id, one derived from the Idempotency-Key keeps retries on the same case.
    const caseId = (
      body.caseId ?? new CommandIds(idempotencyScope(exchange.request)).idFor('case')
    ).toLowerCase();
    return this.run(
      exchange,
      body,
      (data, context) => new RequestSecondOpinionCommand(caseId, { ...data, caseId }, context),
      ({ result }) => {
        void exchange.reply.header('location', `/api/v1/cases/${caseId}`);
        return { caseId, revision: result.revision };
      },
    );
  }

  @CommandRoute(':caseId/assignments', 'assign-reader')
  @ApiOperation({ summary: 'Assign a reader (AssignReader)' })
  @ApiCreatedResponse({ type: AssignmentCreatedDto })
  assign(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(BODY) body: AssignReaderDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new AssignReaderCommand(caseId, data, context),
      ({ result }) => ({
        assignmentId: eventOf(result.events, 'ReaderAssigned').data.assignmentId,
        revision: result.revision,
      }),
    );
  }

  @CommandRoute(':caseId/assignments/:assignmentId/unassignment', 'unassign-reader')
  @ApiOperation({ summary: 'Unassign a reader before its opinion (UnassignReader)' })
  @ApiCreatedResponse({ type: RevisionResponseDto })
  unassign(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('assignmentId', UuidParamPipe) assignmentId: string,
    @Body(BODY) body: UnassignReaderDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new UnassignReaderCommand(caseId, { ...data, assignmentId }, context),
      ({ result }) => ({ revision: result.revision }),
    );
  }

  @CommandRoute(':caseId/reads', 'start-read')
  @ApiOperation({ summary: 'Start a read; the engine decides which materials it shows (StartRead)' })
  @ApiCreatedResponse({ type: ReadStartedDto })
  startRead(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(BODY) body: StartReadDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new StartReadCommand(caseId, data, context),
      ({ result }) => {
        const { shown } = eventOf(result.events, 'ReadStarted').data;
        return { revision: result.revision, shown, materials: materialsShown(existing(result.state), shown) };
      },
    );
  }

  @CommandRoute(':caseId/opinions', 'submit-opinion')
  @ApiOperation({
    summary: 'Submit a signed opinion (SubmitOpinion); may escalate or reach consensus in the same append',
  })
  @ApiCreatedResponse({ type: OpinionSubmittedDto })
  submitOpinion(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(BODY) body: SubmitOpinionDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new SubmitOpinionCommand(caseId, data, context),
      ({ result }) => ({
        opinionId: eventOf(result.events, 'OpinionSubmitted').data.opinionId,
        revision: result.revision,
        status: existing(result.state).status,
      }),
    );
  }

  @CommandRoute(':caseId/prior-report-reviews', 'review-prior-report')
  @ApiOperation({
    summary: 'Score the prior report after your own opinion (ReviewPriorReport, sequential unblinding)',
  })
  @ApiCreatedResponse({ type: PriorReportReviewedDto })
  reviewPriorReport(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(BODY) body: ReviewPriorReportDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new ReviewPriorReportCommand(caseId, data, context),
      ({ result }) => {
        const state = existing(result.state);
        return { revision: result.revision, status: state.status, priorReport: state.request.priorReport };
      },
    );
  }

  @CommandRoute(':caseId/adjudication', 'submit-adjudication')
  @ApiOperation({
    summary: 'Decide as the adjudicator (SubmitAdjudication); consensus follows in the same append',
  })
  @ApiCreatedResponse({ type: CaseStatusResponseDto })
  adjudicate(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(BODY) body: SubmitAdjudicationDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new SubmitAdjudicationCommand(caseId, data, context),
      ({ result }) => ({ revision: result.revision, status: existing(result.state).status }),
    );
  }

  @CommandRoute(':caseId/escalations', 'escalate-case')
  @ApiOperation({ summary: 'Escalate to adjudication or to an expert panel (EscalateCase)' })
  @ApiCreatedResponse({ type: CaseStatusResponseDto })
  escalate(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(BODY) body: EscalateCaseDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new EscalateCaseCommand(caseId, data, context),
      ({ result }) => ({ revision: result.revision, status: existing(result.state).status }),
    );
  }

  @CommandRoute(':caseId/closure', 'close-case')
  @ApiOperation({ summary: 'Close a case that reached consensus (CloseCase)' })
  @ApiCreatedResponse({ type: CaseClosedDto })
  close(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(OPTIONAL_BODY) body: CloseCaseDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new CloseCaseCommand(caseId, data, context),
      ({ result }) => ({
        revision: result.revision,
        outcome: eventOf(result.events, 'CaseClosed').data.outcome,
      }),
    );
  }

  @CommandRoute(':caseId/reopening', 'reopen-case')
  @ApiOperation({ summary: 'Reopen a closed case for a new reading round (ReopenCase)' })
  @ApiCreatedResponse({ type: CaseReopenedDto })
  reopen(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(BODY) body: ReasonDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new ReopenCaseCommand(caseId, data, context),
      ({ result }) => ({
        revision: result.revision,
        round: eventOf(result.events, 'CaseReopened').data.round,
      }),
    );
  }

  @CommandRoute(':caseId/withdrawal', 'withdraw-case')
  @ApiOperation({ summary: 'Withdraw a case before consensus (WithdrawCase)' })
  @ApiCreatedResponse({ type: RevisionResponseDto })
  withdraw(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(BODY) body: ReasonDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new WithdrawCaseCommand(caseId, data, context),
      ({ result }) => ({ revision: result.revision }),
    );
  }

  @CommandRoute(':caseId/opinions/:opinionId/addenda', 'append-addendum')
  @ApiOperation({ summary: 'Append a signed addendum to your own opinion (AppendAddendum)' })
  @ApiCreatedResponse({ type: RevisionResponseDto })
  addendum(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('opinionId', UuidParamPipe) opinionId: string,
    @Body(BODY) body: AppendAddendumDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new AppendAddendumCommand(caseId, { ...data, opinionId }, context),
      ({ result }) => ({ revision: result.revision }),
    );
  }

  @CommandRoute(':caseId/reference-standard', 'record-reference-standard')
  @ApiOperation({
    summary: 'Record the reference standard accuracy is measured against (RecordReferenceStandard)',
  })
  @ApiCreatedResponse({ type: RevisionResponseDto })
  referenceStandard(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body(BODY) body: RecordReferenceStandardDto,
    @Exchange() exchange: CommandExchange,
  ): Promise<unknown> {
    return this.run(
      exchange,
      body,
      (data, context) => new RecordReferenceStandardCommand(caseId, data, context),
      ({ result }) => ({ revision: result.revision }),
    );
  }
}
