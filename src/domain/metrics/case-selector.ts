import type { RadpeerScore } from '../case/case.values.js';
import { RADPEER_SCORES, isOneOf } from '../case/case.values.js';

/**
 * Names every count of the reader metrics, so that the cases behind it can be listed
 * (`readerCasesFor`): a measure, the reference or pool it was counted in, and the scope it was
 * counted over. A figure's `cases` links carry exactly the selector of its count.
 */

/** What a rate or a pair is compared against; `adjudicator`: the decision of the reader's round. */
export const REFERENCES_COMPARED = ['reference-standard', 'consensus', 'adjudicator'] as const;
export type Reference = (typeof REFERENCES_COMPARED)[number];

/** The (opinion, finding code) pair counts against a reference. */
export const PAIR_MEASURES = [
  'true-positive',
  'false-positive',
  'false-negative',
  'true-negative',
  'uncertain',
  'compared-pairs',
] as const;

/** The counts behind the figures, one unit each (an opinion, a finding pair, a decision, a case, a score). */
export const CASE_MEASURES = [
  // opinions
  'reads',
  'compared-reads',
  // (opinion, finding code) pairs against a reference
  ...PAIR_MEASURES,
  // opinions against the consensus
  'major-discordance',
  'compared-with-consensus',
  // primary reads and their rounds
  'adjudicated-read',
  'decided-read',
  // primary reads against the adjudication of their round
  'adjudicator-agreed',
  'adjudicator-compared',
  // cases read as primary
  'adjudicator-disagreed',
  'primary-case',
  // turnaround spans
  'turnaround-timed',
  'turnaround-excluded',
  'turnaround-backfilled',
  // adjudications decided, panel votes cast, and those against the reference standard
  'decisions',
  'decision-matched',
  'decision-compared',
  // RADPEER scores
  'radpeer-given',
  'radpeer-received',
  'radpeer-pending',
] as const;
export type CaseMeasure = (typeof CASE_MEASURES)[number];

/** The roles that decide rather than read: their own figures (`asAdjudicator`, `asPanelist`). */
export const DECIDING_ROLES = ['adjudicator', 'panelist'] as const;
export type DecidingRole = (typeof DECIDING_ROLES)[number];

/** The opinions an accuracy figure pools: blinded ones by default, or the unblinded ones reported apart. */
export type Blinding = 'unblinded';

/** Significant codes only (the case policy's significance, as the escalation rules use it). */
export type Codes = 'significant';

export interface CaseSelector {
  readonly measure: CaseMeasure;
  readonly reference?: Reference;
  readonly blinding?: Blinding;
  readonly role?: DecidingRole;
  readonly codes?: Codes;
  readonly score?: RadpeerScore;
  /** A prior report's institution; null: prior reports that name none. Absent: any. */
  readonly institution?: string | null;
  // Scope, as the metrics query's: one finding code, one body region, one UTC year-month.
  readonly finding?: string;
  readonly bodyRegion?: string;
  /** YYYY-MM (UTC) of the request. */
  readonly period?: string;
}

/** The dimensions a selector may set besides its measure and scope. */
export type SelectorDimension = 'reference' | 'blinding' | 'role' | 'codes' | 'score' | 'institution';

interface Dimensions {
  readonly required?: readonly SelectorDimension[];
  readonly optional?: readonly SelectorDimension[];
}

const PAIR: Dimensions = { required: ['reference'], optional: ['blinding', 'role', 'codes'] };

/** Which dimensions each measure takes: a table, so that a selector naming no count is refused. */
export const MEASURE_DIMENSIONS: Readonly<Record<CaseMeasure, Dimensions>> = {
  reads: { optional: ['blinding'] },
  'compared-reads': {},
  'true-positive': PAIR,
  'false-positive': PAIR,
  'false-negative': PAIR,
  'true-negative': PAIR,
  uncertain: PAIR,
  'compared-pairs': PAIR,
  'major-discordance': { optional: ['blinding'] },
  'compared-with-consensus': { optional: ['blinding'] },
  'adjudicated-read': {},
  'decided-read': {},
  'adjudicator-agreed': { optional: ['codes'] },
  'adjudicator-compared': { optional: ['codes'] },
  'adjudicator-disagreed': {},
  'primary-case': {},
  'turnaround-timed': { optional: ['role'] },
  'turnaround-excluded': { optional: ['role'] },
  'turnaround-backfilled': { optional: ['role'] },
  decisions: { required: ['role'] },
  'decision-matched': { required: ['role'], optional: ['codes'] },
  'decision-compared': { required: ['role'], optional: ['codes'] },
  'radpeer-given': { optional: ['score'] },
  'radpeer-received': { optional: ['score', 'institution'] },
  'radpeer-pending': { optional: ['institution'] },
};

export interface SelectorProblem {
  readonly field: SelectorDimension;
  readonly message: string;
}

/**
 * Why a selector names no count of the response: a dimension its measure does not take or lacks,
 * or a pair measure mixing pools (a deciding role or the adjudicator reference with a blinding;
 * a deciding role against anything but the reference standard). Empty when it names one.
 */
export function selectorProblems(selector: CaseSelector): SelectorProblem[] {
  const { required = [], optional = [] } = MEASURE_DIMENSIONS[selector.measure];
  const problems: SelectorProblem[] = [];
  const given = (dimension: SelectorDimension): boolean => selector[dimension] !== undefined;
  for (const dimension of required) {
    if (!given(dimension)) {
      problems.push({
        field: dimension,
        message: `${dimension} is required with measure ${selector.measure}`,
      });
    }
  }
  for (const dimension of ['reference', 'blinding', 'role', 'codes', 'score', 'institution'] as const) {
    if (given(dimension) && !required.includes(dimension) && !optional.includes(dimension)) {
      problems.push({ field: dimension, message: `measure ${selector.measure} does not take ${dimension}` });
    }
  }
  if (problems.length === 0 && isOneOf(PAIR_MEASURES, selector.measure)) {
    if (selector.role !== undefined && selector.reference !== 'reference-standard') {
      problems.push({
        field: 'reference',
        message: `role ${selector.role} is compared with the reference standard only (reference=reference-standard)`,
      });
    }
    if (
      selector.blinding !== undefined &&
      (selector.role !== undefined || selector.reference === 'adjudicator')
    ) {
      problems.push({
        field: 'blinding',
        message:
          'blinding applies to the opinions compared with the reference standard or the consensus only',
      });
    }
  }
  return problems;
}

/** What a unit was counted as: a selector without its scope. Two counts are the same when their keys are. */
export type Counted = Omit<CaseSelector, 'finding' | 'bodyRegion' | 'period'>;

/** One text per count: equal for a selector and the units counted as it. */
export function countKey(counted: Counted): string {
  const { measure, reference, blinding, role, codes, score, institution } = counted;
  return JSON.stringify([
    measure,
    reference ?? null,
    blinding ?? null,
    role ?? null,
    codes ?? null,
    score ?? null,
    institution === undefined ? '*' : institution,
  ]);
}

export const isRadpeerScore = (value: string): value is RadpeerScore => isOneOf(RADPEER_SCORES, value);
