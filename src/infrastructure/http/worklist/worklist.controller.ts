import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { CASE_STATUSES, PRIORITIES } from '../../../domain/case/case.values.js';
import type { CaseStatus, Priority } from '../../../domain/case/case.values.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../../../projections/runner/projection.js';
import {
  type WorklistFilter,
  type WorklistItem,
  listWorklist,
} from '../../../projections/worklist/worklist.query.js';
import { Allow, CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { ACTOR_ID } from '../case/dto/common.dto.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { ProblemException } from '../problem/problem-exception.js';

const PARAMETERS = ['status', 'priority', 'readerId', 'overdue', 'limit', 'cursor'] as const;

function invalid(field: string, message: string): ProblemException {
  return new ProblemException(400, 'validation-failed', message, { errors: [{ field, message }] });
}

function encodeCursor(after: { requestedAt: string; caseId: string }): string {
  return Buffer.from(`${after.requestedAt}|${after.caseId}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { requestedAt: string; caseId: string } {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f-]{36})$/.exec(decoded);
  if (!match || !Number.isFinite(Date.parse(match[1]!)))
    throw invalid('cursor', 'cursor must be a nextCursor this API returned');
  return { requestedAt: match[1]!, caseId: match[2]! };
}

/** api.md query parameters of the worklist; anything else is a 400. */
export function worklistFilter(query: Record<string, unknown>): Omit<WorklistFilter, 'assignedTo'> {
  const unknown = Object.keys(query).filter((name) => !(PARAMETERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw invalid(unknown[0]!, `${unknown[0]} is not a known parameter`);
  const single = (name: (typeof PARAMETERS)[number]): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw invalid(name, `${name} must be given once`);
    return value;
  };
  const filter: Omit<WorklistFilter, 'assignedTo'> = { limit: 50 };
  const status = single('status');
  if (status !== undefined) {
    if (!(CASE_STATUSES as readonly string[]).includes(status))
      throw invalid('status', `status must be one of ${CASE_STATUSES.join(', ')}`);
    filter.status = status as CaseStatus;
  }
  const priority = single('priority');
  if (priority !== undefined) {
    if (!(PRIORITIES as readonly string[]).includes(priority))
      throw invalid('priority', `priority must be one of ${PRIORITIES.join(', ')}`);
    filter.priority = priority as Priority;
  }
  const readerId = single('readerId');
  if (readerId !== undefined) {
    if (!ACTOR_ID.test(readerId)) throw invalid('readerId', 'readerId must be an actor id');
    filter.readerId = readerId;
  }
  const overdue = single('overdue');
  if (overdue !== undefined) {
    if (overdue !== 'true' && overdue !== 'false') throw invalid('overdue', 'overdue must be true or false');
    filter.overdue = overdue === 'true';
  }
  const limit = single('limit');
  if (limit !== undefined) {
    if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 500)
      throw invalid('limit', 'limit must be 1 to 500');
    filter.limit = Number(limit);
  }
  const cursor = single('cursor');
  if (cursor !== undefined) filter.after = decodeCursor(cursor);
  return filter;
}

@ApiTags('cases')
@Controller('api/v1/cases')
export class WorklistController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
    private readonly access: AccessRecorder,
  ) {}

  @Get()
  @Allow('read-worklist')
  @ApiOperation({
    summary: 'The case worklist',
    description:
      'Rows `{caseId, status, priority, dueAt, overdue, readers, requestedAt, consensusAt?, outcome?}`; a radiologist sees only the cases it is assigned to.',
  })
  @ApiQuery({ name: 'status', required: false, enum: CASE_STATUSES })
  @ApiQuery({ name: 'priority', required: false, enum: PRIORITIES })
  @ApiQuery({ name: 'readerId', required: false })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ description: '{items, nextCursor?}' })
  @ApiBadRequestResponse({ type: ProblemDto })
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<{ items: WorklistItem[]; nextCursor?: string }> {
    const filter: WorklistFilter = worklistFilter(query);
    // A radiologist (and nothing more) sees the cases it is assigned to, and only itself among their readers.
    if (identity.roles.every((role) => role === 'radiologist')) filter.assignedTo = identity.sub;
    const page = await this.schemas.withActiveSchema('worklist', (schema) =>
      listWorklist((sql, parameters) => this.dataSource.query(sql, parameters), schema, filter),
    );
    await this.access.record({
      resource: 'worklist',
      identity,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      correlationId: request.id,
    });
    return { items: page.items, ...(page.last && { nextCursor: encodeCursor(page.last) }) };
  }
}
