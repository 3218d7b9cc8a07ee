import { createHash, createPublicKey } from 'node:crypto';
import { openCheckpoint } from '../../application/integrity/checkpoint.js';
import { GENESIS_HASH } from '../../application/integrity/hash-chain.js';
import { eventLeafHash } from '../../application/integrity/log-entry.js';
import { verifyInclusion } from '../../application/integrity/merkle-tree.js';
import {
  type NoteVerifier,
  parseVerifierKey,
  rawPublicKey,
} from '../../application/integrity/signed-note.js';
import type { JsonObject, Position, RecordedEvent } from '../../application/ports/event-store.port.js';
import { caseStreamId } from '../../domain/case/case.stream.js';
import { accessStreamId, CASE_DATA_ACCESSED } from '../../projections/access-log/case-data-accessed.event.js';
import {
  type BundledEvent,
  canonicalOf,
  EVIDENCE_BUNDLE_FORMAT,
  EVIDENCE_BUNDLE_VERSION,
  type EvidenceBundle,
} from './evidence-bundle.js';

/** One finding of the verification: what was checked and whether it held. */
export interface BundleCheck {
  ok: boolean;
  subject: string;
  detail: string;
}

export interface BundleVerification {
  /** Every check held. */
  verified: boolean;
  checks: BundleCheck[];
  caseId?: string;
  revision?: number;
}

/** The bundle is not one this verifier reads (not JSON, another format or version): nothing could be checked. */
export class UnreadableBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableBundleError';
  }
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The bundle's text as a bundle of this format and version, or why not. */
export function parseEvidenceBundle(bytes: Buffer): EvidenceBundle {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new UnreadableBundleError(`The evidence bundle is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed) || parsed.format !== EVIDENCE_BUNDLE_FORMAT) {
    throw new UnreadableBundleError(`The file is not an evidence bundle (format ${EVIDENCE_BUNDLE_FORMAT}).`);
  }
  if (parsed.version !== EVIDENCE_BUNDLE_VERSION) {
    throw new UnreadableBundleError(
      `Evidence bundle version ${String(parsed.version)} is not read by this verifier (it reads version ${EVIDENCE_BUNDLE_VERSION}).`,
    );
  }
  if (
    typeof parsed.caseId !== 'string' ||
    !Array.isArray(parsed.caseEvents) ||
    !Array.isArray(parsed.accessEvents)
  ) {
    throw new UnreadableBundleError('The evidence bundle lacks caseId, caseEvents or accessEvents.');
  }
  return parsed as unknown as EvidenceBundle;
}

/** Does the event's content still give the canonical bytes it carries? */
function canonicalHolds(event: BundledEvent): boolean {
  if (
    !isObject(event) ||
    typeof event.type !== 'string' ||
    !isObject(event.data) ||
    !isObject(event.metadata)
  )
    return false;
  try {
    return canonicalOf(event.type, event.data, event.metadata) === event.canonical;
  } catch {
    return false;
  }
}

const sha256 = (...parts: string[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part, 'utf8');
  return hash.digest('hex');
};

/** The case stream's hash chain, from revision 0 to the bundle's revision: the first break, or none. */
function checkChain(bundle: EvidenceBundle): BundleCheck {
  const subject = 'hash chain';
  const streamId = caseStreamId(bundle.caseId);
  let prevHash = GENESIS_HASH;
  const events = bundle.caseEvents;
  if (events.length === 0) return { ok: false, subject, detail: 'the bundle holds no case event' };
  for (const [index, event] of events.entries()) {
    const at = `revision ${index}`;
    if (!isObject(event) || event.revision !== index)
      return { ok: false, subject, detail: `${at} is missing or out of order` };
    if (event.streamId !== streamId)
      return { ok: false, subject, detail: `${at} belongs to ${String(event.streamId)}, not ${streamId}` };
    if (!canonicalHolds(event))
      return {
        ok: false,
        subject,
        detail: `${at} (${String(event.type)}, event ${String(event.eventId)}) no longer matches its canonical bytes: its content was altered`,
      };
    if (event.metadata.prevHash !== prevHash)
      return {
        ok: false,
        subject,
        detail: `${at} does not link to the event before it (an earlier event was removed or replaced)`,
      };
    const hash = sha256(prevHash, event.canonical);
    if (event.metadata.hash !== hash)
      return {
        ok: false,
        subject,
        detail: `${at} (event ${event.eventId}) does not match its hash: it was altered`,
      };
    prevHash = hash;
  }
  if (events.at(-1)!.revision !== bundle.revision)
    return {
      ok: false,
      subject,
      detail: `the events end at revision ${events.at(-1)!.revision}, not at the dossier's ${bundle.revision}`,
    };
  return {
    ok: true,
    subject,
    detail: `${events.length} case events, revisions 0–${bundle.revision}, each matching its canonical bytes and hash, chain intact`,
  };
}

