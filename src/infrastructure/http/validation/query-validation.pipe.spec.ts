import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ArgumentMetadata } from '@nestjs/common';
import { ProblemException } from '../problem/problem-exception.js';
import { QueryValidationPipe } from './query-validation.pipe.js';
import {
  AloneAmong,
  CursorParameter,
  DateOrDateTimeParameter,
  DateTimeParameter,
  LimitParameter,
  NotBefore,
  OneOfParameter,
  UuidParameter,
  VocabularyParameter,
  WholeNumberParameter,
} from './query.validators.js';

class ListQueryDto {
  @UuidParameter()
  caseId?: string;

  @OneOfParameter(['open', 'closed'])
  status?: string;

  @VocabularyParameter('regions')
  region?: string;

  @DateOrDateTimeParameter()
  from?: string;

  @DateOrDateTimeParameter()
  @NotBefore('from')
  to?: string;

  @LimitParameter()
  limit?: number;

  @CursorParameter((text) => (text === 'next' ? 7n : undefined))
  cursor?: bigint;
}

class PointQueryDto {
  @WholeNumberParameter()
  @AloneAmong(['revision', 'asOf'])
  revision?: number;

  @DateTimeParameter()
  @AloneAmong(['revision', 'asOf'])
  asOf?: Date;
}

class NoParametersDto {}

const pipe = new QueryValidationPipe({ regions: ['wrist', 'chest'] });
const metadataOf = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({
  type: 'query',
  metatype,
});

/** A query string as fastify parses it: no prototype (so `__proto__` is a key), a repeated parameter as an array. */
const query = (entries: Record<string, string | string[]>): Record<string, unknown> => {
  const parsed = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(entries)) parsed[name] = value;
  return parsed;
};

async function refusal(
  entries: Record<string, string | string[]>,
  metatype: ArgumentMetadata['metatype'] = ListQueryDto,
): Promise<{ code: string; detail: string; errors?: unknown }> {
  try {
    await pipe.transform(query(entries), metadataOf(metatype));
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    const { status, code, detail, extensions } = error as ProblemException;
    expect(status).toBe(400);
    return { code, detail, errors: extensions.errors };
  }
  throw new Error('the query was accepted');
}

describe('QueryValidationPipe', () => {
  it('converts valid parameters once every one of them passed', async () => {
    const dto = await pipe.transform(
      query({
        caseId: 'A0B1C2D3-0000-4000-8000-000000000000',
        status: 'open',
        region: 'wrist',
        from: '2026-01-01',
        to: '2026-01-02T10:00',
        limit: '20',
        cursor: 'next',
      }),
      metadataOf(ListQueryDto),
    );
    expect(dto).toBeInstanceOf(ListQueryDto);
    expect({ ...(dto as ListQueryDto) }).toEqual({
      caseId: 'a0b1c2d3-0000-4000-8000-000000000000',
      status: 'open',
      region: 'wrist',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-02T10:00:00.000Z',
      limit: 20,
      cursor: 7n,
    });
    expect({ ...((await pipe.transform(query({}), metadataOf(ListQueryDto))) as object) }).toEqual({});
  });

  it('refuses unknown parameters, prototype keys included, naming the accepted ones', async () => {
    const problem = await refusal(JSON.parse('{"colour": "blue", "constructor": "x", "__proto__": "y"}'));
    expect(problem).toMatchObject({ code: 'validation-failed' });
    expect(problem.errors).toEqual([
      {
        field: 'colour',
        message: expect.stringMatching(/^colour is not a known parameter \(accepted: caseId, /),
      },
      { field: 'constructor', message: expect.stringContaining('constructor is not a known parameter') },
      { field: '__proto__', message: expect.stringContaining('__proto__ is not a known parameter') },
    ]);
    expect((await refusal({ anything: '1' }, NoParametersDto)).errors).toEqual([
      { field: 'anything', message: 'anything is not a known parameter (this route takes none)' },
    ]);
  });

  it('refuses a repeated parameter, and each bad value with one message of its own', async () => {
    expect((await refusal({ status: ['open', 'closed'] })).errors).toEqual([
      { field: 'status', message: 'status must be given once' },
    ]);
    const problem = await refusal({
      caseId: '42',
      status: 'nope',
      region: 'knee',
      from: '2025-13-45',
      limit: '501',
      cursor: 'x',
    });
    expect(problem.errors).toEqual([
      { field: 'caseId', message: 'caseId must be a UUID' },
      { field: 'status', message: 'status must be one of open, closed' },
      { field: 'region', message: 'region must be one of wrist, chest' },
      {
        field: 'from',
        message: 'from must be an ISO 8601 date or date-time, e.g. 2026-01-01 or 2026-01-01T00:00:00Z',
      },
      { field: 'limit', message: 'limit must be a whole number from 1 to 500' },
      { field: 'cursor', message: 'cursor must be a nextCursor this API returned' },
    ]);
    expect(problem.detail).toBe(
      'caseId must be a UUID; status must be one of open, closed; region must be one of wrist, chest; ' +
        'from must be an ISO 8601 date or date-time, e.g. 2026-01-01 or 2026-01-01T00:00:00Z; ' +
        'limit must be a whole number from 1 to 500; cursor must be a nextCursor this API returned.',
    );
  });

  it.each(['0', '07', 'ten', '1.5', ' 5'])('refuses limit=%p', async (limit) => {
    expect((await refusal({ limit })).errors).toEqual([
      { field: 'limit', message: 'limit must be a whole number from 1 to 500' },
    ]);
  });

  it('checks one parameter against another only when both are valid', async () => {
    expect((await refusal({ from: '2026-03-01', to: '2026-02-01' })).errors).toEqual([
      { field: 'to', message: 'to must not be before from' },
    ]);
    expect((await refusal({ from: 'yesterday', to: '2026-02-01' })).errors).toEqual([
      { field: 'from', message: expect.stringContaining('from must be') },
    ]);
    expect((await refusal({ revision: '1', asOf: '2026-01-01T00:00:00Z' }, PointQueryDto)).errors).toEqual([
      { field: 'revision', message: 'give at most one of revision and asOf' },
      { field: 'asOf', message: 'give at most one of revision and asOf' },
    ]);
    expect((await refusal({ revision: '-1' }, PointQueryDto)).errors).toEqual([
      { field: 'revision', message: 'revision must be a whole number from 0' },
    ]);
    expect((await refusal({ asOf: '2026-01-01' }, PointQueryDto)).errors).toEqual([
      { field: 'asOf', message: 'asOf must be an ISO 8601 date-time' },
    ]);
    const point = (await pipe.transform(
      query({ asOf: '2026-01-01T10:00:00Z' }),
      metadataOf(PointQueryDto),
    )) as PointQueryDto;
    expect(point.asOf).toEqual(new Date('2026-01-01T10:00:00Z'));
  });

  it('leaves other arguments and untyped queries alone', async () => {
    const raw = query({ anything: 'goes' });
    expect(await pipe.transform(raw, { type: 'query', metatype: Object })).toBe(raw);
    expect(await pipe.transform(raw, { type: 'body', metatype: ListQueryDto })).toBe(raw);
  });
});
