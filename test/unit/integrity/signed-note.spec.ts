import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  checkpointText,
  exportCheckpoint,
  importCheckpoint,
  openCheckpoint,
  parseCheckpointText,
  receiptVerifies,
  signCheckpoint,
  signReceipt,
} from '../../../src/application/integrity/checkpoint.js';
import {
  cosignedTime,
  ed25519Signature,
  formatNote,
  keyId,
  type NoteSigner,
  openNote,
  parseVerifierKey,
  privateKeyFromSeed,
  publicKeyFromRaw,
  rawPublicKey,
  verifierKey,
} from '../../../src/application/integrity/signed-note.js';

/**
 * Interoperability vectors: Go's golang.org/x/mod/sumdb/note tests (the PeterNeumann and EnochRoot
 * keys and signatures) and the example of the C2SP signed-note specification.
 */
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
/** The private key of Go's `PRIVATE+KEY+PeterNeumann+c74f20a3+…`: 0x01, then the Ed25519 seed. */
const PETER_SKEY = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const C2SP_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const C2SP_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

function peter(): NoteSigner {
  const privateKey = privateKeyFromSeed(Buffer.from(PETER_SKEY, 'base64').subarray(1));
  const publicKey = parseVerifierKey(PETER_VKEY).publicKey;
  return { name: 'PeterNeumann', privateKey, publicKey };
}

function freshSigner(name = 'example.org/log'): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { name, privateKey, publicKey };
}

const verifierOf = (signer: NoteSigner) => parseVerifierKey(verifierKey(signer.name, signer.publicKey));

describe('C2SP signed notes (Go sumdb/note and C2SP vectors)', () => {
  it("signs exactly as Go's note.Sign does", () => {
    expect(formatNote(TEXT, [ed25519Signature(TEXT, peter())])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('derives the key ID and verifier key of the vectors', () => {
    const { publicKey } = peter();
    expect(keyId('PeterNeumann', rawPublicKey(publicKey)).toString(16)).toBe('c74f20a3');
    expect(verifierKey('PeterNeumann', publicKeyFromRaw(rawPublicKey(publicKey)))).toBe(PETER_VKEY);
  });

  it('opens a note with a trusted key and ignores signatures of unknown keys', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openNote(note, parseVerifierKey(PETER_VKEY))).toBe(TEXT);
    expect(openNote(note, parseVerifierKey(ENOCH_VKEY))).toBe(TEXT);
    expect(openNote(C2SP_NOTE, parseVerifierKey(C2SP_VKEY))).toBe('This is an example message.\n');
  });

  it.each([
    ['no signature of the trusted key', `${TEXT}\n${ENOCH_SIG}`, /no signature by PeterNeumann/],
    ['an altered text', `${TEXT.replace('problem,', 'problem;')}\n${PETER_SIG}`, /does not verify/],
    ['no blank line before the signatures', `${TEXT}${PETER_SIG}`, /blank line/],
    ['a control character', `${TEXT.replace(' ', '\t')}\n${PETER_SIG}`, /control characters/],
    ['a malformed signature line', `${TEXT}\n— PeterNeumann !!\n`, /Not a signature line/],
  ])('refuses %s', (_, note, message) => {
    expect(() => openNote(note, parseVerifierKey(PETER_VKEY))).toThrow(message);
  });

  it.each([
    ['a wrong key ID', PETER_VKEY.replace('c74f20a3', 'c74f20a4')],
    ['an unknown algorithm', 'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['a name with a space', PETER_VKEY.replace('PeterNeumann', 'Peter Neumann')],
    ['a truncated key', PETER_VKEY.slice(0, -4)],
  ])('refuses a verifier key with %s', (_, vkey) => {
    expect(() => parseVerifierKey(vkey)).toThrow();
  });
});

describe('checkpoints (C2SP tlog-checkpoint) and leaf receipts', () => {
  const checkpoint = { origin: 'example.org/log', treeSize: 8, rootHash: Buffer.alloc(32, 7) };

  it('formats and parses the checkpoint body: origin, size, base64 root', () => {
    expect(checkpointText(checkpoint)).toBe(
      `example.org/log\n8\n${Buffer.alloc(32, 7).toString('base64')}\n`,
    );
    expect(parseCheckpointText(checkpointText(checkpoint))).toEqual(checkpoint);
  });

  it.each([
    ['a leading zero', 'example.org/log\n08\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n'],
    ['a short root', 'example.org/log\n8\nBwcH\n'],
    ['no origin', '\n8\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n'],
    ['an empty extension line', 'example.org/log\n8\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\nx\n'],
  ])('refuses a body with %s', (_, text) => {
    expect(() => parseCheckpointText(text)).toThrow(/Not a checkpoint/);
  });

  it('a signed checkpoint opens with its key, carries its signing time, and is refused by another key', () => {
    const signer = freshSigner();
    const signed = signCheckpoint(checkpoint, signer, new Date('2026-11-20T09:30:00.750Z'));
    expect(signed.signedAt.toISOString()).toBe('2026-11-20T09:30:00.000Z');
    const opened = openCheckpoint(signed.note, verifierOf(signer));
    expect(opened).toMatchObject({ ...checkpoint, signedAt: signed.signedAt });
    expect(cosignedTime(signed.note, verifierOf(signer))).toBe(Date.parse('2026-11-20T09:30:00Z') / 1000);
    const other = freshSigner();
    expect(() => openCheckpoint(signed.note, verifierOf(other))).toThrow(/no signature/);
    // The same origin and a key of another: the key ID differs, so it is another key.
    const impostor = freshSigner('example.org/log');
    expect(() =>
      openCheckpoint(signCheckpoint(checkpoint, impostor, new Date()).note, verifierOf(signer)),
    ).toThrow();
  });

  it('an exported checkpoint imports with the key it names, or with a given trusted key', () => {
    const signer = freshSigner();
    const exported = exportCheckpoint(signCheckpoint(checkpoint, signer, new Date()), signer);
    expect(importCheckpoint(JSON.parse(JSON.stringify(exported))).checkpoint.treeSize).toBe(8);
    expect(() => importCheckpoint(exported, verifierOf(freshSigner()))).toThrow();
    // JSON fields that say otherwise than the signed note are refused.
    expect(() => importCheckpoint({ ...exported, treeSize: 9 })).toThrow(/does not say what/);
    expect(() => importCheckpoint({ ...exported, format: 'x' })).toThrow(/Not an exported checkpoint/);
  });

  it('a receipt binds a leaf hash to its index under the key', () => {
    const signer = freshSigner();
    const hash = Buffer.alloc(32, 1);
    const receipt = signReceipt(17, hash, signer);
    expect(receiptVerifies(17, hash, receipt, verifierOf(signer))).toBe(true);
    expect(receiptVerifies(18, hash, receipt, verifierOf(signer))).toBe(false);
    expect(receiptVerifies(17, Buffer.alloc(32, 2), receipt, verifierOf(signer))).toBe(false);
    expect(receiptVerifies(17, hash, receipt, verifierOf(freshSigner()))).toBe(false);
  });
});
