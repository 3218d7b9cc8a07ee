import { describe, expect, it } from '@jest/globals';
import { eventHash, GENESIS_HASH, verifyChain } from '../../../src/application/integrity/hash-chain.js';
import type { JsonObject, Position, RecordedEvent } from '../../../src/application/ports/event-store.port.js';
import {
  type EvidenceBundle,
  evidenceBundle,
  evidenceBundleBytes,
} from '../../../src/infrastructure/dossier/evidence-bundle.js';
import {
  parseEvidenceBundle,
  UnreadableBundleError,
  verifyEvidenceBundle,
} from '../../../src/infrastructure/dossier/evidence-bundle.verifier.js';

const CASE_ID = '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const AT = new Date('2026-11-18T10:00:00.000Z');

/** A case stream of `count` chained events, as the store holds them. */
function caseEvents(count: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let revision = 0; revision < count; revision++) {
    const type = revision === 0 ? 'SecondOpinionRequested' : 'ReaderAssigned';
    const data: JsonObject = { note: `event ${revision}`, readerId: `rad-${revision}` };
    const metadata = {
      actor: { id: 'coord-1', role: 'coordinator' },
      occurredAt: AT.toISOString(),
      prevHash,
    };
    const hash = eventHash(prevHash, type, data, metadata);
    events.push({
      eventId: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
      type,
      streamId: `case-${CASE_ID}`,
      revision,
      data,
      metadata: { ...metadata, hash },
      schemaVersion: 1,
      recordedAt: new Date(AT.getTime() + revision * 1000),
      position: String(revision + 1) as Position,
    });
    prevHash = hash;
  }
  return events;
}

