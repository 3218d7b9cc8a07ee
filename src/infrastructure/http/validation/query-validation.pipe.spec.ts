import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ArgumentMetadata } from '@nestjs/common';
import { ProblemException } from '../problem/problem-exception.js';
import { QueryValidationPipe } from './query-validation.pipe.js';
import {
  AloneAmong,
  CursorParameter,
  EndOfDayParameter,
  LimitParameter,
  NotBefore,
  OneOfParameter,
  queryInstant,
  StartOfDayParameter,
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

  @StartOfDayParameter()
  from?: Date;

  @EndOfDayParameter()
  @NotBefore('from')
  to?: Date;

  @LimitParameter()
  limit?: number;

  @CursorParameter((text) => (text === 'next' ? 7n : undefined))
  cursor?: bigint;
}

class PointQueryDto {
  @WholeNumberParameter()
  @AloneAmong(['revision', 'asOf'])
  revision?: number;

  @EndOfDayParameter()
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
        to: '2026-01-02',
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
      from: new Date('2026-01-01T00:00:00.000Z'),
      to: new Date('2026-01-02T23:59:59.999Z'),
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
        message:
          'from must be a date (YYYY-MM-DD) or an RFC 3339 date-time, e.g. 2026-12-01 or 2026-12-01T09:30:00Z',
      },
      { field: 'limit', message: 'limit must be a whole number from 1 to 500' },
      { field: 'cursor', message: 'cursor must be a nextCursor this API returned' },
    ]);
    expect(problem.detail).toBe(
      'caseId must be a UUID; status must be one of open, closed; region must be one of wrist, chest; ' +
        'from must be a date (YYYY-MM-DD) or an RFC 3339 date-time, e.g. 2026-12-01 or 2026-12-01T09:30:00Z; ' +
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
    expect((await refusal({ asOf: '2026-01-01T10:00' }, PointQueryDto)).errors).toEqual([
      { field: 'asOf', message: expect.stringContaining('asOf must be a date (YYYY-MM-DD) or an RFC 3339') },
    ]);
    const point = (await pipe.transform(
      query({ asOf: '2026-01-01T10:00:00Z' }),
      metadataOf(PointQueryDto),
    )) as PointQueryDto;
    expect(point.asOf).toEqual(new Date('2026-01-01T10:00:00Z'));
  });

  it('compares a period by its instants: a date to is the end of its day, a date from the start', async () => {
    const sameDay = (await pipe.transform(
      query({ from: '2026-01-01T12:00:00Z', to: '2026-01-01' }),
      metadataOf(ListQueryDto),
    )) as ListQueryDto;
    expect(sameDay.to).toEqual(new Date('2026-01-01T23:59:59.999Z'));
    expect((await refusal({ from: '2026-01-02', to: '2026-01-01T23:59:59Z' })).errors).toEqual([
      { field: 'to', message: 'to must not be before from' },
    ]);
  });
});

describe('queryInstant (docs/api.md "Dates")', () => {
  it.each([
    ['2026-12-01', 'start', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01', 'end', '2026-12-01T23:59:59.999Z'],
    ['2024-02-29', 'end', '2024-02-29T23:59:59.999Z'],
    ['2026-12-01T09:30:00Z', 'end', '2026-12-01T09:30:00.000Z'],
    ['2026-12-01t09:30:00z', 'start', '2026-12-01T09:30:00.000Z'],
    ['2026-12-01T09:30:00.123456789Z', 'start', '2026-12-01T09:30:00.123Z'],
    ['2026-12-01T09:30:00.5+01:00', 'start', '2026-12-01T08:30:00.500Z'],
    ['2026-12-01T00:30:00-05:30', 'end', '2026-12-01T06:00:00.000Z'],
    ['0099-01-01', 'start', '0099-01-01T00:00:00.000Z'],
  ] as const)('reads %s (%s) as %s', (text, edge, instant) => {
    expect(new Date(queryInstant(text, edge)!).toISOString()).toBe(instant);
  });

  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-12-32',
    '2026-12-1',
    '20261201',
    '2026-12-01T09:30',
    '2026-12-01T09:30:00',
    '2026-12-01 09:30:00Z',
    '2026-12-01T24:00:00Z',
    '2026-12-01T23:60:00Z',
    '2016-12-31T23:59:60Z',
    '2026-12-01T09:30:00+24:00',
    '2026-12-01T09:30:00.Z',
    'yesterday',
    '',
  ])('refuses %p', (text) => {
    expect(queryInstant(text, 'start')).toBeUndefined();
    expect(queryInstant(text, 'end')).toBeUndefined();
  });

  it('leaves other arguments and untyped queries alone', async () => {
    const raw = query({ anything: 'goes' });
    expect(await pipe.transform(raw, { type: 'query', metatype: Object })).toBe(raw);
    expect(await pipe.transform(raw, { type: 'body', metatype: ListQueryDto })).toBe(raw);
  });
});
