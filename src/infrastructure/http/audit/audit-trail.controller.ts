import { Controller, Get, Inject, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseBlinding } from '../../../application/case/case-blinding.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../../../projections/runner/projection.js';
import { pendingReadsOf } from '../../../projections/worklist/pending-reads.js';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiExtraModels,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '../../../application/ports/event-store.port.js';
import { caseStreamId } from '../../../domain/case/case.stream.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import {
  type AuditTrailItem,
  AuditTrailQueries,
  type Page,
} from '../../../projections/audit-trail/audit-trail.queries.js';
import { Allow } from '../../auth/allow.decorator.js';
import { type HttpExchange, Exchange } from '../case/command-context.js';
import type { Identity } from '../../auth/identity.js';
import { CaseIdParam } from '../case/case-id.pipe.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { ProblemException } from '../problem/problem-exception.js';
import { auditTrailCsv, CSV_CONTENT_TYPE, wantsCsv } from './audit-csv.js';
import { QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../validation/query.validators.js';
import { AuditTrailQueryDto, CaseAuditTrailQueryDto, encodeCursor } from './audit-query.dto.js';
import { AuditTrailPageDto } from './audit.dto.js';
import { readModel } from './read-model.js';
import { recordRead } from './request-origin.js';

/** A CSV export without `limit` takes every row, up to this many (then `X-Next-Cursor` says where to go on). */
const EXPORT_MAX_ROWS = 50_000;

/** What both audit-trail routes answer: JSON pages, or CSV on `Accept: text/csv`. */
function AuditTrailResponses(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiHeader({ name: 'Accept', required: false, description: 'text/csv for the CSV export' })(
      target,
      key,
      descriptor,
    );
    ApiExtraModels(AuditTrailPageDto)(target, key, descriptor);
    ApiOkResponse({
      description:
        'A JSON page, or on `Accept: text/csv` the CSV export (a header row, then one row per event)',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(AuditTrailPageDto) } },
        'text/csv': { schema: { type: 'string' } },
      },
    })(target, key, descriptor);
    ApiBadRequestResponse({ type: ProblemDto })(target, key, descriptor);
  };
}

/**
 * The audit trail (Q, M, A): one row per event in ascending global order, as JSON pages or as CSV.
 * Every read is itself recorded in the access log.
 */
@ApiTags('audit')
@Controller('api/v1')
export class AuditTrailController {
  constructor(
    private readonly auditTrail: AuditTrailQueries,
    private readonly access: AccessRecorder,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reading: CaseBlinding,
    private readonly dataSource: DataSource,
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
  ) {}

  /** Cases whose record the caller may not see yet: it holds a blinded read on them it has not submitted. */
  private pendingReads(identity: Identity): Promise<Set<string>> {
    return pendingReadsOf(
      this.schemas,
      (sql, parameters) => this.dataSource.query(sql, parameters),
      identity.sub,
    );
  }

  @Get('cases/:caseId/audit-trail')
  @Allow('read-audit-trail')
  @ApiOperation({ summary: "A case's audit trail, including who read its data" })
  @AuditTrailResponses()
  @ApiNotFoundResponse({ type: ProblemDto })
  async caseTrail(
    @CaseIdParam() caseId: string,
    @Query(QueryValidationPipe) query: CaseAuditTrailQueryDto,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<unknown> {
    const { exists } = await this.store.readStream(caseStreamId(caseId), { maxCount: 1 });
    if (!exists) throw new ProblemException(404, 'not-found', `Case ${caseId} does not exist.`);
    await this.reading.assertNotReading(caseId, { id: identity.sub, roles: identity.roles }, 'audit trail');
    const csv = wantsCsv(request);
    const page = await this.read({ ...query, caseId }, csv);
    await recordRead(this.access, { identity, request }, { caseId, resource: 'audit-trail' });
    return this.respond(page, csv, reply, `audit-trail-${caseId}.csv`, query.raw === true);
  }

  @Get('audit-trail')
  @Allow('read-audit-trail')
  @ApiOperation({ summary: 'Search the audit trail across cases by case, actor, type and time' })
  @AuditTrailResponses()
  async search(
    @Query(QueryValidationPipe) query: AuditTrailQueryDto,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<unknown> {
    const csv = wantsCsv(request);
    const pending = await this.pendingReads(identity);
    const page = await this.read(query, csv);
    // Rows of a case the caller is still reading blinded are left out (the cursor still moves past them).
    if (pending.size > 0) page.items = page.items.filter((item) => !item.caseId || !pending.has(item.caseId));
    await recordRead(this.access, { identity, request }, { caseId: query.caseId, resource: 'audit-search' });
    return this.respond(page, csv, reply, 'audit-trail.csv', query.raw === true);
  }

  private async read(query: AuditTrailQueryDto, csv: boolean): Promise<Page<AuditTrailItem>> {
    const { cursor: after, limit, raw: _raw, ...filter } = query;
    if (!csv || limit !== undefined) {
      return readModel(() => this.auditTrail.list(filter, { after, limit: limit ?? DEFAULT_LIMIT }));
    }
    const items: AuditTrailItem[] = [];
    let next: bigint | undefined = after;
    do {
      const page = await readModel(() => this.auditTrail.list(filter, { after: next, limit: MAX_LIMIT }));
      items.push(...page.items);
      next = page.nextAfter;
    } while (next !== undefined && items.length < EXPORT_MAX_ROWS);
    return next === undefined ? { items } : { items, nextAfter: next };
  }

  private respond(
    page: Page<AuditTrailItem>,
    csv: boolean,
    reply: FastifyReply,
    filename: string,
    raw: boolean,
  ): unknown {
    const nextCursor = page.nextAfter === undefined ? undefined : encodeCursor(page.nextAfter);
    if (!csv) return nextCursor === undefined ? { items: page.items } : { items: page.items, nextCursor };
    void reply.header('content-type', CSV_CONTENT_TYPE);
    void reply.header('content-disposition', `attachment; filename="${filename}"`);
    if (nextCursor !== undefined) void reply.header('x-next-cursor', nextCursor);
    return auditTrailCsv(page.items, { raw });
  }
}