function accessEvent(sequence: number): RecordedEvent {
  return {
    eventId: `10000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    type: 'CaseDataAccessed',
    streamId: `access-${CASE_ID}`,
    revision: sequence,
    data: {
      caseId: CASE_ID,
      resource: 'history',
      actorId: 'ml-1',
      ip: '10.0.0.7',
      userAgent: 'curl',
      status: 200,
    },
    metadata: { actor: { id: 'ml-1', role: 'medico-legal' }, occurredAt: AT.toISOString() },
    schemaVersion: 2,
    recordedAt: AT,
    position: String(100 + sequence) as Position,
  };
}

/** The bundle of an intact case of four events and one access, as the engine issues it. */
function issued(): EvidenceBundle {
  const events = caseEvents(4);
  const bundle = evidenceBundle({
    caseId: CASE_ID,
    revision: 3,
    caseEvents: events,
    verdict: verifyChain(events),
    accessCut: { kind: 'recorded-by', recordedAt: events.at(-1)!.recordedAt.toISOString() },
    accessEvents: [accessEvent(0)],
    evidence: null,
  });
  // Through its bytes, as a verifier reads it.
  return parseEvidenceBundle(evidenceBundleBytes(bundle));
}

const failed = (bundle: EvidenceBundle) =>
  verifyEvidenceBundle(bundle)
    .checks.filter((check) => !check.ok)
    .map((check) => `${check.subject}: ${check.detail}`);

describe('evidence bundle verifier', () => {
  it('verifies a bundle as issued: chain, access events, stated verdict; no checkpoint is said plainly', () => {
    const verification = verifyEvidenceBundle(issued());
    expect(verification).toMatchObject({ verified: true, caseId: CASE_ID, revision: 3 });
    expect(verification.checks.map((check) => [check.subject, check.ok])).toEqual([
      ['hash chain', true],
      ['access events', true],
      ['stated verdict', true],
      ['checkpoint', true],
    ]);
    expect(verification.checks[3]!.detail).toContain('no signed checkpoint');
  });

  // What someone holding the file could change, and what the verifier then names.
  const tampering: Array<[string, (bundle: EvidenceBundle) => void, string]> = [
    [
      'an event’s data, canonical bytes left alone',
      (bundle) => (bundle.caseEvents[2]!.data.note = 'rewritten'),
      'hash chain: revision 2 (ReaderAssigned, event 00000000-0000-4000-8000-000000000002) no longer matches its canonical bytes: its content was altered',
    ],
    [
      'an event’s data and canonical bytes together',
      (bundle) => {
        const event = bundle.caseEvents[2]!;
        event.data.note = 'rewritten';
        event.canonical = event.canonical.replace('event 2', 'rewritten');
      },
      'hash chain: revision 2 (event 00000000-0000-4000-8000-000000000002) does not match its hash: it was altered',
    ],
    [
      'an event’s metadata (who acted)',
      (bundle) => ((bundle.caseEvents[1]!.metadata.actor as JsonObject).id = 'someone-else'),
      'hash chain: revision 1 (ReaderAssigned, event 00000000-0000-4000-8000-000000000001) no longer matches its canonical bytes: its content was altered',
    ],
    [
      'an event removed from the middle',
      (bundle) => bundle.caseEvents.splice(1, 1),
      'hash chain: revision 1 is missing or out of order',
    ],
    [
      'two events swapped',
      (bundle) => bundle.caseEvents.reverse(),
      'hash chain: revision 0 is missing or out of order',
    ],
    [
      'the last event cut off',
      (bundle) => bundle.caseEvents.pop(),
      "hash chain: the events end at revision 2, not at the dossier's 3",
    ],
    [
      'an event of another case',
      (bundle) => (bundle.caseEvents[0]!.streamId = 'case-00000000-0000-4000-8000-000000000000'),
      `hash chain: revision 0 belongs to case-00000000-0000-4000-8000-000000000000, not case-${CASE_ID}`,
    ],
    [
      'every event removed',
      (bundle) => (bundle.caseEvents = []),
      'hash chain: the bundle holds no case event',
    ],
    [
      'an access event altered',
      (bundle) => (bundle.accessEvents[0]!.data.ip = '192.0.2.1'),
      'access events: event 10000000-0000-4000-8000-000000000000 no longer matches its canonical bytes: it was altered',
    ],
    [
      'an access to another case slipped in',
      (bundle) => (bundle.accessEvents[0]!.streamId = 'access-search'),
      `access events: event 10000000-0000-4000-8000-000000000000 is not an access to case ${CASE_ID}`,
    ],
  ];

  it.each(tampering)('names %s', (_, tamper, finding) => {
    const bundle = issued();
    tamper(bundle);
    const findings = failed(bundle);
    expect(findings[0]).toBe(finding);
    expect(verifyEvidenceBundle(bundle).verified).toBe(false);
  });

  it('a broken chain the engine stated as broken verifies as stated, but is not verified', () => {
    const bundle = issued();
    bundle.caseEvents[2]!.data.note = 'rewritten';
    bundle.verdict = { verified: false, firstBrokenRevision: 2, reason: 'hash-mismatch', checked: 3 };
    expect(failed(bundle)).toHaveLength(1);
    expect(verifyEvidenceBundle(bundle).checks.find((check) => check.subject === 'stated verdict')!.ok).toBe(
      true,
    );
  });

  it('a verdict stated as broken over intact events is named', () => {
    const bundle = issued();
    bundle.verdict = { verified: false, firstBrokenRevision: 1, reason: 'hash-mismatch', checked: 2 };
    expect(failed(bundle)).toEqual([
      'stated verdict: the engine stated "not verified", but the events are verified',
    ]);
  });

  const unreadable: Array<[string, string, string]> = [
    ['not JSON', 'this is not json', 'not JSON'],
    ['another format', '{"format": "something-else", "version": 1}', 'not an evidence bundle'],
    [
      'a later version',
      '{"format": "xray-second-opinion/evidence-bundle", "version": 2}',
      'version 2 is not read by this verifier',
    ],
    [
      'no events',
      '{"format": "xray-second-opinion/evidence-bundle", "version": 1, "caseId": "x"}',
      'lacks caseId, caseEvents or accessEvents',
    ],
  ];

  it.each(unreadable)('refuses %s as unreadable', (_, text, message) => {
    expect(() => parseEvidenceBundle(Buffer.from(text))).toThrow(UnreadableBundleError);
    expect(() => parseEvidenceBundle(Buffer.from(text))).toThrow(message);
  });

  it('gives the same bytes for the same bundle', () => {
    expect(evidenceBundleBytes(issued()).equals(evidenceBundleBytes(issued()))).toBe(true);
  });
});
