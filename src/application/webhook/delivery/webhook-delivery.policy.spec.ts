import { describe, expect, it } from '@jest/globals';
import type { Position, RecordedEvent } from '../../ports/event-store.port.js';
import {
  acknowledged,
  backoffMs,
  payloadOf,
  retryAfterMs,
  retryDelayMs,
  subscribes,
  webhookId,
} from './webhook-delivery.policy.js';

const CASE_ID = '0b7e8a52-3d0f-4a77-9a2e-1c1e5d6f7a80';
const OTHER_CASE = '5f0e2d1c-6b7a-4c3d-8e9f-0a1b2c3d4e5f';

const event = (overrides: Partial<RecordedEvent> = {}): RecordedEvent => ({
  eventId: '7d1c6f0e-0000-4000-8000-000000000001',
  type: 'ConsensusReached',
  streamId: `case-${CASE_ID}`,
  revision: 6,
  data: { findings: [{ code: 'pneumothorax' }], readerId: 'rad-a' },
  metadata: { occurredAt: '2026-12-07T10:00:00.000Z', actor: { id: 'rad-a' } },
  schemaVersion: 1,
  recordedAt: new Date('2026-12-07T10:00:01.000Z'),
  position: '0/1234/42' as Position,
  ...overrides,
});

describe('which events an endpoint receives', () => {
  it.each([
    ['every type', { eventTypes: ['*'] }, event(), true],
    ['a listed type', { eventTypes: ['ConsensusReached'] }, event(), true],
    ['an unlisted type', { eventTypes: ['CaseClosed'] }, event(), false],
    ['its case', { eventTypes: ['*'], caseId: CASE_ID }, event(), true],
    ['another case', { eventTypes: ['*'], caseId: OTHER_CASE }, event(), false],
    ['no case filter (null)', { eventTypes: ['*'], caseId: null }, event(), true],
    ['a stream that is not a case', { eventTypes: ['*'] }, event({ streamId: 'flag-os1-x' }), false],
    ['an endpoint stream', { eventTypes: ['*'] }, event({ streamId: `webhook-endpoint-${CASE_ID}` }), false],
  ])('%s', (_name, subscription, candidate, expected) => {
    expect(subscribes({ endpointId: 'e', ...subscription }, candidate)).toBe(expected);
  });
});

describe('webhook-id', () => {
  it('is the same for the same endpoint and event, different otherwise', () => {
    const id = webhookId('endpoint-1', 'event-1');
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
    expect(webhookId('endpoint-1', 'event-1')).toBe(id);
    expect(webhookId('endpoint-2', 'event-1')).not.toBe(id);
    expect(webhookId('endpoint-1', 'event-2')).not.toBe(id);
  });
});

describe('the payload', () => {
  it('names the event and where it is, and carries none of its clinical content', () => {
    const payload = payloadOf(event());
    expect(payload).toEqual({
      type: 'case.ConsensusReached',
      timestamp: '2026-12-07T10:00:00.000Z',
      data: {
        caseId: CASE_ID,
        eventId: '7d1c6f0e-0000-4000-8000-000000000001',
        eventType: 'ConsensusReached',
        position: '0/1234/42',
        revision: 6,
        occurredAt: '2026-12-07T10:00:00.000Z',
      },
    });
    const text = JSON.stringify(payload);
    expect(text).not.toContain('pneumothorax');
    expect(text).not.toContain('rad-a');
  });

  it('falls back to the recording time when the event has no occurredAt', () => {
    expect(payloadOf(event({ metadata: {} })).data.occurredAt).toBe('2026-12-07T10:00:01.000Z');
  });

  it('refuses an event that is not a case event', () => {
    expect(() => payloadOf(event({ streamId: 'flag-x' }))).toThrow(/not a case event/);
  });
});

describe('backoff with full jitter', () => {
  const settings = { baseMs: 1000, capMs: 8000 };
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 8000],
    [60, 8000],
  ])('retry %i waits below %i ms', (retry, ceiling) => {
    expect(backoffMs(retry, settings, () => 0)).toBe(0);
    expect(backoffMs(retry, settings, () => 0.999999)).toBe(ceiling - 1);
    expect(backoffMs(retry, settings, () => 0.5)).toBe(ceiling / 2);
  });
});

describe('Retry-After', () => {
  const now = new Date('2026-12-07T10:00:00.000Z');
  it.each([
    [429, '3', 3000],
    [503, ' 120 ', 120_000],
    [503, 'Mon, 07 Dec 2026 10:00:05 GMT', 5000],
    [429, 'Mon, 07 Dec 2026 09:59:00 GMT', 0],
    [500, '3', undefined],
    [429, undefined, undefined],
    [429, 'soon', undefined],
    [429, '-1', undefined],
    [503, '1.5', undefined],
  ])('status %i with %j waits %j ms', (status, header, expected) => {
    expect(retryAfterMs(status, header, now)).toBe(expected);
  });

  it('is honoured up to the longest wait', () => {
    const settings = { baseMs: 1000, capMs: 8000, maxMs: 60_000 };
    expect(retryDelayMs(1, 30_000, settings, () => 0)).toBe(30_000);
    expect(retryDelayMs(1, 3_600_000, settings, () => 0)).toBe(60_000);
    expect(retryDelayMs(3, undefined, settings, () => 0.5)).toBe(2000);
  });
});

describe('acknowledgement', () => {
  it.each([
    [200, true],
    [204, true],
    [299, true],
    [301, false],
    [404, false],
    [500, false],
    [undefined, false],
  ])('%j → %j', (status, expected) => expect(acknowledged(status)).toBe(expected));
});
