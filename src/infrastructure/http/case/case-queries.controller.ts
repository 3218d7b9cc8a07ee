import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  GetCaseHistoryQuery,
  type CaseHistory,
  type HistoryPoint,
} from '../../../application/case/queries/get-case-history.query.js';
import { GetCaseQuery } from '../../../application/case/queries/get-case.query.js';
import type { CaseView } from '../../../domain/case/case-view.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import { Allow, CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { ProblemException } from '../problem/problem-exception.js';
import { CaseIdPipe } from './case-id.pipe.js';
import { etag } from './command-context.js';
import { CaseHistoryDto } from './dto/responses.dto.js';

function historyPoint(query: Record<string, unknown>): HistoryPoint {
  const given = (['revision', 'asOf', 'asOccurredBy'] as const).filter((name) => query[name] !== undefined);
  const unknown = Object.keys(query).filter((name) => !['revision', 'asOf', 'asOccurredBy'].includes(name));
  if (unknown.length > 0) {
    throw new ProblemException(
      400,
      'validation-failed',
      `Unknown query parameter(s): ${unknown.join(', ')}.`,
      {
        errors: unknown.map((field) => ({ field, message: `${field} is not a known parameter` })),
      },
    );
  }
  if (given.length > 1) {
    throw new ProblemException(
      400,
      'validation-failed',
      'Give at most one of revision, asOf and asOccurredBy.',
    );
  }
  const [name] = given;
  if (name === undefined) return { kind: 'latest' };
  const value = query[name];
  if (typeof value !== 'string')
    throw new ProblemException(400, 'validation-failed', `${name} must be given once.`);
  if (name === 'revision') {
    if (!/^(0|[1-9]\d{0,9})$/.test(value)) {
      throw new ProblemException(400, 'validation-failed', 'revision must be a whole number from 0.', {
        errors: [{ field: 'revision', message: 'revision must be a whole number from 0' }],
      });
    }
    return { kind: 'revision', revision: Number(value) };
  }
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || !Number.isFinite(time)) {
    throw new ProblemException(400, 'validation-failed', `${name} must be an ISO 8601 time.`, {
      errors: [{ field: name, message: `${name} must be an ISO 8601 date-time` }],
    });
  }
  return { kind: name === 'asOf' ? 'as-of' : 'as-occurred-by', time: new Date(time) };
}

function requestOrigin(request: FastifyRequest) {
  return { ip: request.ip, userAgent: request.headers['user-agent'], correlationId: request.id };
}

@ApiTags('cases')
@Controller('api/v1/cases')
export class CaseQueriesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly access: AccessRecorder,
  ) {}

  @Get(':caseId')
  @Allow('read-case')
  @ApiOperation({
    summary: 'Current state of a case, filtered by who asks',
    description:
      'A reader with a pending blinded read sees only its own assignment and the materials its read shows.',
  })
  @ApiOkResponse({ description: 'The case view; ETag is the stream revision' })
  @ApiNotFoundResponse({ type: ProblemDto })
  async get(
    @Param('caseId', CaseIdPipe) caseId: string,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseView> {
    const { view, revision } = await this.queries.execute(
      new GetCaseQuery(caseId, { id: identity.sub, roles: identity.roles }),
    );
    // Every read of case data is itself an event, in the case's access stream (never the case stream).
    await this.access.record({ caseId, resource: 'case', identity, ...requestOrigin(request) });
    void reply.header('etag', etag(revision));
    return view;
  }

  @Get(':caseId/history')
  @Allow('read-history')
  @ApiOperation({
    summary: 'Replay a case from the event store, with its events and the hash-chain verdict',
    description:
      '`revision` (inclusive), `asOf` (what the record said at that time: recordedAt ≤ T) or `asOccurredBy` (what had happened by T: occurredAt ≤ T).',
  })
  @ApiQuery({ name: 'revision', required: false, type: Number })
  @ApiQuery({ name: 'asOf', required: false, type: String, example: '2026-11-20T10:00:00Z' })
  @ApiQuery({ name: 'asOccurredBy', required: false, type: String })
  @ApiOkResponse({ type: CaseHistoryDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async history(
    @Param('caseId', CaseIdPipe) caseId: string,
    @Query() query: Record<string, unknown>,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<CaseHistory> {
    const history = await this.queries.execute(
      new GetCaseHistoryQuery(caseId, historyPoint(query), { id: identity.sub, roles: identity.roles }),
    );
    await this.access.record({ caseId, resource: 'history', identity, ...requestOrigin(request) });
    return history;
  }
}