function checkAccessEvents(bundle: EvidenceBundle): BundleCheck {
  const subject = 'access events';
  const streamId = accessStreamId(bundle.caseId);
  for (const event of bundle.accessEvents) {
    if (!isObject(event) || event.streamId !== streamId || event.type !== CASE_DATA_ACCESSED)
      return {
        ok: false,
        subject,
        detail: `event ${String(event?.eventId)} is not an access to case ${bundle.caseId}`,
      };
    if (!canonicalHolds(event))
      return {
        ok: false,
        subject,
        detail: `event ${event.eventId} no longer matches its canonical bytes: it was altered`,
      };
  }
  return {
    ok: true,
    subject,
    detail: `${bundle.accessEvents.length} access events, each matching its canonical bytes`,
  };
}

/** The bundle's own statement of the verdict must be what the events show. */
function checkStatedVerdict(bundle: EvidenceBundle, chain: BundleCheck): BundleCheck {
  const stated = isObject(bundle.verdict) && bundle.verdict.verified === true;
  return stated === chain.ok
    ? {
        ok: true,
        subject: 'stated verdict',
        detail: `the engine stated "${stated ? 'verified' : 'not verified'}", as found`,
      }
    : {
        ok: false,
        subject: 'stated verdict',
        detail: `the engine stated "${stated ? 'verified' : 'not verified'}", but the events are ${chain.ok ? '' : 'not '}verified`,
      };
}

/** The event as the store handed it out, from its bundled form: what the log's leaf is computed over. */
function recorded(event: BundledEvent): RecordedEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    streamId: event.streamId,
    revision: event.revision,
    data: event.data,
    metadata: event.metadata,
    schemaVersion: event.schemaVersion,
    recordedAt: new Date(event.recordedAt),
    position: event.position as Position,
  };
}

/** The key the checkpoint must be signed with: the one the caller trusts, else the bundle's own. */
function checkpointKey(bundle: EvidenceBundle, trustedKey: string | undefined): NoteVerifier | BundleCheck {
  const subject = 'signing key';
  const stated = bundle.publicKey;
  if (!isObject(stated) || typeof stated.verifierKey !== 'string')
    return { ok: false, subject, detail: 'the bundle holds a checkpoint but no public key' };
  try {
    const own = parseVerifierKey(stated.verifierKey);
    if (!rawPublicKey(createPublicKey(stated.pem)).equals(rawPublicKey(own.publicKey)))
      return { ok: false, subject, detail: "the bundle's PEM and verifier key are not the same key" };
    if (trustedKey === undefined) return own;
    const trusted = parseVerifierKey(trustedKey);
    return trusted.name === own.name &&
      trusted.keyId === own.keyId &&
      rawPublicKey(trusted.publicKey).equals(rawPublicKey(own.publicKey))
      ? trusted
      : {
          ok: false,
          subject,
          detail: `the checkpoint is said to be signed by ${stated.verifierKey}, not by the trusted key ${trustedKey}`,
        };
  } catch (error) {
    return { ok: false, subject, detail: (error as Error).message };
  }
}

/**
 * The log's evidence: the checkpoint's signature, then each event's leaf, recomputed from its
 * content, proven included in the signed tree. Case events without a proof may only be the last ones
 * (appended after the checkpoint); every access event the bundle holds must be proven.
 */
