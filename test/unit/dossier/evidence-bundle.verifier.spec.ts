import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { DossierEvidence } from '../../../src/application/dossier/dossier-evidence.port.js';
import { signCheckpoint } from '../../../src/application/integrity/checkpoint.js';
import { eventHash, GENESIS_HASH, verifyChain } from '../../../src/application/integrity/hash-chain.js';
import { eventLeafHash } from '../../../src/application/integrity/log-entry.js';
import { inclusionProofRanges, proofHashes, rootOf } from '../../../src/application/integrity/merkle-tree.js';
import { type NoteSigner, verifierKey } from '../../../src/application/integrity/signed-note.js';
import type { JsonObject, Position, RecordedEvent } from '../../../src/application/ports/event-store.port.js';
import {
  canonicalOf,
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

function signer(name: string): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { name, privateKey, publicKey };
}

const LOG_KEY = signer('xray.example/log');
const OTHER_KEY = signer('xray.example/log');
const trusted = (key: NoteSigner): string => verifierKey(key.name, key.publicKey);

/** Another event of the global log (another case's), so that the tree is not only this case's. */
function otherEvent(index: number): RecordedEvent {
  return {
    ...accessEvent(90 + index),
    streamId: 'access-search',
    eventId: `20000000-0000-4000-8000-00000000000${index}`,
  };
}

/**
 * The log's evidence as the engine's IntegrityLog gives it: a tree over `logged` in that order,
 * its checkpoint signed by `key`, and an inclusion proof for each of `proven`.
 */
