import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AccessLogItem, AccessLogQueries } from '../../../projections/access-log/access-log.queries.js';
import { Allow } from '../../auth/allow.decorator.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { DEFAULT_LIMIT, encodeCursor, MAX_LIMIT, parseListQuery } from './audit-query.js';
import { AccessLogPageDto } from './audit.dto.js';
import { readModel } from './read-model.js';

const PARAMETERS = ['caseId', 'actorId', 'from', 'to', 'limit', 'cursor'] as const;

/** Who read which case data, when, from where (Q, M, A). */
@ApiTags('audit')
@Controller('api/v1/access-log')
export class AccessLogController {
  constructor(private readonly accessLog: AccessLogQueries) {}

  @Get()
  @Allow('read-access-log')
  @ApiOperation({ summary: 'Reads of case data, history and audit trails, in ascending order' })
  @ApiQuery({ name: 'caseId', required: false, format: 'uuid' })
  @ApiQuery({ name: 'actorId', required: false, description: 'Who read, or for whom an integrator read' })
  @ApiQuery({ name: 'from', required: false, description: 'accessedAt ≥ from (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'accessedAt ≤ to (ISO 8601)' })
  @ApiQuery({ name: 'limit', required: false, description: `Default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: AccessLogPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  async list(
    @Query() query: Record<string, unknown>,
  ): Promise<{ items: AccessLogItem[]; nextCursor?: string }> {
    const { after, limit, type: _type, ...filter } = parseListQuery(query, PARAMETERS);
    const page = await readModel(() => this.accessLog.list(filter, { after, limit: limit ?? DEFAULT_LIMIT }));
    return page.nextAfter === undefined
      ? { items: page.items }
      : { items: page.items, nextCursor: encodeCursor(page.nextAfter) };
  }
}
