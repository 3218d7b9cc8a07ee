import { Controller, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  GetCaseHistoryQuery,
  type CaseHistory,
} from '../../../application/case/queries/get-case-history.query.js';
import { GetCaseQuery } from '../../../application/case/queries/get-case.query.js';
import type { CaseView } from '../../../domain/case/case-view.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import { CurrentIdentity } from '../../auth/allow.decorator.js';
import { askedHistoryPoint, noteAskedHistoryPoint } from '../audit/refused-access.hook.js';
import { recordRead } from '../audit/request-origin.js';
import type { Identity } from '../../auth/identity.js';
import { QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { CaseHistoryQueryDto, historyPoint } from './case-history-query.dto.js';
import { CaseIdParam } from './case-id.pipe.js';
import { type HttpExchange, Exchange, etag } from './command-context.js';
import { CaseHistoryDto } from './dto/responses.dto.js';
import { FullCaseViewDto, ReadingCaseViewDto } from './dto/case-view.dto.js';
import { ReadRoute } from '../read-route.decorator.js';

@ApiTags('cases')
@ApiExtraModels(FullCaseViewDto, ReadingCaseViewDto)
@Controller('api/v1/cases')
export class CaseQueriesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly access: AccessRecorder,
  ) {}

  @ReadRoute({
    path: ':caseId',
    action: 'read-case',
    summary: 'Current state of a case, filtered by who asks',
    description:
      'A reader with a pending blinded read sees only its own assignment and the materials its read shows.',
    ok: {
      description: 'The case view; ETag is the stream revision',
      schema: {
        oneOf: [{ $ref: getSchemaPath(FullCaseViewDto) }, { $ref: getSchemaPath(ReadingCaseViewDto) }],
      },
    },
    notFound: true,
  })
  async get(
    @CaseIdParam() caseId: string,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<CaseView> {
    const { view, revision } = await this.queries.execute(
      new GetCaseQuery(caseId, { id: identity.sub, roles: identity.roles }),
    );
    // Every read of case data is itself an event, in the case's access stream (never the case stream).
    await recordRead(this.access, { identity, request }, { caseId, resource: 'case' });
    void reply.header('etag', etag(revision));
    return view;
  }

  @ReadRoute({
    path: ':caseId/history',
    action: 'read-history',
    summary: 'Replay a case from the event store, with its events and the hash-chain verdict',
    description:
      '`revision` (inclusive), `asOf` (what the record said at that time: recordedAt ≤ T) or `asOccurredBy` (what had happened by T: occurredAt ≤ T).',
    ok: { type: CaseHistoryDto },
    badRequest: true,
    notFound: true,
  })
  async history(
    @CaseIdParam() caseId: string,
    @Query(QueryValidationPipe) query: CaseHistoryQueryDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<CaseHistory> {
    const point = historyPoint(query);
    // The access log records the point asked for, whether the read succeeds or is refused.
    const asked = askedHistoryPoint(point);
    noteAskedHistoryPoint(request, asked);
    const history = await this.queries.execute(
      new GetCaseHistoryQuery(caseId, point, { id: identity.sub, roles: identity.roles }),
    );
    await recordRead(
      this.access,
      { identity, request },
      {
        caseId,
        resource: 'history',
        ...(asked === undefined ? {} : { point: asked }),
      },
    );
    return history;
  }
}