function logEvidence(
  logged: readonly RecordedEvent[],
  proven: readonly RecordedEvent[],
  key = LOG_KEY,
): DossierEvidence {
  const leaves = logged.map(eventLeafHash);
  const perfect = ({ level, index }: { level: number; index: number }) =>
    rootOf(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
  const root = rootOf(leaves);
  const checkpoint = signCheckpoint({ origin: key.name, treeSize: leaves.length, rootHash: root }, key, AT);
  return {
    checkpoint: {
      origin: checkpoint.origin,
      treeSize: checkpoint.treeSize,
      rootHash: root.toString('base64'),
      signedAt: checkpoint.signedAt.toISOString(),
      note: checkpoint.note,
    },
    inclusionProofs: proven.map((event) => {
      const leafIndex = logged.indexOf(event);
      return {
        eventId: event.eventId,
        leafIndex,
        treeSize: leaves.length,
        leafHash: leaves[leafIndex]!.toString('base64'),
        rootHash: root.toString('base64'),
        proof: proofHashes(inclusionProofRanges(leafIndex, leaves.length), perfect).map((hash) =>
          hash.toString('base64'),
        ),
      };
    }),
    publicKey: {
      keyName: key.name,
      keyId: trusted(key).split('+')[1]!,
      verifierKey: trusted(key),
      pem: key.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    },
  };
}

/**
 * The bundle of an intact case of four events and one access, as the engine issues it; with `logged`
 * case events (all by default) in a signed checkpoint when `withCheckpoint`.
 */
function issued(options: { withCheckpoint?: boolean; logged?: number } = {}): EvidenceBundle {
  const events = caseEvents(4);
  const access = accessEvent(0);
  const logged = events.slice(0, options.logged ?? events.length);
  const global = [
    otherEvent(0),
    ...logged.slice(0, 2),
    access,
    otherEvent(1),
    ...logged.slice(2),
    otherEvent(2),
  ];
  const bundle = evidenceBundle({
    caseId: CASE_ID,
    revision: 3,
    caseEvents: events,
    verdict: verifyChain(events),
    accessCut: options.withCheckpoint
      ? { kind: 'checkpoint', treeSize: global.length }
      : { kind: 'recorded-by', recordedAt: events.at(-1)!.recordedAt.toISOString() },
    accessEvents: [access],
    evidence: options.withCheckpoint ? logEvidence(global, [...logged, access]) : null,
  });
  // Through its bytes, as a verifier reads it.
  return parseEvidenceBundle(evidenceBundleBytes(bundle));
}

/** What a database superuser can do to the bundle's events: alter one, then recompute every hash after it. */
function rechain(bundle: EvidenceBundle, revision: number, note: string): void {
  bundle.caseEvents[revision]!.data.note = note;
  let prevHash = GENESIS_HASH;
  for (const event of bundle.caseEvents) {
    event.metadata.prevHash = prevHash;
    const { hash: _, ...rest } = event.metadata;
    event.metadata.hash = eventHash(prevHash, event.type, event.data, rest);
    event.canonical = canonicalOf(event.type, event.data, event.metadata);
    prevHash = event.metadata.hash as string;
  }
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

  describe('with a signed checkpoint', () => {
    it('verifies the checkpoint signature and every event’s inclusion, by the bundle’s key or a trusted one', () => {
      const bundle = issued({ withCheckpoint: true });
      const verification = verifyEvidenceBundle(bundle);
      expect(failed(bundle)).toEqual([]);
      expect(verification.checks.map((check) => check.subject)).toEqual([
        'hash chain',
        'access events',
        'stated verdict',
        'signing key',
        'checkpoint',
        'inclusion proofs',
      ]);
      expect(verification.checks[3]!.detail).toContain('pass --key');
      expect(verification.checks[5]!.detail).toBe(
        '4 case events and 1 access events proven in the signed tree',
      );
      const pinned = verifyEvidenceBundle(bundle, trusted(LOG_KEY));
      expect(pinned.verified).toBe(true);
      expect(pinned.checks[3]!.detail).toContain('(trusted)');
    });

    it('case events appended after the checkpoint are named, not failed', () => {
      const bundle = issued({ withCheckpoint: true, logged: 3 });
      expect(failed(bundle)).toEqual([]);
      expect(verifyEvidenceBundle(bundle).checks.at(-1)!.detail).toBe(
        '3 case events and 1 access events proven in the signed tree; the last 1 case events came after the checkpoint',
      );
    });

    const attacks: Array<[string, (bundle: EvidenceBundle) => void, string, string | undefined]> = [
      [
        'an event altered and the chain recomputed (the superuser attack)',
        (bundle) => rechain(bundle, 1, 'rewritten'),
        'inclusion proofs: revision 1 (event 00000000-0000-4000-8000-000000000001) does not match the leaf the log signed: it was altered',
        undefined,
      ],
      [
        'the chain recomputed and the proof’s leaf replaced by the altered event’s',
        (bundle) => {
          rechain(bundle, 1, 'rewritten');
          const event = bundle.caseEvents[1]!;
          const proof = bundle.inclusionProofs.find((candidate) => candidate.eventId === event.eventId)!;
          proof.leafHash = eventLeafHash({
            ...event,
            recordedAt: new Date(event.recordedAt),
            position: event.position as Position,
          }).toString('base64');
        },
        'inclusion proofs: revision 1 (event 00000000-0000-4000-8000-000000000001) is not proven in the signed tree of 8',
        undefined,
      ],
      [
        'the proof of an altered event removed',
        (bundle) => {
          rechain(bundle, 1, 'rewritten');
          bundle.inclusionProofs = bundle.inclusionProofs.filter(
            (proof) => proof.eventId !== bundle.caseEvents[1]!.eventId,
          );
        },
        'inclusion proofs: revision 2 is proven, but an earlier revision is not: a proof was removed',
        undefined,
      ],
      [
        'an access event without its proof',
        (bundle) => (bundle.inclusionProofs = bundle.inclusionProofs.slice(0, -1)),
        'inclusion proofs: access event 10000000-0000-4000-8000-000000000000 has no proof, yet the dossier holds only proven accesses',
        undefined,
      ],
      [
        'the checkpoint’s tree size changed',
        (bundle) => (bundle.checkpoint!.treeSize = 6),
        'checkpoint: the checkpoint fields do not say what its signed note says',
        undefined,
      ],
      [
        'the signed note changed',
        (bundle) => (bundle.checkpoint!.note = bundle.checkpoint!.note.replace('\n8\n', '\n7\n')),
        'checkpoint: its signature does not verify: The signature by xray.example/log',
        undefined,
      ],
      [
        'a rewritten log signed with another key, checked against the engine’s key',
        (bundle) => {
          rechain(bundle, 1, 'rewritten');
          const rewritten = logEvidence([], [], OTHER_KEY);
          bundle.publicKey = rewritten.publicKey;
        },
        'signing key: the checkpoint is said to be signed by',
        trusted(LOG_KEY),
      ],
      [
        'a public key whose PEM is another key than its verifier key',
        (bundle) =>
          (bundle.publicKey!.pem = OTHER_KEY.publicKey.export({ format: 'pem', type: 'spki' }).toString()),
        "signing key: the bundle's PEM and verifier key are not the same key",
        undefined,
      ],
    ];

    it.each(attacks)('names %s', (_, attack, finding, trustedKey) => {
      const bundle = issued({ withCheckpoint: true });
      attack(bundle);
      const verification = verifyEvidenceBundle(bundle, trustedKey);
      expect(verification.verified).toBe(false);
      const findings = verification.checks
        .filter((check) => !check.ok)
        .map((check) => `${check.subject}: ${check.detail}`);
      expect(findings.at(-1)).toContain(finding);
    });
  });

  it('gives the same bytes for the same bundle', () => {
    expect(evidenceBundleBytes(issued()).equals(evidenceBundleBytes(issued()))).toBe(true);
  });
});
