import { sign, verify } from 'node:crypto';
import { HASH_SIZE } from './merkle-tree.js';
import {
  cosignature,
  cosignedTime,
  ed25519Signature,
  formatNote,
  keyId,
  keyIdHex,
  NoteError,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseVerifierKey,
  rawPublicKey,
  verifierKey,
} from './signed-note.js';

/**
 * Checkpoints (c2sp.org/tlog-checkpoint): the note text `<origin>\n<tree size>\n<base64 root>\n`,
 * signed with the log's Ed25519 key (key name = origin) and cosigned with the time it was signed.
 * Leaf receipts: the log's signature over one leaf hash at its index, which names the exact event
 * that no longer matches what was signed.
 */

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

export interface SignedCheckpoint extends Checkpoint {
  /** The signed note, exactly as C2SP clients and witnesses read it. */
  note: string;
  /** When it was signed (the cosignature's time), to the second. */
  signedAt: Date;
}

const TREE_SIZE = /^(0|[1-9]\d{0,15})$/;

export const checkpointText = ({ origin, treeSize, rootHash }: Checkpoint): string =>
  `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n`;

export function parseCheckpointText(text: string): Checkpoint {
  const [origin = '', size = '', root = '', ...rest] = text.split('\n');
  const rootHash = Buffer.from(root, 'base64');
  if (
    origin === '' ||
    !TREE_SIZE.test(size) ||
    rootHash.length !== HASH_SIZE ||
    rootHash.toString('base64') !== root ||
    rest.at(-1) !== '' ||
    rest.slice(0, -1).some((line) => line === '')
  ) {
    throw new NoteError('Not a checkpoint: origin, tree size and base64 root hash, one a line');
  }
  return { origin, treeSize: Number(size), rootHash };
}

/** Signs a checkpoint at `time` (seconds are what the cosignature keeps). */
export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner, time: Date): SignedCheckpoint {
  const text = checkpointText(checkpoint);
  const seconds = Math.floor(time.getTime() / 1000);
  return {
    ...checkpoint,
    note: formatNote(text, [ed25519Signature(text, signer), cosignature(text, signer, seconds)]),
    signedAt: new Date(seconds * 1000),
  };
}

/** Verifies a checkpoint note with a trusted key; the time is the key's cosigned one. */
export function openCheckpoint(note: string, verifier: NoteVerifier): SignedCheckpoint {
  const checkpoint = parseCheckpointText(openNote(note, verifier));
  if (checkpoint.origin !== verifier.name) {
    throw new NoteError(
      `The checkpoint's origin ${checkpoint.origin} is not the key's name ${verifier.name}`,
    );
  }
  const seconds = cosignedTime(note, verifier);
  if (seconds === undefined) throw new NoteError('The checkpoint carries no valid signing time');
  return { ...checkpoint, note, signedAt: new Date(seconds * 1000) };
}

/** What a leaf receipt signs: domain-separated from notes, bound to the leaf's place in the log. */
export const receiptMessage = (leafIndex: number, hash: Buffer): Buffer =>
  Buffer.from(`xray-integrity-leaf/v1\n${leafIndex}\n${hash.toString('base64')}\n`, 'utf8');

export const signReceipt = (leafIndex: number, hash: Buffer, signer: NoteSigner): Buffer =>
  sign(null, receiptMessage(leafIndex, hash), signer.privateKey);

export const receiptVerifies = (
  leafIndex: number,
  hash: Buffer,
  receipt: Buffer,
  verifier: NoteVerifier,
): boolean =>
  receipt.length === 64 && verify(null, receiptMessage(leafIndex, hash), verifier.publicKey, receipt);

/** A checkpoint as witnesses keep it and `npm run verify -- --checkpoint` reads it: small, self-describing. */
export interface ExportedCheckpoint {
  format: 'xray-integrity-checkpoint/v1';
  origin: string;
  treeSize: number;
  /** Base64, as in the note. */
  rootHash: string;
  signedAt: string;
  /** The signed note: what is actually verified. */
  note: string;
  /** The signing key as a C2SP verifier key (`<name>+<key ID>+<key>`). */
  verifierKey: string;
  /** The same key as SPKI PEM. */
  publicKeyPem: string;
}

export function exportCheckpoint(
  checkpoint: SignedCheckpoint,
  signer: Pick<NoteSigner, 'name' | 'publicKey'>,
): ExportedCheckpoint {
  return {
    format: 'xray-integrity-checkpoint/v1',
    origin: checkpoint.origin,
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash.toString('base64'),
    signedAt: checkpoint.signedAt.toISOString(),
    note: checkpoint.note,
    verifierKey: verifierKey(signer.name, signer.publicKey),
    publicKeyPem: signer.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/**
 * Reads an exported checkpoint and verifies its note with `trusted` (default: the key it names,
 * which is only as good as where the file was kept). The JSON fields must say what the note says.
 */
export function importCheckpoint(
  json: unknown,
  trusted?: NoteVerifier,
): { checkpoint: SignedCheckpoint; verifier: NoteVerifier } {
  const exported = json as Partial<ExportedCheckpoint> | null;
  if (
    typeof exported !== 'object' ||
    exported === null ||
    exported.format !== 'xray-integrity-checkpoint/v1' ||
    typeof exported.note !== 'string' ||
    typeof exported.verifierKey !== 'string'
  ) {
    throw new NoteError(
      'Not an exported checkpoint (format xray-integrity-checkpoint/v1, note, verifierKey)',
    );
  }
  const verifier = trusted ?? parseVerifierKey(exported.verifierKey);
  const checkpoint = openCheckpoint(exported.note, verifier);
  if (
    exported.treeSize !== checkpoint.treeSize ||
    exported.rootHash !== checkpoint.rootHash.toString('base64') ||
    exported.origin !== checkpoint.origin
  ) {
    throw new NoteError('The checkpoint JSON does not say what its signed note says');
  }
  return { checkpoint, verifier };
}

/** The key's verifier and its identifiers, as the public-key endpoint shows them. */
export function describeKey(signer: Pick<NoteSigner, 'name' | 'publicKey'>): {
  keyName: string;
  keyId: string;
  verifierKey: string;
} {
  return {
    keyName: signer.name,
    keyId: keyIdHex(keyId(signer.name, rawPublicKey(signer.publicKey))),
    verifierKey: verifierKey(signer.name, signer.publicKey),
  };
}
