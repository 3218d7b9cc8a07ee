import { Controller, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../../../projections/runner/projection.js';
import {
  type WorklistFilter,
  type WorklistItem,
  listWorklist,
} from '../../../projections/worklist/worklist.query.js';
import { type HttpExchange, Exchange } from '../case/command-context.js';
import { QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { DEFAULT_LIMIT } from '../validation/query.validators.js';
import { encodeWorklistCursor, WorklistQueryDto } from './worklist-query.dto.js';
import { recordRead } from '../audit/request-origin.js';
import { ReadRoute } from '../read-route.decorator.js';
import { WorklistPageDto } from './worklist.dto.js';

@ApiTags('cases')
@Controller('api/v1/cases')
export class WorklistController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
    private readonly access: AccessRecorder,
  ) {}

  @ReadRoute({
    action: 'read-worklist',
    summary: 'The case worklist',
    description:
      'Rows `{caseId, status, patientRef, studyInstanceUid, bodyRegion, requester?, priority, dueAt, overdue, readers, requestedAt, consensusAt?, outcome?}` in `requestedAt` order; a radiologist sees only the cases it is assigned to. Where the caller is a blinded reader (it held an assignment and did not submit) its row has no requester, consensusAt or outcome, and the requester and outcome filters never match it. The access log records the read, never its parameters (patient references are personal data).',
    ok: { type: WorklistPageDto },
    badRequest: true,
  })
  async list(
    @Query(QueryValidationPipe) query: WorklistQueryDto,
    @Exchange() { identity, request }: HttpExchange,
  ): Promise<{ items: WorklistItem[]; nextCursor?: string }> {
    const { cursor: after, limit = DEFAULT_LIMIT, ...filters } = query;
    const filter: WorklistFilter = { ...filters, limit, after, viewerId: identity.sub };
    // A radiologist (and nothing more) sees the cases it is assigned to, and only itself among their readers.
    if (identity.roles.every((role) => role === 'radiologist')) filter.assignedTo = identity.sub;
    const page = await this.schemas.withActiveSchema('worklist', (schema) =>
      listWorklist((sql, parameters) => this.dataSource.query(sql, parameters), schema, filter),
    );
    await recordRead(this.access, { identity, request }, { resource: 'worklist' });
    return { items: page.items, ...(page.last && { nextCursor: encodeWorklistCursor(page.last) }) };
  }
}
