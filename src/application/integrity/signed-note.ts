import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519, the format Go's checksum database, the
 * C2SP checkpoints and Sigstore's witnesses read: the text, a blank line, then one line per
 * signature, `— <key name> base64(key ID || signature)`. Also the timestamped Ed25519 cosignature
 * (c2sp.org/tlog-cosignature), with which a checkpoint's signing time is signed.
 */

/** Signature type bytes of signed-note: Ed25519, and the timestamped Ed25519 cosignature. */
export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;

const SIGNATURE_PREFIX = '— ';
const MAX_SIGNATURES = 100;

/** DER prefixes that turn a raw 32-byte Ed25519 key into SPKI (public) or PKCS#8 (private). */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class NoteError extends Error {
  readonly code = 'invalid-note';
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

/** Non-empty, no Unicode space, no `+`. */
export const isValidKeyName = (name: string): boolean => name !== '' && !/[\s+]/u.test(name);

export function rawPublicKey(key: KeyObject): Buffer {
  const { x } = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType !== 'ed25519' || typeof x !== 'string') {
    throw new NoteError('Only Ed25519 keys sign notes here');
  }
  return Buffer.from(x, 'base64url');
}

export const publicKeyFromRaw = (raw: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });

export const privateKeyFromSeed = (seed: Buffer): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });

