import type { FindingVocabulary } from '../../domain/case/findings.js';
import {
  defaultShoppingPolicy,
  FLAG_SEVERITIES,
  type FlagSeverity,
  SHOPPING_RULES,
  type ShoppingPolicy,
  type ShoppingRule,
} from '../../domain/opinion-shopping/opinion-shopping.policy.js';
import { ConfigurationError } from './app-config.js';

/**
 * Opinion-shopping thresholds and the OS-3 timer, from the environment (README "Accuracy metrics
 * and opinion shopping"):
 *
 * - `OPINION_SHOPPING_POLICY`: JSON overriding any of the defaults of projections.md, e.g.
 *   `{"burst":{"minRequests":4},"severities":{"OS-5":"review"}}`. Unknown keys are refused.
 * - `OPINION_SHOPPING_REEVALUATION_INTERVAL_MS`: how often the OS-3 timer runs (default 60000; 0
 *   turns it off, e.g. for a batch import).
 *
 * An invalid value stops start-up with a message naming the variable.
 */
export interface OpinionShoppingConfig {
  policy: ShoppingPolicy;
  reevaluationIntervalMs: number;
}

export const POLICY_VARIABLE = 'OPINION_SHOPPING_POLICY';
export const INTERVAL_VARIABLE = 'OPINION_SHOPPING_REEVALUATION_INTERVAL_MS';
const DEFAULT_INTERVAL_MS = 60_000;
const MAX_DAYS = 3650;
const MAX_COUNT = 1000;

type Env = Readonly<Record<string, string | undefined>>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function refuse(problem: string): never {
  throw new ConfigurationError(POLICY_VARIABLE, problem);
}

function objectAt(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (!isObject(value)) refuse(`${path} must be a JSON object`);
  const unknown = Object.keys(value).filter((key) => !keys.includes(key));
  if (unknown.length > 0) refuse(`has unknown key(s) ${unknown.map((key) => `${path}.${key}`).join(', ')}`);
  return value;
}

function whole(value: unknown, path: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    refuse(`${path} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function severities(value: unknown, fallback: ShoppingPolicy['severities']): ShoppingPolicy['severities'] {
  if (value === undefined) return fallback;
  const given = objectAt(value, 'severities', SHOPPING_RULES);
  const result = { ...fallback } as Record<ShoppingRule, FlagSeverity>;
  for (const [rule, severity] of Object.entries(given)) {
    if (!(FLAG_SEVERITIES as readonly unknown[]).includes(severity)) {
      refuse(
        `severities.${rule} must be one of ${FLAG_SEVERITIES.join(', ')}, got ${JSON.stringify(severity)}`,
      );
    }
    result[rule as ShoppingRule] = severity as FlagSeverity;
  }
  return result;
}

/** The defaults of projections.md with what `OPINION_SHOPPING_POLICY` overrides. */
export function parseShoppingPolicy(
  raw: string | undefined,
  base: ShoppingPolicy = defaultShoppingPolicy,
): ShoppingPolicy {
  if (raw === undefined || raw.trim() === '') return base;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    refuse('is not valid JSON');
  }
  const root = objectAt(parsed, 'policy', [
    'episodeGapDays',
    'repeatedRequests',
    'burst',
    'stopAfterFavourable',
    'severities',
  ]);
  const repeated =
    root.repeatedRequests === undefined
      ? {}
      : objectAt(root.repeatedRequests, 'repeatedRequests', [
          'minRequests',
          'windowDays',
          'minOrganisations',
        ]);
  const burst = root.burst === undefined ? {} : objectAt(root.burst, 'burst', ['minRequests', 'windowDays']);
  const stop =
    root.stopAfterFavourable === undefined
      ? {}
      : objectAt(root.stopAfterFavourable, 'stopAfterFavourable', ['minAgreeing', 'quietDays']);
  return {
    ...base,
    episodeGapDays: whole(root.episodeGapDays, 'episodeGapDays', 1, MAX_DAYS, base.episodeGapDays),
    repeatedRequests: {
      minRequests: whole(
        repeated.minRequests,
        'repeatedRequests.minRequests',
        2,
        MAX_COUNT,
        base.repeatedRequests.minRequests,
      ),
      windowDays: whole(
        repeated.windowDays,
        'repeatedRequests.windowDays',
        1,
        MAX_DAYS,
        base.repeatedRequests.windowDays,
      ),
      minOrganisations: whole(
        repeated.minOrganisations,
        'repeatedRequests.minOrganisations',
        1,
        MAX_COUNT,
        base.repeatedRequests.minOrganisations,
      ),
    },
    burst: {
      minRequests: whole(burst.minRequests, 'burst.minRequests', 2, MAX_COUNT, base.burst.minRequests),
      windowDays: whole(burst.windowDays, 'burst.windowDays', 1, MAX_DAYS, base.burst.windowDays),
    },
    stopAfterFavourable: {
      minAgreeing: whole(
        stop.minAgreeing,
        'stopAfterFavourable.minAgreeing',
        1,
        MAX_COUNT,
        base.stopAfterFavourable.minAgreeing,
      ),
      quietDays: whole(
        stop.quietDays,
        'stopAfterFavourable.quietDays',
        1,
        MAX_DAYS,
        base.stopAfterFavourable.quietDays,
      ),
    },
    severities: severities(root.severities, base.severities),
  };
}

export function loadOpinionShoppingConfig(env: Env, vocabulary?: FindingVocabulary): OpinionShoppingConfig {
  const base = vocabulary
    ? { ...defaultShoppingPolicy, findingVocabulary: vocabulary }
    : defaultShoppingPolicy;
  const interval = env[INTERVAL_VARIABLE]?.trim();
  let reevaluationIntervalMs = DEFAULT_INTERVAL_MS;
  if (interval !== undefined && interval !== '') {
    if (!/^\d+$/.test(interval) || Number(interval) > 86_400_000) {
      throw new ConfigurationError(
        INTERVAL_VARIABLE,
        `must be a whole number of ms from 0 to 86400000, got "${interval}"`,
      );
    }
    reevaluationIntervalMs = Number(interval);
  }
  return { policy: parseShoppingPolicy(env[POLICY_VARIABLE], base), reevaluationIntervalMs };
}
