import { z } from 'zod';
import type { FindingVocabulary } from '../../domain/case/findings.js';
import {
  defaultShoppingPolicy,
  FLAG_SEVERITIES,
  type ShoppingPolicy,
  type ShoppingRule,
} from '../../domain/opinion-shopping/opinion-shopping.policy.js';
import { jsonObject, parseJsonDocument } from './json-document.js';

/**
 * `OPINION_SHOPPING_POLICY` (README "Accuracy metrics and opinion shopping"): JSON overriding any
 * of the defaults of docs/projections.md, e.g. `{"burst":{"minRequests":4},"severities":{"OS-5":"review"}}`.
 * Unknown keys are refused; the significance of findings comes from the case policy, not from here.
 */
const MAX_DAYS = 3650;
const MAX_COUNT = 1000;

const whole = (min: number, max: number) => {
  const refusal = {
    error: (issue: { input?: unknown }) =>
      `must be a whole number from ${min} to ${max}, got ${JSON.stringify(issue.input)}`,
  };
  return z.number(refusal).int(refusal).min(min, refusal).max(max, refusal).optional();
};
const days = whole(1, MAX_DAYS);

const severity = z
  .enum(FLAG_SEVERITIES, {
    error: (issue) => `must be one of ${FLAG_SEVERITIES.join(', ')}, got ${JSON.stringify(issue.input)}`,
  })
  .optional();

const shoppingPolicyDocument = jsonObject({
  episodeGapDays: days,
  repeatedRequests: jsonObject({
    minRequests: whole(2, MAX_COUNT),
    windowDays: days,
    minOrganisations: whole(1, MAX_COUNT),
  }).optional(),
  burst: jsonObject({ minRequests: whole(2, MAX_COUNT), windowDays: days }).optional(),
  stopAfterFavourable: jsonObject({ minAgreeing: whole(1, MAX_COUNT), quietDays: days }).optional(),
  severities: jsonObject({
    'OS-1': severity,
    'OS-2': severity,
    'OS-3': severity,
    'OS-4': severity,
    'OS-5': severity,
  } satisfies Record<ShoppingRule, z.ZodType>).optional(),
} satisfies Record<keyof Omit<ShoppingPolicy, 'findingVocabulary'>, z.ZodType>);

export type ShoppingPolicyOverrides = z.output<typeof shoppingPolicyDocument>;

/** The variable's text, parsed: what it overrides, or an issue naming the field. */
export const shoppingPolicyVariable = z.string().transform((text, context) => {
  const parsed = parseJsonDocument(text, shoppingPolicyDocument, 'policy');
  if (parsed.ok) return parsed.value;
  context.addIssue({ code: 'custom', message: parsed.problem });
  return z.NEVER;
});

/** The defaults of docs/projections.md with what `OPINION_SHOPPING_POLICY` overrides. */
export function shoppingPolicyFrom(
  overrides: ShoppingPolicyOverrides,
  findingVocabulary: FindingVocabulary,
): ShoppingPolicy {
  const base = defaultShoppingPolicy;
  return {
    episodeGapDays: overrides.episodeGapDays ?? base.episodeGapDays,
    repeatedRequests: { ...base.repeatedRequests, ...overrides.repeatedRequests },
    burst: { ...base.burst, ...overrides.burst },
    stopAfterFavourable: { ...base.stopAfterFavourable, ...overrides.stopAfterFavourable },
    severities: { ...base.severities, ...overrides.severities },
    findingVocabulary,
  };
}
