import { defaultCasePolicy } from '../case/case.policy.js';
import type { FindingVocabulary } from '../case/findings.js';

/** The rules of docs/projections.md "Opinion-shopping detection". */
export const SHOPPING_RULES = ['OS-1', 'OS-2', 'OS-3', 'OS-4', 'OS-5'] as const;
export type ShoppingRule = (typeof SHOPPING_RULES)[number];

export const FLAG_SEVERITIES = ['high', 'review', 'info'] as const;
export type FlagSeverity = (typeof FLAG_SEVERITIES)[number];

/** Thresholds are configuration: rules read them as data and never branch on a site. */
export interface ShoppingPolicy {
  /** A request whose study date is more than this after the previous request's starts a new episode. */
  readonly episodeGapDays: number;
  /** OS-1: at least `minRequests` within `windowDays`, from `minOrganisations` organisations or after a confirmation. */
  readonly repeatedRequests: {
    readonly minRequests: number;
    readonly windowDays: number;
    readonly minOrganisations: number;
  };
  /** OS-2: at least `minRequests` within `windowDays`. */
  readonly burst: { readonly minRequests: number; readonly windowDays: number };
  /** OS-3: at least `minAgreeing` opinions agree, the next contradicts them, no request for `quietDays`. */
  readonly stopAfterFavourable: { readonly minAgreeing: number; readonly quietDays: number };
  readonly severities: Readonly<Record<ShoppingRule, FlagSeverity>>;
  /** Which codes are significant (OS-3 looks at significant findings only). */
  readonly findingVocabulary: FindingVocabulary;
}

/**
 * Defaults of docs/projections.md, anchored in prescription-monitoring "doctor shopping" rules (e.g.
 * 4 prescribers × 4 pharmacies in 365 days, 5 × 5 in 90 days).
 */
export const defaultShoppingPolicy: ShoppingPolicy = {
  episodeGapDays: 180,
  repeatedRequests: { minRequests: 3, windowDays: 365, minOrganisations: 2 },
  burst: { minRequests: 5, windowDays: 90 },
  stopAfterFavourable: { minAgreeing: 3, quietDays: 90 },
  severities: { 'OS-1': 'review', 'OS-2': 'high', 'OS-3': 'review', 'OS-4': 'high', 'OS-5': 'info' },
  findingVocabulary: defaultCasePolicy.findingVocabulary,
};
