import { z } from 'zod';
import { variable, wholeNumber } from '../config/environment-variable.js';
import type { Witness } from './witnesses.js';

/**
 * The verifiable log's variables (README "Configuration", docs/integrity.md), joined into the one
 * environment schema of app-config.ts.
 */

/** A signed-note key name, also the checkpoints' origin line: no spaces, no `+`. */
const ORIGIN = /^[^\s+]{1,200}$/u;
export const DEFAULT_LOG_ORIGIN = 'xray-second-opinion/integrity-log';

/** Comma-separated: https URLs (http only as INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK allows) and directory paths. */
const witnesses = variable(
  z
    .string()
    .transform((raw, context): Witness[] => {
      const entries = raw.split(',').map((entry) => entry.trim());
      const result: Witness[] = [];
      for (const entry of entries) {
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
          const url = URL.canParse(entry) ? new URL(entry) : undefined;
          if (
            !url ||
            !['https:', 'http:'].includes(url.protocol) ||
            url.username !== '' ||
            url.password !== ''
          ) {
            context.addIssue({
              code: 'custom',
              message: `lists "${entry}", which is neither an https URL (without credentials) nor a directory`,
            });
            return z.NEVER;
          }
          result.push({ kind: 'url', url: url.toString() });
        } else if (entry === '') {
          context.addIssue({ code: 'custom', message: 'has an empty entry (entries are comma-separated)' });
          return z.NEVER;
        } else {
          result.push({ kind: 'directory', path: entry });
        }
      }
      return result;
    })
    .default([]),
);

export const INTEGRITY_VARIABLES = {
  INTEGRITY_SIGNING_KEY_FILE: variable(z.string().optional()),
  INTEGRITY_LOG_ORIGIN: variable(
    z
      .string()
      .regex(ORIGIN, { error: 'must be a key name: no spaces, no "+", at most 200 characters' })
      .default(DEFAULT_LOG_ORIGIN),
  ),
  INTEGRITY_CHECKPOINT_INTERVAL_MS: wholeNumber(60_000, 0, 86_400_000),
  INTEGRITY_CHECKPOINT_EVERY_EVENTS: wholeNumber(1_000, 1, 1_000_000),
  INTEGRITY_WITNESSES: witnesses,
  INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK: variable(
    z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .transform((value) => value === 'true')
      .default(false),
  ),
};

type IntegrityEnvironment = {
  INTEGRITY_SIGNING_KEY_FILE?: string;
  INTEGRITY_LOG_ORIGIN: string;
  INTEGRITY_CHECKPOINT_INTERVAL_MS: number;
  INTEGRITY_CHECKPOINT_EVERY_EVENTS: number;
  INTEGRITY_WITNESSES: Witness[];
  INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK: boolean;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Checkpoints travel over https; plain http only to this machine, and only when a test says so. */
export function witnessesOverHttps(env: IntegrityEnvironment, context: z.RefinementCtx): void {
  for (const witness of env.INTEGRITY_WITNESSES) {
    if (witness.kind !== 'url') continue;
    const url = new URL(witness.url);
    if (url.protocol === 'https:') continue;
    if (env.INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK && LOOPBACK.has(url.hostname)) continue;
    context.addIssue({
      code: 'custom',
      path: ['INTEGRITY_WITNESSES'],
      message: `lists ${witness.url}: witnesses are pushed to over https (plain http only to 127.0.0.1, localhost or [::1], with INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK=true, for tests)`,
    });
    return;
  }
}

/** Whether witnessesOverHttps can run: both its variables were read. */
export const witnessVariablesRead = ({
  issues,
}: {
  issues: ReadonlyArray<{ path?: PropertyKey[] }>;
}): boolean => !issues.some(({ path }) => String(path?.[0]).startsWith('INTEGRITY_WITNESS'));

export interface IntegritySettings {
  /** PKCS#8 PEM of the Ed25519 log key; unset: the development key under DATA_DIR (refused in production at start-up). */
  signingKeyFile?: string;
  /** The checkpoints' origin line and the key's name. */
  origin: string;
  checkpointIntervalMs: number;
  checkpointEveryEvents: number;
  witnesses: Witness[];
}

export const integritySettings = (env: IntegrityEnvironment): IntegritySettings => ({
  ...(env.INTEGRITY_SIGNING_KEY_FILE !== undefined && { signingKeyFile: env.INTEGRITY_SIGNING_KEY_FILE }),
  origin: env.INTEGRITY_LOG_ORIGIN,
  checkpointIntervalMs: env.INTEGRITY_CHECKPOINT_INTERVAL_MS,
  checkpointEveryEvents: env.INTEGRITY_CHECKPOINT_EVERY_EVENTS,
  witnesses: env.INTEGRITY_WITNESSES,
});
