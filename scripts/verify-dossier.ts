/**
 * `npm run verify -- --dossier <file>`: checks a case dossier offline (docs/api.md "Case dossier").
 * The file is a dossier PDF, whose embedded evidence bundle is extracted, or the bundle itself
 * (`?format=json`); `--key <verifier key>` names the key its checkpoint must be signed with. No
 * database, no network: everything checked is in the file. Exit 0: verified;
 * 1: something does not match (named); 2: nothing could be checked (unreadable, not a dossier).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { associatedFile, DossierFileError } from '../src/infrastructure/dossier/dossier-attachment.js';
import { EVIDENCE_BUNDLE_FILE_NAME } from '../src/infrastructure/dossier/evidence-bundle.js';
import {
  parseEvidenceBundle,
  UnreadableBundleError,
  verifyEvidenceBundle,
} from '../src/infrastructure/dossier/evidence-bundle.verifier.js';

export interface Output {
  say(line: string): void;
  warn(line: string): void;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** `trustedKey`: the engine's verifier key, as its public-key endpoint or a witness gives it. */
export async function verifyDossierFile(
  path: string,
  { say, warn }: Output,
  trustedKey?: string,
): Promise<number> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    warn(`Cannot read ${path}: ${(error as Error).message}`);
    return 2;
  }
  say(`file     ${path}: ${file.length} bytes, SHA-256 ${sha256(file)}`);
  try {
    let bundleBytes = file;
    if (file.subarray(0, 5).toString('latin1') === '%PDF-') {
      const attachment = associatedFile(file, EVIDENCE_BUNDLE_FILE_NAME);
      bundleBytes = attachment.content;
      say(
        `bundle   ${attachment.name} (associated file, relationship ${attachment.relationship ?? 'none'}): ` +
          `${bundleBytes.length} bytes, SHA-256 ${sha256(bundleBytes)}`,
      );
    }
    const verification = verifyEvidenceBundle(parseEvidenceBundle(bundleBytes), trustedKey);
    say(`case     ${verification.caseId} as at revision ${verification.revision}`);
    for (const check of verification.checks) {
      say(`${check.ok ? 'ok    ' : 'FAILED'}   ${check.subject}: ${check.detail}`);
    }
    say(
      verification.verified
        ? 'Verified. Compare the file SHA-256 above with the one the access log recorded when the dossier was issued.'
        : 'NOT VERIFIED: the dossier does not match the events it claims to hold.',
    );
    return verification.verified ? 0 : 1;
  } catch (error) {
    if (error instanceof DossierFileError || error instanceof UnreadableBundleError) {
      warn(`Cannot verify ${path}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
