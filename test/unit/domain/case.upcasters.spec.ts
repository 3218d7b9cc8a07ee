import { describe, expect, it } from '@jest/globals';
import {
  CASE_EVENT_SCHEMA_VERSIONS,
  CASE_EVENT_TYPES,
  EventSchemaError,
  upcastCaseEvent,
  type CaseEventUpcasters,
} from '../../../src/domain/index.js';
import { requested } from './case.builders.js';

/**
 * A sample evolution: CaseClosed v1 held `result`; v2 renamed it `outcome`; v3 added `note`
 * (empty when the closure had none). Read today, a v1 event comes out in the v3 shape.
 */
const sampleUpcasters: CaseEventUpcasters = {
  CaseClosed: {
    1: ({ result, ...rest }) => ({ ...rest, outcome: result }),
    2: (data) => ({ note: '', ...data }),
  },
};
const sampleVersions = { ...CASE_EVENT_SCHEMA_VERSIONS, CaseClosed: 3 };

const schemaError = (read: () => unknown): EventSchemaError => {
  try {
    read();
  } catch (error) {
    if (error instanceof EventSchemaError) return error;
    throw error;
  }
  throw new Error('Expected an EventSchemaError.');
};

describe('upcasting stored case events', () => {
  it('writes every event type of domain.md at schema version 1 today', () => {
    expect(CASE_EVENT_TYPES.sort()).toEqual(
      [
        'SecondOpinionRequested',
        'ReaderAssigned',
        'ReaderUnassigned',
        'ReadStarted',
        'OpinionSubmitted',
        'PriorReportReviewed',
        'DiscordanceDetected',
        'CaseEscalated',
        'AdjudicationDecided',
        'ConsensusReached',
        'CaseClosed',
        'CaseReopened',
        'CaseWithdrawn',
        'AddendumAppended',
        'ReferenceStandardRecorded',
        'SlaBreached',
        'AssignmentEnded',
      ].sort(),
    );
    expect(new Set(Object.values(CASE_EVENT_SCHEMA_VERSIONS))).toEqual(new Set([1]));
  });

  it('reads a current event as it is', () => {
    const event = requested();
    expect(upcastCaseEvent({ type: event.type, schemaVersion: 1, data: event.data })).toEqual(event);
  });

  it.each([
    { version: 1, data: { result: 'overturned' }, read: { note: '', outcome: 'overturned' } },
    { version: 2, data: { outcome: 'amended' }, read: { note: '', outcome: 'amended' } },
    {
      version: 3,
      data: { outcome: 'confirmed', note: 'Sent.' },
      read: { outcome: 'confirmed', note: 'Sent.' },
    },
  ])('reads a v$version CaseClosed in the current shape', ({ version, data, read }) => {
    expect(
      upcastCaseEvent({ type: 'CaseClosed', schemaVersion: version, data }, sampleUpcasters, sampleVersions),
    ).toEqual({
      type: 'CaseClosed',
      data: read,
    });
  });

  it('leaves other types alone', () => {
    expect(
      upcastCaseEvent(
        { type: 'SlaBreached', schemaVersion: 1, data: { dueAt: 'a', detectedAt: 'b' } },
        sampleUpcasters,
        sampleVersions,
      ),
    ).toEqual({
      type: 'SlaBreached',
      data: { dueAt: 'a', detectedAt: 'b' },
    });
  });

  it.each([
    {
      why: 'an unknown type',
      stored: { type: 'CaseTeleported', schemaVersion: 1, data: {} },
      code: 'unknown-event-type',
    },
    {
      why: 'a version newer than this code knows',
      stored: { type: 'CaseClosed', schemaVersion: 2, data: {} },
      code: 'unsupported-schema-version',
    },
    {
      why: 'version 0',
      stored: { type: 'CaseClosed', schemaVersion: 0, data: {} },
      code: 'unsupported-schema-version',
    },
    {
      why: 'data that is not an object',
      stored: { type: 'CaseClosed', schemaVersion: 1, data: 'closed' },
      code: 'malformed-event-data',
    },
  ])('refuses $why ($code)', ({ stored, code }) => {
    const error = schemaError(() => upcastCaseEvent(stored));
    expect(error.code).toBe(code);
    expect(error.message).toContain(stored.type);
  });

  it('names a missing link of the chain', () => {
    const error = schemaError(() =>
      upcastCaseEvent(
        { type: 'CaseClosed', schemaVersion: 1, data: {} },
        { CaseClosed: { 2: (data) => data } },
        sampleVersions,
      ),
    );
    expect(error.code).toBe('missing-upcaster');
    expect(error.message).toContain('from schema version 1 to 2');
  });
});