/** key ID = SHA-256(key name || 0x0A || signature type || public key)[:4], as a big-endian uint32. */
export function keyId(name: string, publicKey: Buffer, type: number = ED25519): number {
  return createHash('sha256')
    .update(name, 'utf8')
    .update('\n')
    .update(Buffer.from([type]))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

export const keyIdHex = (id: number): string => id.toString(16).padStart(8, '0');

/** A public key as a verifier key: `<name>+<hex key ID>+base64(0x01 || public key)`. */
export function verifierKey(name: string, publicKey: KeyObject): string {
  const raw = rawPublicKey(publicKey);
  return `${name}+${keyIdHex(keyId(name, raw))}+${Buffer.concat([Buffer.from([ED25519]), raw]).toString('base64')}`;
}

export interface NoteVerifier {
  name: string;
  keyId: number;
  publicKey: KeyObject;
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  // The key name holds no '+', the key ID neither; the base64 key may.
  const [name = '', hex = '', ...material] = vkey.trim().split('+');
  const encoded = material.join('+');
  const bytes = Buffer.from(encoded, 'base64');
  if (
    !isValidKeyName(name) ||
    !/^[0-9a-f]{8}$/.test(hex) ||
    bytes.toString('base64') !== encoded ||
    bytes.length !== 33 ||
    bytes[0] !== ED25519
  ) {
    throw new NoteError('Not an Ed25519 verifier key (<name>+<hex key ID>+<base64 of 0x01 and the key>)');
  }
  const raw = bytes.subarray(1);
  if (keyId(name, raw) !== Number.parseInt(hex, 16)) {
    throw new NoteError('The verifier key ID does not match its name and key');
  }
  return { name, keyId: Number.parseInt(hex, 16), publicKey: publicKeyFromRaw(raw) };
}

export interface NoteSigner {
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the key ID. */
  signature: Buffer;
}

/** ASCII control characters but newline: a signed note holds none. */
const hasControl = (text: string): boolean =>
  [...text].some((char) => (char < ' ' && char !== '\n') || char === '\u007f');
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Valid UTF-8 without control characters but newline, ending in a newline. */
function assertNoteText(text: string): void {
  if (!text.endsWith('\n') || hasControl(text) || LONE_SURROGATE.test(text)) {
    throw new NoteError('A note text is UTF-8 without control characters and ends with a newline');
  }
}

const signatureLine = ({ name, keyId: id, signature }: NoteSignature): string => {
  const bytes = Buffer.alloc(4 + signature.length);
  bytes.writeUInt32BE(id >>> 0, 0);
  signature.copy(bytes, 4);
  return `${SIGNATURE_PREFIX}${name} ${bytes.toString('base64')}\n`;
};

/** The Ed25519 signature of a note text. */
export function ed25519Signature(text: string, signer: NoteSigner): NoteSignature {
  assertNoteText(text);
  return {
    name: signer.name,
    keyId: keyId(signer.name, rawPublicKey(signer.publicKey)),
    signature: sign(null, Buffer.from(text, 'utf8'), signer.privateKey),
  };
}

/** What a timestamped Ed25519 cosignature signs (tlog-cosignature "Ed25519 signed message"). */
export const cosignedMessage = (text: string, timestamp: number): Buffer =>
  Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8');

/** The timestamped cosignature (type 0x04) of a checkpoint text: 8-byte POSIX time, then the signature. */
export function cosignature(text: string, signer: NoteSigner, timestamp: number): NoteSignature {
  assertNoteText(text);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  return {
    name: signer.name,
    keyId: keyId(signer.name, rawPublicKey(signer.publicKey), COSIGNATURE_V1),
    signature: Buffer.concat([time, sign(null, cosignedMessage(text, timestamp), signer.privateKey)]),
  };
}

export const formatNote = (text: string, signatures: readonly NoteSignature[]): string =>
  `${text}\n${signatures.map(signatureLine).join('')}`;

export interface OpenedNote {
  text: string;
  signatures: NoteSignature[];
}

/** Splits a signed note into its text and signature lines (nothing verified yet). */
export function parseNote(note: string): OpenedNote {
  if (hasControl(note) || !note.endsWith('\n')) {
    throw new NoteError('A signed note has no control characters but newlines and ends with a newline');
  }
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('A signed note separates its text from its signatures by a blank line');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('Too many signatures');
  const signatures = lines.map((line) => {
    const match = /^— (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
    const bytes = match ? Buffer.from(match[2]!, 'base64') : Buffer.alloc(0);
    if (!match || !isValidKeyName(match[1]!) || bytes.length < 5 || bytes.toString('base64') !== match[2]) {
      throw new NoteError(`Not a signature line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    return { name: match[1]!, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4) };
  });
  if (signatures.length === 0) throw new NoteError('A signed note has at least one signature');
  return { text, signatures };
}

/**
 * Opens a note with a trusted key: its Ed25519 signature must be there and verify (signatures of
 * other keys are ignored, as the format says). Returns the text.
 */
export function openNote(note: string, verifier: NoteVerifier): string {
  const { text, signatures } = parseNote(note);
  const ours = signatures.filter(({ name, keyId: id }) => name === verifier.name && id === verifier.keyId);
  if (ours.length === 0) {
    throw new NoteError(`The note has no signature by ${verifier.name} (key ID ${keyIdHex(verifier.keyId)})`);
  }
  for (const { signature } of ours) {
    if (!verify(null, Buffer.from(text, 'utf8'), verifier.publicKey, signature)) {
      throw new NoteError(
        `The signature by ${verifier.name} (key ID ${keyIdHex(verifier.keyId)}) does not verify`,
      );
    }
  }
  return text;
}

/** The signing time a verified timestamped cosignature of this key states, if the note carries one. */
export function cosignedTime(note: string, verifier: NoteVerifier): number | undefined {
  const { text, signatures } = parseNote(note);
  const id = keyId(verifier.name, rawPublicKey(verifier.publicKey), COSIGNATURE_V1);
  const cosigned = signatures.find(
    ({ name, keyId: candidate }) => name === verifier.name && candidate === id,
  );
  if (!cosigned || cosigned.signature.length !== 72) return undefined;
  const timestamp = Number(cosigned.signature.readBigUInt64BE(0));
  const valid = verify(
    null,
    cosignedMessage(text, timestamp),
    verifier.publicKey,
    cosigned.signature.subarray(8),
  );
  return valid ? timestamp : undefined;
}