function checkLog(bundle: EvidenceBundle, trustedKey: string | undefined): BundleCheck[] {
  const checkpoint = bundle.checkpoint;
  if (checkpoint === null) {
    return [
      {
        ok: true,
        subject: 'checkpoint',
        detail:
          'none: the log had no signed checkpoint when the dossier was issued, so the chain alone vouches for ' +
          'the events (it cannot show a chain recomputed by whoever controls the database)',
      },
    ];
  }
  const key = checkpointKey(bundle, trustedKey);
  if (!('publicKey' in key)) return [key];
  const keyCheck: BundleCheck = {
    ok: true,
    subject: 'signing key',
    detail: `${bundle.publicKey!.verifierKey}${trustedKey === undefined ? " (the bundle's own: compare it with the engine's published key, or pass --key)" : ' (trusted)'}`,
  };
  let root: Buffer;
  let treeSize: number;
  try {
    const signed = openCheckpoint(checkpoint.note, key);
    if (signed.treeSize !== checkpoint.treeSize || signed.rootHash.toString('base64') !== checkpoint.rootHash)
      return [
        keyCheck,
        {
          ok: false,
          subject: 'checkpoint',
          detail: 'the checkpoint fields do not say what its signed note says',
        },
      ];
    root = signed.rootHash;
    treeSize = signed.treeSize;
  } catch (error) {
    return [
      keyCheck,
      {
        ok: false,
        subject: 'checkpoint',
        detail: `its signature does not verify: ${(error as Error).message}`,
      },
    ];
  }
  const checkpointCheck: BundleCheck = {
    ok: true,
    subject: 'checkpoint',
    detail: `${checkpoint.origin}, tree size ${treeSize}, root ${checkpoint.rootHash}, signature verified`,
  };
  const proofs = new Map((bundle.inclusionProofs ?? []).map((proof) => [proof.eventId, proof]));
  const proven = (event: BundledEvent, what: string): BundleCheck | undefined => {
    const proof = proofs.get(event.eventId)!;
    const leaf = eventLeafHash(recorded(event));
    if (proof.leafHash !== leaf.toString('base64'))
      return {
        ok: false,
        subject: 'inclusion proofs',
        detail: `${what} (event ${event.eventId}) does not match the leaf the log signed: it was altered`,
      };
    const path = proof.proof.map((hash) => Buffer.from(hash, 'base64'));
    if (proof.treeSize !== treeSize || !verifyInclusion(proof.leafIndex, treeSize, leaf, path, root))
      return {
        ok: false,
        subject: 'inclusion proofs',
        detail: `${what} (event ${event.eventId}) is not proven in the signed tree of ${treeSize}`,
      };
    return undefined;
  };
  let unproven = 0;
  for (const event of bundle.caseEvents) {
    if (!proofs.has(event.eventId)) {
      unproven++;
      continue;
    }
    const what = `revision ${event.revision}`;
    if (unproven > 0)
      return [
        keyCheck,
        checkpointCheck,
        {
          ok: false,
          subject: 'inclusion proofs',
          detail: `${what} is proven, but an earlier revision is not: a proof was removed`,
        },
      ];
    const failure = proven(event, what);
    if (failure) return [keyCheck, checkpointCheck, failure];
  }
  for (const event of bundle.accessEvents) {
    if (!proofs.has(event.eventId))
      return [
        keyCheck,
        checkpointCheck,
        {
          ok: false,
          subject: 'inclusion proofs',
          detail: `access event ${event.eventId} has no proof, yet the dossier holds only proven accesses`,
        },
      ];
    const failure = proven(event, 'access event');
    if (failure) return [keyCheck, checkpointCheck, failure];
  }
  const covered = bundle.caseEvents.length - unproven;
  return [
    keyCheck,
    checkpointCheck,
    {
      ok: true,
      subject: 'inclusion proofs',
      detail:
        `${covered} case events and ${bundle.accessEvents.length} access events proven in the signed tree` +
        (unproven > 0 ? `; the last ${unproven} case events came after the checkpoint` : ''),
    },
  ];
}

/**
 * Checks an evidence bundle offline (docs/api.md "Case dossier"): every case event's content
 * against its canonical bytes and hash, the chain from the genesis hash to the dossier's revision,
 * the access events' canonical bytes, that the verdict the engine stated is what they show, and,
 * with a checkpoint, its signature (by `trustedKey` when given) and every event's inclusion in it.
 */
export function verifyEvidenceBundle(bundle: EvidenceBundle, trustedKey?: string): BundleVerification {
  const chain = checkChain(bundle);
  const checks = [
    chain,
    checkAccessEvents(bundle),
    checkStatedVerdict(bundle, chain),
    ...checkLog(bundle, trustedKey),
  ];
  return {
    verified: checks.every((check) => check.ok),
    checks,
    caseId: bundle.caseId,
    revision: bundle.revision,
  };
}
