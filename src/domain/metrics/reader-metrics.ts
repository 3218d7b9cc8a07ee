import { defaultCasePolicy } from '../case/case.policy.js';
import type {
  ConsensusMethod,
  RadpeerScore,
  ReaderRole,
  ReferenceStandardSource,
} from '../case/case.values.js';
import { RADPEER_SCORES } from '../case/case.values.js';
import {
  disagree,
  findingFor,
  isSignificant,
  type Finding,
  type FindingVocabulary,
} from '../case/findings.js';
import {
  type CaseMeasure,
  type CaseSelector,
  type Counted,
  countKey,
  type DecidingRole,
  type Reference,
} from './case-selector.js';
import {
  cohensKappa,
  funnelLimits,
  type FunnelOutlier,
  MINIMUM_COMPARED_READS,
  outlierAt,
  quantileInterval,
  wilsonInterval,
  Z_95,
  Z_998,
  type Interval,
  type Limits,
} from './statistics.js';
import { instantOf, periodOf } from './time.js';

export type { Reference } from './case-selector.js';

/**
 * Per-reader accuracy metrics (docs/domain.md "Reader metrics"), computed from the facts of each
 * case. A projection keeps one `MetricsCase` per case (see metrics-case.ts, which folds them from
 * the case's events) and calls `computeReaderMetrics` when asked; `readerCasesFor` lists the units
 * behind any one count of the response, by the same tally, so a count and its list cannot differ.
 *
 * Conventions where the spec is silent, each chosen so that a figure means one thing:
 * - Unit of accuracy: one (opinion, finding code) pair that the reader and the reference both
 *   assessed. Present/absent on both sides → TP/FP/FN/TN; `uncertain` on either side → `uncertain`
 *   (reported, never in n). A code only one side lists is "not assessed" and not counted.
 * - References: the current (latest-round) consensus, and the latest reference standard where one
 *   exists (also on cases without consensus: the truth does not need one). Opinions of earlier
 *   rounds count against the current consensus too: the question is whether the reader was right.
 *   A primary opinion is also compared with the adjudication of its own round (`adjudicator`).
 * - Significant: the same figures on the codes the case policy marks significant, those whose
 *   disagreement escalates a case.
 * - Accuracy and major discordance use blinded opinions only unless `includeUnblinded`; unblinded
 *   opinions (unblinded primaries, panelists) are reported apart in `unblinded`. Reads, turnaround,
 *   the adjudication figures and RADPEER count every opinion.
 * - Compared reads: opinions with at least one code counted in n against either reference.
 * - Major discordance: an opinion compared with the consensus that disagrees with it (present
 *   against absent) on at least one significant code, over the opinions compared with the consensus.
 * - Adjudication rate: over R's primary reads in rounds already decided (escalated, or a consensus
 *   of that round or a later one); a round still being read has not had the chance to escalate.
 * - Adjudicator agreement: the adjudicator selected R's opinion, or its findings equal R's on every
 *   code both assessed (at least one); on significant codes: equal on every significant code both
 *   assessed (at least one). Disagreement (RDI): not selected and present against absent on at
 *   least one code both assessed. RDI is per 100 cases R read as primary (`scale: 100`).
 * - Deciding roles: an adjudicator's decisions (its AdjudicationDecided) and a panelist's votes (its
 *   opinions as panelist) against the reference standard; a decision matches it when equal on every
 *   code both assessed (at least one), or on every significant one.
 * - RADPEER received: a score in `radpeerScoresNeedingArbitration` (ACR: 2b, 3a, 3b) counts only
 *   once its round went to adjudication and reached consensus; until then it is `pendingArbitration`.
 * - Turnaround: seconds from ReaderAssigned to OpinionSubmitted (to AdjudicationDecided for an
 *   adjudicator); median and 90th percentile by type-7 interpolation with distribution-free 95%
 *   order-statistic intervals. Left out and counted in `excluded`: a missing or negative span, and
 *   a span with an end that is imported history (`backfilled`: recorded more than the backfill
 *   threshold after it occurred, so its time is the sender's statement, not an observed one).
 * - Period: the UTC year-month of the request's occurredAt. `from` is inclusive, `to` exclusive.
 * - Funnel: group mean = all major discordances / all opinions compared, over every reader with
 *   data; readers with insufficient data get limits but are never marked (they are not ranked).
 * - Readers: whoever has an opinion or an adjudication in scope. A prior report's author is scored,
 *   not a reader: its RADPEER figures are listed apart (`priorReportAuthors`).
 */

/** The references a reader's opinions are compared against, reference standard first. */
export const REFERENCES = ['reference-standard', 'consensus'] as const;

// Input: the facts of one case

export interface MetricsOpinion {
  readonly opinionId: string;
  readonly readerId: string;
  readonly role: ReaderRole;
  readonly round: number;
  readonly blinded: boolean;
  readonly findings: readonly Finding[];
  /** occurredAt of the assignment's ReaderAssigned. */
  readonly assignedAt?: string;
  /** recordedAt of the assignment's ReaderAssigned (absent: taken as live). */
  readonly assignedRecordedAt?: string;
  /** occurredAt of the OpinionSubmitted. */
  readonly submittedAt: string;
  /** recordedAt of the OpinionSubmitted (absent: taken as live). */
  readonly submittedRecordedAt?: string;
}

export interface MetricsConsensus {
  readonly round: number;
  readonly findings: readonly Finding[];
  readonly method: ConsensusMethod;
  readonly basedOn: readonly string[];
}

export interface MetricsReferenceStandard {
  readonly findings: readonly Finding[];
  readonly source: ReferenceStandardSource;
}

export interface MetricsAdjudication {
  readonly round: number;
  readonly adjudicatorId: string;
  /** A primary opinion of the round, `prior-report`, or absent (the adjudicator's own findings). */
  readonly selectedOpinionId?: string;
  readonly findings: readonly Finding[];
  /** occurredAt and recordedAt of the adjudicator's ReaderAssigned. */
  readonly assignedAt?: string;
  readonly assignedRecordedAt?: string;
  /** occurredAt and recordedAt of the AdjudicationDecided. */
  readonly decidedAt?: string;
  readonly decidedRecordedAt?: string;
}

export interface MetricsPriorReportScore {
  readonly readerId: string;
  readonly round: number;
  readonly score: RadpeerScore;
}

export interface MetricsCase {
  readonly caseId: string;
  readonly bodyRegion: string;
  /** occurredAt of the SecondOpinionRequested: the case's period. */
  readonly occurredAt: string;
  readonly opinions: readonly MetricsOpinion[];
  /** The current consensus: the latest round's. */
  readonly consensus?: MetricsConsensus;
  /** The latest ReferenceStandardRecorded. */
  readonly referenceStandard?: MetricsReferenceStandard;
  /** Rounds escalated to adjudication (any reason). */
  readonly wentToAdjudication: readonly number[];
  /** Every AdjudicationDecided, with its round. */
  readonly adjudications: readonly MetricsAdjudication[];
  readonly priorReport?: { readonly author: string; readonly institution?: string };
  /** Every RADPEER score of the prior report, from an opinion or a PriorReportReviewed. */
  readonly priorReportScores: readonly MetricsPriorReportScore[];
}

export interface ReaderMetricsOptions {
  /** Inclusive instant on the request's occurredAt. */
  readonly from?: string;
  /** Exclusive instant on the request's occurredAt. */
  readonly to?: string;
  readonly bodyRegion?: string;
  /** Restricts accuracy and discordance to one code. */
  readonly finding?: string;
  /** One UTC year-month (YYYY-MM) of the request's occurredAt. */
  readonly period?: string;
  /** Fewer compared reads → `insufficientData`, not ranked, never marked an outlier. Default 30. */
  readonly minComparedReads?: number;
  /** Pool unblinded opinions into accuracy too (they are always reported apart). Default false. */
  readonly includeUnblinded?: boolean;
  readonly vocabulary?: FindingVocabulary;
  readonly radpeerScoresNeedingArbitration?: readonly RadpeerScore[];
  /**
   * An event recorded more than this many hours after it occurred is imported history: its time
   * does not measure turnaround. Default: the case policy's importedHistoryThresholdHours.
   */
  readonly backfillThresholdHours?: number;
  /** The `cases` link of a count (subject: the reader or prior-report author); without it, no links. */
  readonly link?: (subjectId: string, selector: CaseSelector) => string;
}

// Output: the response shape of docs/domain.md "Reader metrics"

/** Where to list the units behind each count of a figure. */
export type CaseLinks<Count extends string> = Readonly<Record<Count, string>>;

interface Linked<Count extends string> {
  readonly cases?: CaseLinks<Count>;
}

export type AccuracyCount = 'tp' | 'fp' | 'fn' | 'tn' | 'uncertain' | 'n';

export interface AccuracyFigures extends Linked<AccuracyCount> {
  readonly reference: Reference;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly uncertain: number;
  /** tp + fp + fn + tn; `uncertain` is not in it. */
  readonly n: number;
  readonly agreement: Interval;
  readonly sensitivity: Interval;
  readonly specificity: Interval;
  readonly kappa: number | null;
}

export interface FindingFigures extends AccuracyFigures {
  readonly code: string;
}
export interface BodyRegionFigures extends AccuracyFigures {
  readonly bodyRegion: string;
}
export interface PeriodFigures extends AccuracyFigures {
  /** YYYY-MM (UTC). */
  readonly period: string;
}

export interface DiscordanceRate extends Interval, Linked<'discordant' | 'n'> {
  readonly discordant: number;
  readonly n: number;
  readonly reference: 'consensus';
}
/** Escalations over decided reads: a rate of the reader's rounds, compared with no reference. */
export interface AdjudicationRate extends Interval, Linked<'adjudicated' | 'n'> {
  readonly adjudicated: number;
  readonly n: number;
  readonly reference: null;
}
export interface AdjudicatorAgreementRate extends Interval, Linked<'agreed' | 'n'> {
  readonly agreed: number;
  readonly n: number;
  readonly reference: 'adjudicator';
  /** `all`: every code both assessed must agree; `significant`: every significant one. */
  readonly codes: 'all' | 'significant';
}
/** value, low and high are per 100 cases. */
export interface ReaderDisagreementIndex extends Interval, Linked<'disagreed' | 'n'> {
  readonly disagreed: number;
  readonly n: number;
  readonly scale: 100;
  readonly reference: 'adjudicator';
}

export interface Turnaround extends Linked<'n' | 'excluded' | 'backfilled'> {
  readonly unit: 'seconds';
  readonly n: number;
  /** Spans left out: missing, negative, or backfilled. */
  readonly excluded: number;
  /** Of `excluded`, the spans with an end that is imported history. */
  readonly backfilled: number;
  readonly median: Interval;
  readonly p90: Interval;
}

export type RadpeerCounts = Record<RadpeerScore, number>;

export interface RadpeerGiven extends Linked<RadpeerScore | 'n'> {
  readonly counts: RadpeerCounts;
  readonly n: number;
}

export interface RadpeerReceived extends Linked<RadpeerScore | 'n' | 'pendingArbitration'> {
  readonly counts: RadpeerCounts;
  readonly n: number;
  readonly pendingArbitration: number;
}

export type RadpeerReceivedFigures = RadpeerReceived & {
  readonly byInstitution: readonly (RadpeerReceived & { readonly institution: string | null })[];
};

export interface RadpeerFigures {
  readonly given: RadpeerGiven;
  readonly received: RadpeerReceivedFigures;
}

export type { FunnelOutlier } from './statistics.js';

export interface Funnel extends Linked<'n'> {
  readonly metric: 'major-discordance-rate';
  readonly reference: 'consensus';
  readonly value: number | null;
  readonly n: number;
  readonly groupMean: number | null;
  /** Opinions behind the group mean, over all readers. */
  readonly groupN: number;
  readonly limits95: Limits | null;
  readonly limits998: Limits | null;
  readonly outlier: FunnelOutlier;
}

export interface UnblindedFigures extends Linked<'reads'> {
  readonly reads: number;
  readonly overall: readonly AccuracyFigures[];
  readonly byFinding: readonly FindingFigures[];
  readonly majorDiscordanceRate: DiscordanceRate;
}

/** The reader's primary opinions against the adjudication of their round, finding by finding. */
export interface AdjudicatorAgreementFigures {
  readonly reference: 'adjudicator';
  readonly significantCodes: AdjudicatorAgreementRate;
  readonly overall: AccuracyFigures;
  readonly significant: AccuracyFigures;
  readonly byFinding: readonly FindingFigures[];
}

export interface DecisionMatchRate extends Interval, Linked<'matched' | 'n'> {
  readonly matched: number;
  readonly n: number;
  readonly reference: 'reference-standard';
  readonly codes: 'all' | 'significant';
}

/** An adjudicator's decisions, or a panelist's votes, and how they fared against the reference standard. */
export interface DecidingRoleFigures extends Linked<'decisions'> {
  readonly role: DecidingRole;
  /** Adjudications decided, or votes cast as panelist. */
  readonly decisions: number;
  readonly turnaround: Turnaround;
  readonly referenceStandard: {
    readonly overall: AccuracyFigures;
    readonly significant: AccuracyFigures;
    readonly byFinding: readonly FindingFigures[];
    readonly matched: DecisionMatchRate;
    readonly matchedOnSignificantCodes: DecisionMatchRate;
  };
}

export interface ReaderMetrics extends Linked<'reads' | 'comparedReads'> {
  readonly readerId: string;
  readonly reads: number;
  readonly comparedReads: number;
  readonly insufficientData: boolean;
  /** One entry per reference, reference-standard first. */
  readonly overall: readonly AccuracyFigures[];
  readonly byFinding: readonly FindingFigures[];
  readonly byBodyRegion: readonly BodyRegionFigures[];
  readonly byPeriod: readonly PeriodFigures[];
  readonly majorDiscordanceRate: DiscordanceRate;
  readonly adjudicationRate: AdjudicationRate;
  readonly adjudicatorAgreementRate: AdjudicatorAgreementRate;
  readonly readerDisagreementIndex: ReaderDisagreementIndex;
  readonly turnaround: Turnaround;
  readonly radpeer: RadpeerFigures;
  readonly funnel: Funnel;
  readonly unblinded: UnblindedFigures;
  /** `overall` on the significant codes only, one entry per reference. */
  readonly significant: readonly AccuracyFigures[];
  readonly adjudicatorAgreement: AdjudicatorAgreementFigures;
  readonly asAdjudicator: DecidingRoleFigures;
  readonly asPanelist: DecidingRoleFigures;
}

export interface PriorReportAuthorFigures {
  readonly author: string;
  readonly radpeer: { readonly received: RadpeerReceivedFigures };
}

export interface ReaderMetricsList {
  /** Every reader with an opinion or an adjudication in scope, by readerId. */
  readonly items: ReaderMetrics[];
  /** Every prior-report author scored in scope, by author. */
  readonly priorReportAuthors: PriorReportAuthorFigures[];
}

/** One unit behind a count: the case, and what in it was counted. */
export interface ReaderCase {
  readonly caseId: string;
  /** occurredAt of the request. */
  readonly requestedAt: string;
  readonly bodyRegion: string;
  readonly round?: number;
  readonly opinionId?: string;
  readonly code?: string;
  readonly score?: RadpeerScore;
  /** When the counted fact occurred: the opinion submitted, the adjudication decided. */
  readonly occurredAt?: string;
}

/** Where a page of units ends: units are ordered by request time, case id, then unit. */
export interface ReaderCasePosition {
  readonly requestedAt: string;
  readonly caseId: string;
  readonly unit: string;
}

export interface ReaderCasesPage {
  /** Every unit behind the count: equal to the count in the metrics of the same scope. */
  readonly total: number;
  readonly items: ReaderCase[];
  /** Absent on the last page. */
  readonly next?: ReaderCasePosition;
}

// Accumulation

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  uncertain: number;
}

type Outcome2x2 = keyof Counts;

const PAIR_MEASURE: Readonly<Record<Outcome2x2, CaseMeasure>> = {
  tp: 'true-positive',
  fp: 'false-positive',
  fn: 'false-negative',
  tn: 'true-negative',
  uncertain: 'uncertain',
};

const zeroCounts = (): Counts => ({ tp: 0, fp: 0, fn: 0, tn: 0, uncertain: 0 });

/** Counts by group value, then by reference. */
type Breakdown = Map<string, Map<Reference, Counts>>;

const OVERALL = '';

function bump(breakdown: Breakdown, group: string, reference: Reference, outcome: Outcome2x2): void {
  let byReference = breakdown.get(group);
  if (!byReference) breakdown.set(group, (byReference = new Map()));
  let counts = byReference.get(reference);
  if (!counts) byReference.set(reference, (counts = zeroCounts()));
  counts[outcome] += 1;
}

/** A unit being counted, with the key that orders it within its case. */
interface Unit extends ReaderCase {
  readonly key: string;
}

/** Receives each unit as it is counted; only set while listing one reader's units. */
type Collect = (counted: Counted, unit: Unit) => void;

/** The case being tallied. */
interface CaseContext {
  readonly metricsCase: MetricsCase;
  readonly period: string;
}

const unitOf = (context: CaseContext, key: string, detail: Omit<ReaderCase, keyof CaseFields>): Unit => ({
  caseId: context.metricsCase.caseId,
  requestedAt: context.metricsCase.occurredAt,
  bodyRegion: context.metricsCase.bodyRegion,
  ...detail,
  key,
});

type CaseFields = Pick<ReaderCase, 'caseId' | 'requestedAt' | 'bodyRegion'>;

/** A pool of compared findings: the opinions of a blinding, or the decisions of a role. */
interface AccuracyTally {
  /** What every count of this pool is counted as, besides its measure and reference. */
  readonly context: Pick<Counted, 'blinding' | 'role'>;
  opinions: number;
  comparedOpinionIds: Set<string>;
  overall: Breakdown;
  significant: Breakdown;
  byFinding: Breakdown;
  byBodyRegion: Breakdown;
  byPeriod: Breakdown;
  discordant: number;
  comparedWithConsensus: number;
}

const emptyAccuracyTally = (context: AccuracyTally['context']): AccuracyTally => ({
  context,
  opinions: 0,
  comparedOpinionIds: new Set(),
  overall: new Map(),
  significant: new Map(),
  byFinding: new Map(),
  byBodyRegion: new Map(),
  byPeriod: new Map(),
  discordant: 0,
  comparedWithConsensus: 0,
});

interface TurnaroundTally {
  seconds: number[];
  excluded: number;
  backfilled: number;
}

const emptyTurnaround = (): TurnaroundTally => ({ seconds: [], excluded: 0, backfilled: 0 });

interface DecidingTally {
  readonly role: DecidingRole;
  decisions: number;
  accuracy: AccuracyTally;
  matched: number;
  compared: number;
  matchedSignificant: number;
  comparedSignificant: number;
  turnaround: TurnaroundTally;
}

const emptyDecidingTally = (role: DecidingRole): DecidingTally => ({
  role,
  decisions: 0,
  accuracy: emptyAccuracyTally({ role }),
  matched: 0,
  compared: 0,
  matchedSignificant: 0,
  comparedSignificant: 0,
  turnaround: emptyTurnaround(),
});

interface ReceivedTally {
  counts: RadpeerCounts;
  pendingArbitration: number;
}

interface ReaderTally {
  /** Has an opinion or an adjudication in scope: one of the readers listed. */
  isReader: boolean;
  reads: number;
  accuracy: AccuracyTally;
  unblinded: AccuracyTally;
  againstAdjudicator: AccuracyTally;
  primaryReadsDecided: number;
  primaryReadsAdjudicated: number;
  adjudicationsInvolving: number;
  adjudicationsAgreeing: number;
  significantInvolving: number;
  significantAgreeing: number;
  primaryCases: Set<string>;
  disagreedCases: Set<string>;
  turnaround: TurnaroundTally;
  asAdjudicator: DecidingTally;
  asPanelist: DecidingTally;
  given: RadpeerCounts;
  received: ReceivedTally;
  receivedByInstitution: Map<string | null, ReceivedTally>;
  readonly collect?: Collect;
}

const zeroRadpeer = (): RadpeerCounts =>
  Object.fromEntries(RADPEER_SCORES.map((score) => [score, 0])) as RadpeerCounts;

const emptyReceived = (): ReceivedTally => ({ counts: zeroRadpeer(), pendingArbitration: 0 });

const emptyReaderTally = (collect?: Collect): ReaderTally => ({
  isReader: false,
  reads: 0,
  accuracy: emptyAccuracyTally({}),
  unblinded: emptyAccuracyTally({ blinding: 'unblinded' }),
  againstAdjudicator: emptyAccuracyTally({}),
  primaryReadsDecided: 0,
  primaryReadsAdjudicated: 0,
  adjudicationsInvolving: 0,
  adjudicationsAgreeing: 0,
  significantInvolving: 0,
  significantAgreeing: 0,
  primaryCases: new Set(),
  disagreedCases: new Set(),
  turnaround: emptyTurnaround(),
  asAdjudicator: emptyDecidingTally('adjudicator'),
  asPanelist: emptyDecidingTally('panelist'),
  given: zeroRadpeer(),
  received: emptyReceived(),
  receivedByInstitution: new Map(),
  ...(collect && { collect }),
});

const classify = (reader: Finding['presence'], reference: Finding['presence']): Outcome2x2 => {
  if (reader === 'uncertain' || reference === 'uncertain') return 'uncertain';
  if (reader === 'present') return reference === 'present' ? 'tp' : 'fp';
  return reference === 'present' ? 'fn' : 'tn';
};

interface Settings {
  readonly finding?: string;
  readonly minComparedReads: number;
  readonly includeUnblinded: boolean;
  readonly vocabulary: FindingVocabulary;
  readonly needsArbitration: readonly RadpeerScore[];
  readonly backfillThresholdMs: number;
  readonly link?: (subjectId: string, selector: CaseSelector) => string;
}

/** Findings being compared, and the unit each of their pairs extends. */
interface Compared {
  readonly findings: readonly Finding[];
  readonly unit: () => Unit;
}

/** Compares findings with one reference, pair by pair; true when at least one pair counted in n. */
function tallyPairs(
  tally: AccuracyTally,
  collect: Collect | undefined,
  subject: Compared,
  reference: Reference,
  referenceFindings: readonly Finding[],
  context: CaseContext,
  settings: Settings,
): boolean {
  let compared = false;
  for (const finding of subject.findings) {
    if (settings.finding !== undefined && finding.code !== settings.finding) continue;
    const truth = findingFor(referenceFindings, finding.code);
    if (!truth) continue;
    const outcome = classify(finding.presence, truth.presence);
    const significant = isSignificant(settings.vocabulary, finding.code);
    if (outcome !== 'uncertain') compared = true;
    bump(tally.overall, OVERALL, reference, outcome);
    if (significant) bump(tally.significant, OVERALL, reference, outcome);
    bump(tally.byFinding, finding.code, reference, outcome);
    bump(tally.byBodyRegion, context.metricsCase.bodyRegion, reference, outcome);
    bump(tally.byPeriod, context.period, reference, outcome);
    if (collect) {
      const base = subject.unit();
      const unit: Unit = { ...base, key: `${base.key}/${finding.code}`, code: finding.code };
      const measures =
        outcome === 'uncertain'
          ? [PAIR_MEASURE[outcome]]
          : [PAIR_MEASURE[outcome], 'compared-pairs' as const];
      for (const measure of measures) {
        collect({ measure, reference, ...tally.context }, unit);
        if (significant) collect({ measure, reference, ...tally.context, codes: 'significant' }, unit);
      }
    }
  }
  return compared;
}

const opinionUnit = (context: CaseContext, opinion: MetricsOpinion) => (): Unit =>
  unitOf(context, opinion.opinionId, {
    round: opinion.round,
    opinionId: opinion.opinionId,
    occurredAt: opinion.submittedAt,
  });

function tallyOpinionAccuracy(
  tally: AccuracyTally,
  collect: Collect | undefined,
  opinion: MetricsOpinion,
  context: CaseContext,
  settings: Settings,
): void {
  tally.opinions += 1;
  const { metricsCase } = context;
  const subject: Compared = { findings: opinion.findings, unit: opinionUnit(context, opinion) };
  let compared = false;
  if (metricsCase.referenceStandard) {
    const standard = metricsCase.referenceStandard.findings;
    if (tallyPairs(tally, collect, subject, 'reference-standard', standard, context, settings))
      compared = true;
  }
  if (metricsCase.consensus) {
    const consensus = metricsCase.consensus.findings;
    if (tallyPairs(tally, collect, subject, 'consensus', consensus, context, settings)) {
      compared = true;
      tally.comparedWithConsensus += 1;
      collect?.({ measure: 'compared-with-consensus', ...tally.context }, subject.unit());
      const discordant = opinion.findings.some((finding) => {
        if (settings.finding !== undefined && finding.code !== settings.finding) return false;
        if (!isSignificant(settings.vocabulary, finding.code)) return false;
        const final = findingFor(consensus, finding.code);
        return final !== undefined && disagree(finding.presence, final.presence);
      });
      if (discordant) {
        tally.discordant += 1;
        collect?.({ measure: 'major-discordance', ...tally.context }, subject.unit());
      }
    }
  }
  if (compared) {
    tally.comparedOpinionIds.add(opinion.opinionId);
    collect?.({ measure: 'compared-reads', ...tally.context }, subject.unit());
  }
}

/**
 * Equal presence on every code both assessed (of those `include` keeps): `match`; a code that
 * differs: `mismatch`; no such code: `none`.
 */
function comparison(
  left: readonly Finding[],
  right: readonly Finding[],
  include: (code: string) => boolean,
): 'match' | 'mismatch' | 'none' {
  let common = 0;
  for (const finding of left) {
    if (!include(finding.code)) continue;
    const other = findingFor(right, finding.code);
    if (!other) continue;
    if (other.presence !== finding.presence) return 'mismatch';
    common += 1;
  }
  return common > 0 ? 'match' : 'none';
}

const everyCode = (): boolean => true;

const disagreesOnSomeCode = (left: readonly Finding[], right: readonly Finding[]): boolean =>
  left.some((finding) => {
    const other = findingFor(right, finding.code);
    return other !== undefined && disagree(finding.presence, other.presence);
  });

function tallyAdjudicationFigures(
  tally: ReaderTally,
  opinion: MetricsOpinion,
  context: CaseContext,
  settings: Settings,
): void {
  if (opinion.role !== 'primary') return;
  const { collect } = tally;
  const { metricsCase } = context;
  const { caseId, consensus, wentToAdjudication, adjudications } = metricsCase;
  const opinionAsUnit = opinionUnit(context, opinion);
  const caseUnit = (): Unit => unitOf(context, 'case', { round: opinion.round });
  if (!tally.primaryCases.has(caseId)) {
    tally.primaryCases.add(caseId);
    collect?.({ measure: 'primary-case' }, caseUnit());
  }
  const escalated = wentToAdjudication.includes(opinion.round);
  if (escalated || (consensus !== undefined && consensus.round >= opinion.round)) {
    tally.primaryReadsDecided += 1;
    collect?.({ measure: 'decided-read' }, opinionAsUnit());
    if (escalated) {
      tally.primaryReadsAdjudicated += 1;
      collect?.({ measure: 'adjudicated-read' }, opinionAsUnit());
    }
  }
  const significant = (code: string): boolean => isSignificant(settings.vocabulary, code);
  for (const [index, adjudication] of adjudications.entries()) {
    if (adjudication.round !== opinion.round) continue;
    const unit = (): Unit => ({ ...opinionAsUnit(), key: `${opinion.opinionId}@adjudication-${index}` });
    tally.adjudicationsInvolving += 1;
    collect?.({ measure: 'adjudicator-compared' }, unit());
    const selected = adjudication.selectedOpinionId === opinion.opinionId;
    if (selected || comparison(opinion.findings, adjudication.findings, everyCode) === 'match') {
      tally.adjudicationsAgreeing += 1;
      collect?.({ measure: 'adjudicator-agreed' }, unit());
    }
    const onSignificant = comparison(opinion.findings, adjudication.findings, significant);
    if (onSignificant !== 'none') {
      tally.significantInvolving += 1;
      collect?.({ measure: 'adjudicator-compared', codes: 'significant' }, unit());
      if (selected || onSignificant === 'match') {
        tally.significantAgreeing += 1;
        collect?.({ measure: 'adjudicator-agreed', codes: 'significant' }, unit());
      }
    }
    if (!selected && disagreesOnSomeCode(opinion.findings, adjudication.findings)) {
      if (!tally.disagreedCases.has(caseId)) {
        tally.disagreedCases.add(caseId);
        collect?.({ measure: 'adjudicator-disagreed' }, caseUnit());
      }
    }
    const subject: Compared = { findings: opinion.findings, unit };
    tallyPairs(
      tally.againstAdjudicator,
      collect,
      subject,
      'adjudicator',
      adjudication.findings,
      context,
      settings,
    );
  }
}

/** One end of a span: when it occurred and, when known, when the store recorded it. */
interface SpanEnd {
  readonly at: string;
  readonly recordedAt?: string;
}

/** Recorded more than the threshold after it occurred: imported history, whose time was sent, not observed. */
function isBackfilled(end: SpanEnd, settings: Settings): boolean {
  if (end.recordedAt === undefined) return false;
  const lag = instantOf(end.recordedAt, 'recordedAt') - instantOf(end.at, 'occurredAt');
  return lag > settings.backfillThresholdMs;
}

function tallySpan(
  turnaround: TurnaroundTally,
  collect: Collect | undefined,
  role: DecidingRole | undefined,
  start: SpanEnd | undefined,
  end: SpanEnd | undefined,
  unit: () => Unit,
  settings: Settings,
): void {
  const counted = role === undefined ? {} : { role };
  const exclude = (backfilled: boolean): void => {
    turnaround.excluded += 1;
    collect?.({ measure: 'turnaround-excluded', ...counted }, unit());
    if (backfilled) {
      turnaround.backfilled += 1;
      collect?.({ measure: 'turnaround-backfilled', ...counted }, unit());
    }
  };
  if (start === undefined || end === undefined) return exclude(false);
  if (isBackfilled(start, settings) || isBackfilled(end, settings)) return exclude(true);
  const seconds = (instantOf(end.at, 'end of span') - instantOf(start.at, 'start of span')) / 1000;
  if (seconds < 0) return exclude(false);
  turnaround.seconds.push(seconds);
  collect?.({ measure: 'turnaround-timed', ...counted }, unit());
}

const spanEnd = (at: string | undefined, recordedAt: string | undefined): SpanEnd | undefined =>
  at === undefined ? undefined : { at, ...(recordedAt !== undefined && { recordedAt }) };

/** A decision (an adjudication, a panel vote) against the reference standard. */
function tallyDecision(
  deciding: DecidingTally,
  collect: Collect | undefined,
  subject: Compared,
  context: CaseContext,
  settings: Settings,
): void {
  const { role } = deciding;
  deciding.decisions += 1;
  collect?.({ measure: 'decisions', role }, subject.unit());
  const standard = context.metricsCase.referenceStandard?.findings;
  if (standard === undefined) return;
  tallyPairs(deciding.accuracy, collect, subject, 'reference-standard', standard, context, settings);
  const all = comparison(subject.findings, standard, everyCode);
  if (all !== 'none') {
    deciding.compared += 1;
    collect?.({ measure: 'decision-compared', role }, subject.unit());
    if (all === 'match') {
      deciding.matched += 1;
      collect?.({ measure: 'decision-matched', role }, subject.unit());
    }
  }
  const onSignificant = comparison(subject.findings, standard, (code) =>
    isSignificant(settings.vocabulary, code),
  );
  if (onSignificant !== 'none') {
    deciding.comparedSignificant += 1;
    collect?.({ measure: 'decision-compared', role, codes: 'significant' }, subject.unit());
    if (onSignificant === 'match') {
      deciding.matchedSignificant += 1;
      collect?.({ measure: 'decision-matched', role, codes: 'significant' }, subject.unit());
    }
  }
}

/** A score needing arbitration counts once its round went to adjudication and reached consensus. */
function isArbitrated(metricsCase: MetricsCase, round: number): boolean {
  const { consensus, wentToAdjudication } = metricsCase;
  return wentToAdjudication.includes(round) && consensus !== undefined && consensus.round >= round;
}

function tallyReceived(tally: ReceivedTally, score: RadpeerScore, counts: boolean): void {
  if (counts) tally.counts[score] += 1;
  else tally.pendingArbitration += 1;
}

function inScope(metricsCase: MetricsCase, options: ReaderMetricsOptions): boolean {
  if (options.bodyRegion !== undefined && metricsCase.bodyRegion !== options.bodyRegion) return false;
  if (options.period !== undefined && periodOf(metricsCase.occurredAt) !== options.period) return false;
  if (options.from === undefined && options.to === undefined) return true;
  const at = instantOf(metricsCase.occurredAt, `occurredAt of case ${metricsCase.caseId}`);
  if (options.from !== undefined && at < instantOf(options.from, 'from')) return false;
  if (options.to !== undefined && at >= instantOf(options.to, 'to')) return false;
  return true;
}

// Figures

/** The `cases` links of one subject's counts, when the options give a link builder. */
interface Linker {
  of<Count extends string>(selectors: Readonly<Record<Count, CaseSelector>>): Linked<Count>;
}

function linkerFor(subjectId: string, settings: Settings): Linker {
  const { link } = settings;
  return {
    of<Count extends string>(selectors: Readonly<Record<Count, CaseSelector>>): Linked<Count> {
      if (!link) return {};
      const entries = Object.entries<CaseSelector>(selectors).map(([count, selector]) => [
        count,
        link(subjectId, selector),
      ]);
      return { cases: Object.fromEntries(entries) as CaseLinks<Count> };
    },
  };
}

/** The selector of a figure's counts, less the measure: its pool and scope. */
type FigureSelector = Omit<CaseSelector, 'measure' | 'reference'>;

function figuresOf(
  reference: Reference,
  counts: Counts = zeroCounts(),
  links: Linker,
  selector: FigureSelector,
): AccuracyFigures {
  const { tp, fp, fn, tn, uncertain } = counts;
  const n = tp + fp + fn + tn;
  const pair = (measure: CaseMeasure): CaseSelector => ({ measure, reference, ...selector });
  return {
    reference,
    tp,
    fp,
    fn,
    tn,
    uncertain,
    n,
    agreement: wilsonInterval(tp + tn, n),
    sensitivity: wilsonInterval(tp, tp + fn),
    specificity: wilsonInterval(tn, tn + fp),
    kappa: cohensKappa({ tp, fp, fn, tn }),
    ...links.of({
      tp: pair('true-positive'),
      fp: pair('false-positive'),
      fn: pair('false-negative'),
      tn: pair('true-negative'),
      uncertain: pair('uncertain'),
      n: pair('compared-pairs'),
    }),
  };
}

const overallFigures = (
  tally: AccuracyTally,
  references: readonly Reference[],
  links: Linker,
  breakdown: 'overall' | 'significant' = 'overall',
): AccuracyFigures[] =>
  references.map((reference) =>
    figuresOf(reference, tally[breakdown].get(OVERALL)?.get(reference), links, {
      ...tally.context,
      ...(breakdown === 'significant' && { codes: 'significant' }),
    }),
  );

/** The scope parameter a breakdown's groups select. */
const BREAKDOWN_SCOPE = { code: 'finding', bodyRegion: 'bodyRegion', period: 'period' } as const;

/** Groups in code-point order of their value, each with the references it was compared against. */
function breakdownFigures<Key extends keyof typeof BREAKDOWN_SCOPE>(
  tally: AccuracyTally,
  breakdown: Breakdown,
  key: Key,
  links: Linker,
): (AccuracyFigures & Record<Key, string>)[] {
  return [...breakdown.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap((group) =>
      REFERENCES_IN_ORDER.flatMap((reference) => {
        const counts = breakdown.get(group)!.get(reference);
        if (!counts) return [];
        const scope = { ...tally.context, [BREAKDOWN_SCOPE[key]]: group };
        return [
          { [key]: group, ...figuresOf(reference, counts, links, scope) } as AccuracyFigures &
            Record<Key, string>,
        ];
      }),
    );
}

/** Every reference in the order breakdowns list them. */
const REFERENCES_IN_ORDER: readonly Reference[] = [...REFERENCES, 'adjudicator'];

/** A proportion: `x` of `n`, counted as `measures` (x's, then n's), both with the same pool `selector`. */
interface Proportion<Count extends string> {
  readonly count: Count;
  readonly x: number;
  readonly n: number;
  readonly measures: readonly [CaseMeasure, CaseMeasure];
  readonly selector?: Omit<Counted, 'measure'>;
}

type Rate<Count extends string, Labels> = Readonly<Record<Count | 'n', number>> &
  Labels &
  Interval &
  Linked<Count | 'n'>;

/** A rate figure: the proportion's two counts, its labels, its Wilson interval and its counts' links. */
function rate<Count extends string, const Labels extends object>(
  proportion: Proportion<Count>,
  labels: Labels,
  links: Linker,
): Rate<Count, Labels> {
  const { count, x, n, measures, selector } = proportion;
  const counted = { [count]: x } as Record<Count, number>;
  const selectors = {
    [count]: { measure: measures[0], ...selector },
    n: { measure: measures[1], ...selector },
  } as Record<Count | 'n', CaseSelector>;
  return { ...counted, n, ...labels, ...wilsonInterval(x, n), ...links.of(selectors) };
}

const discordanceRate = (tally: AccuracyTally, links: Linker): DiscordanceRate =>
  rate(
    {
      count: 'discordant',
      x: tally.discordant,
      n: tally.comparedWithConsensus,
      measures: ['major-discordance', 'compared-with-consensus'],
      selector: tally.context,
    },
    { reference: 'consensus' },
    links,
  );

const scaled = (interval: Interval, scale: number): Interval => ({
  value: interval.value === null ? null : interval.value * scale,
  low: interval.low === null ? null : interval.low * scale,
  high: interval.high === null ? null : interval.high * scale,
});

const scoreLinks = (
  measure: CaseMeasure,
  selector: Omit<CaseSelector, 'measure'>,
): Record<RadpeerScore, CaseSelector> =>
  Object.fromEntries(RADPEER_SCORES.map((score) => [score, { measure, ...selector, score }])) as Record<
    RadpeerScore,
    CaseSelector
  >;

function receivedFigures(tally: ReceivedTally, links: Linker, institution?: string | null): RadpeerReceived {
  const where = institution === undefined ? {} : { institution };
  return {
    counts: { ...tally.counts },
    n: RADPEER_SCORES.reduce((sum, score) => sum + tally.counts[score], 0),
    pendingArbitration: tally.pendingArbitration,
    ...links.of({
      ...scoreLinks('radpeer-received', where),
      n: { measure: 'radpeer-received', ...where },
      pendingArbitration: { measure: 'radpeer-pending', ...where },
    }),
  };
}

function receivedFiguresOf(tally: ReaderTally, links: Linker): RadpeerReceivedFigures {
  const byInstitution = [...tally.receivedByInstitution.entries()]
    .sort(([a], [b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
    .map(([institution, received]) => ({ institution, ...receivedFigures(received, links, institution) }));
  return { ...receivedFigures(tally.received, links), byInstitution };
}

function funnelFor(
  rate: DiscordanceRate,
  insufficientData: boolean,
  group: { x: number; n: number },
  links: Linker,
): Funnel {
  const groupMean = group.n === 0 ? null : group.x / group.n;
  const limits95 = groupMean === null ? null : funnelLimits(groupMean, rate.n, Z_95);
  const limits998 = groupMean === null ? null : funnelLimits(groupMean, rate.n, Z_998);
  const outlier =
    insufficientData || rate.value === null || groupMean === null
      ? null
      : outlierAt(rate.value, rate.n, groupMean);
  return {
    metric: 'major-discordance-rate',
    reference: 'consensus',
    value: rate.value,
    n: rate.n,
    groupMean,
    groupN: group.n,
    limits95,
    limits998,
    outlier,
    ...links.of({ n: { measure: 'compared-with-consensus' } }),
  };
}

function turnaroundFigures(tally: TurnaroundTally, links: Linker, role?: DecidingRole): Turnaround {
  const counted = role === undefined ? {} : { role };
  return {
    unit: 'seconds',
    n: tally.seconds.length,
    excluded: tally.excluded,
    backfilled: tally.backfilled,
    median: quantileInterval(tally.seconds, 0.5),
    p90: quantileInterval(tally.seconds, 0.9),
    ...links.of({
      n: { measure: 'turnaround-timed', ...counted },
      excluded: { measure: 'turnaround-excluded', ...counted },
      backfilled: { measure: 'turnaround-backfilled', ...counted },
    }),
  };
}

/**
 * A rate over every code both assessed (`all`) or only the significant ones: the label says which,
 * and so does the pool of its links (`codes=significant`).
 */
function rateOnCodes<Count extends string, const Labels extends { codes: 'all' | 'significant' }>(
  proportion: Proportion<Count>,
  labels: Labels,
  links: Linker,
): Rate<Count, Labels> {
  const { codes } = labels;
  const selector = { ...proportion.selector, ...(codes === 'significant' && { codes }) };
  return rate({ ...proportion, selector }, labels, links);
}

const decisionMatchRate = (
  matched: number,
  n: number,
  role: DecidingRole,
  codes: 'all' | 'significant',
  links: Linker,
): DecisionMatchRate =>
  rateOnCodes(
    {
      count: 'matched',
      x: matched,
      n,
      measures: ['decision-matched', 'decision-compared'],
      selector: { role },
    },
    { reference: 'reference-standard', codes },
    links,
  );

function decidingFigures(tally: DecidingTally, links: Linker): DecidingRoleFigures {
  const { role, accuracy } = tally;
  return {
    role,
    decisions: tally.decisions,
    turnaround: turnaroundFigures(tally.turnaround, links, role),
    referenceStandard: {
      overall: overallFigures(accuracy, ['reference-standard'], links)[0]!,
      significant: overallFigures(accuracy, ['reference-standard'], links, 'significant')[0]!,
      byFinding: breakdownFigures(accuracy, accuracy.byFinding, 'code', links),
      matched: decisionMatchRate(tally.matched, tally.compared, role, 'all', links),
      matchedOnSignificantCodes: decisionMatchRate(
        tally.matchedSignificant,
        tally.comparedSignificant,
        role,
        'significant',
        links,
      ),
    },
    ...links.of({ decisions: { measure: 'decisions', role } }),
  };
}

const adjudicatorAgreementRate = (
  agreed: number,
  n: number,
  codes: 'all' | 'significant',
  links: Linker,
): AdjudicatorAgreementRate =>
  rateOnCodes(
    { count: 'agreed', x: agreed, n, measures: ['adjudicator-agreed', 'adjudicator-compared'] },
    { reference: 'adjudicator', codes },
    links,
  );

function givenFigures(given: RadpeerCounts, links: Linker): RadpeerGiven {
  return {
    counts: { ...given },
    n: RADPEER_SCORES.reduce((sum, score) => sum + given[score], 0),
    ...links.of({ ...scoreLinks('radpeer-given', {}), n: { measure: 'radpeer-given' } }),
  };
}

function readerFigures(
  readerId: string,
  tally: ReaderTally,
  settings: Settings,
  group: { x: number; n: number },
): ReaderMetrics {
  const { accuracy, unblinded, againstAdjudicator } = tally;
  const links = linkerFor(readerId, settings);
  const comparedReads = accuracy.comparedOpinionIds.size;
  const insufficientData = comparedReads < settings.minComparedReads;
  const majorDiscordanceRate = discordanceRate(accuracy, links);
  const disagreement = wilsonInterval(tally.disagreedCases.size, tally.primaryCases.size);
  return {
    readerId,
    reads: tally.reads,
    comparedReads,
    insufficientData,
    overall: overallFigures(accuracy, REFERENCES, links),
    byFinding: breakdownFigures(accuracy, accuracy.byFinding, 'code', links),
    byBodyRegion: breakdownFigures(accuracy, accuracy.byBodyRegion, 'bodyRegion', links),
    byPeriod: breakdownFigures(accuracy, accuracy.byPeriod, 'period', links),
    majorDiscordanceRate,
    adjudicationRate: rate(
      {
        count: 'adjudicated',
        x: tally.primaryReadsAdjudicated,
        n: tally.primaryReadsDecided,
        measures: ['adjudicated-read', 'decided-read'],
      },
      { reference: null },
      links,
    ),
    adjudicatorAgreementRate: adjudicatorAgreementRate(
      tally.adjudicationsAgreeing,
      tally.adjudicationsInvolving,
      'all',
      links,
    ),
    readerDisagreementIndex: {
      disagreed: tally.disagreedCases.size,
      n: tally.primaryCases.size,
      scale: 100,
      reference: 'adjudicator',
      ...scaled(disagreement, 100),
      ...links.of({ disagreed: { measure: 'adjudicator-disagreed' }, n: { measure: 'primary-case' } }),
    },
    turnaround: turnaroundFigures(tally.turnaround, links),
    radpeer: { given: givenFigures(tally.given, links), received: receivedFiguresOf(tally, links) },
    funnel: funnelFor(majorDiscordanceRate, insufficientData, group, links),
    unblinded: {
      reads: unblinded.opinions,
      overall: overallFigures(unblinded, REFERENCES, links),
      byFinding: breakdownFigures(unblinded, unblinded.byFinding, 'code', links),
      majorDiscordanceRate: discordanceRate(unblinded, links),
      ...links.of({ reads: { measure: 'reads', blinding: 'unblinded' } }),
    },
    significant: overallFigures(accuracy, REFERENCES, links, 'significant'),
    adjudicatorAgreement: {
      reference: 'adjudicator',
      significantCodes: adjudicatorAgreementRate(
        tally.significantAgreeing,
        tally.significantInvolving,
        'significant',
        links,
      ),
      overall: overallFigures(againstAdjudicator, ['adjudicator'], links)[0]!,
      significant: overallFigures(againstAdjudicator, ['adjudicator'], links, 'significant')[0]!,
      byFinding: breakdownFigures(againstAdjudicator, againstAdjudicator.byFinding, 'code', links),
    },
    asAdjudicator: decidingFigures(tally.asAdjudicator, links),
    asPanelist: decidingFigures(tally.asPanelist, links),
    ...links.of({ reads: { measure: 'reads' }, comparedReads: { measure: 'compared-reads' } }),
  };
}

function settingsOf(options: ReaderMetricsOptions): Settings {
  const minComparedReads = options.minComparedReads ?? MINIMUM_COMPARED_READS;
  if (!Number.isInteger(minComparedReads) || minComparedReads < 0) {
    throw new RangeError(`minComparedReads must be a non-negative integer, got ${minComparedReads}.`);
  }
  const backfillThresholdHours =
    options.backfillThresholdHours ?? defaultCasePolicy.importedHistoryThresholdHours;
  if (!(backfillThresholdHours >= 0)) {
    throw new RangeError(
      `backfillThresholdHours must be a non-negative number, got ${backfillThresholdHours}.`,
    );
  }
  return {
    ...(options.finding !== undefined && { finding: options.finding }),
    minComparedReads,
    includeUnblinded: options.includeUnblinded ?? false,
    vocabulary: options.vocabulary ?? defaultCasePolicy.findingVocabulary,
    needsArbitration:
      options.radpeerScoresNeedingArbitration ?? defaultCasePolicy.radpeerScoresForcingAdjudication,
    backfillThresholdMs: backfillThresholdHours * 3_600_000,
    ...(options.link && { link: options.link }),
  };
}

/** The units of one subject's count, gathered while tallying. */
interface Collector {
  readonly subjectId: string;
  readonly key: string;
  readonly units: Unit[];
}

function tallyOpinion(
  tally: ReaderTally,
  opinion: MetricsOpinion,
  context: CaseContext,
  settings: Settings,
): void {
  const { collect } = tally;
  const unit = opinionUnit(context, opinion);
  tally.isReader = true;
  tally.reads += 1;
  collect?.({ measure: 'reads' }, unit());
  if (opinion.blinded || settings.includeUnblinded) {
    tallyOpinionAccuracy(tally.accuracy, collect, opinion, context, settings);
  }
  if (!opinion.blinded) {
    collect?.({ measure: 'reads', blinding: 'unblinded' }, unit());
    tallyOpinionAccuracy(tally.unblinded, collect, opinion, context, settings);
  }
  tallyAdjudicationFigures(tally, opinion, context, settings);
  const start = spanEnd(opinion.assignedAt, opinion.assignedRecordedAt);
  const end = spanEnd(opinion.submittedAt, opinion.submittedRecordedAt);
  tallySpan(tally.turnaround, collect, undefined, start, end, unit, settings);
  if (opinion.role === 'panelist') {
    tallySpan(tally.asPanelist.turnaround, collect, 'panelist', start, end, unit, settings);
    tallyDecision(tally.asPanelist, collect, { findings: opinion.findings, unit }, context, settings);
  }
}

function tallyAdjudication(
  tally: ReaderTally,
  adjudication: MetricsAdjudication,
  index: number,
  context: CaseContext,
  settings: Settings,
): void {
  const { collect } = tally;
  tally.isReader = true;
  const unit = (): Unit =>
    unitOf(context, `adjudication-${index}`, {
      round: adjudication.round,
      ...(adjudication.decidedAt !== undefined && { occurredAt: adjudication.decidedAt }),
    });
  const start = spanEnd(adjudication.assignedAt, adjudication.assignedRecordedAt);
  const end = spanEnd(adjudication.decidedAt, adjudication.decidedRecordedAt);
  tallySpan(tally.asAdjudicator.turnaround, collect, 'adjudicator', start, end, unit, settings);
  tallyDecision(tally.asAdjudicator, collect, { findings: adjudication.findings, unit }, context, settings);
}

function tallyScores(
  tallyOf: (subjectId: string) => ReaderTally,
  context: CaseContext,
  settings: Settings,
): void {
  const { metricsCase } = context;
  for (const [index, { readerId, round, score }] of metricsCase.priorReportScores.entries()) {
    const unit = (): Unit => unitOf(context, `score-${index}`, { round, score });
    const giver = tallyOf(readerId);
    giver.given[score] += 1;
    giver.collect?.({ measure: 'radpeer-given' }, unit());
    giver.collect?.({ measure: 'radpeer-given', score }, unit());
    const author = metricsCase.priorReport?.author;
    if (author === undefined) continue;
    const counts = !settings.needsArbitration.includes(score) || isArbitrated(metricsCase, round);
    const received = tallyOf(author);
    tallyReceived(received.received, score, counts);
    const institution = metricsCase.priorReport?.institution ?? null;
    let byInstitution = received.receivedByInstitution.get(institution);
    if (!byInstitution) received.receivedByInstitution.set(institution, (byInstitution = emptyReceived()));
    tallyReceived(byInstitution, score, counts);
    for (const where of [{}, { institution }]) {
      if (counts) {
        received.collect?.({ measure: 'radpeer-received', ...where }, unit());
        received.collect?.({ measure: 'radpeer-received', ...where, score }, unit());
      } else {
        received.collect?.({ measure: 'radpeer-pending', ...where }, unit());
      }
    }
  }
}

function tallyCases(
  cases: readonly MetricsCase[],
  options: ReaderMetricsOptions,
  settings: Settings,
  collector?: Collector,
): Map<string, ReaderTally> {
  const tallies = new Map<string, ReaderTally>();
  const collect: Collect | undefined =
    collector &&
    ((counted, unit) => {
      if (countKey(counted) === collector.key) collector.units.push(unit);
    });
  const tallyOf = (subjectId: string): ReaderTally => {
    let tally = tallies.get(subjectId);
    if (!tally) {
      tally = emptyReaderTally(subjectId === collector?.subjectId ? collect : undefined);
      tallies.set(subjectId, tally);
    }
    return tally;
  };
  for (const metricsCase of cases) {
    if (!inScope(metricsCase, options)) continue;
    const context: CaseContext = { metricsCase, period: periodOf(metricsCase.occurredAt) };
    for (const opinion of metricsCase.opinions)
      tallyOpinion(tallyOf(opinion.readerId), opinion, context, settings);
    for (const [index, adjudication] of metricsCase.adjudications.entries()) {
      tallyAdjudication(tallyOf(adjudication.adjudicatorId), adjudication, index, context, settings);
    }
    tallyScores(tallyOf, context, settings);
  }
  return tallies;
}

interface Computed {
  readonly settings: Settings;
  readonly tallies: Map<string, ReaderTally>;
  /** Major discordances and opinions compared with the consensus, over every reader: the funnel's centre. */
  readonly group: { x: number; n: number };
}

function compute(
  cases: readonly MetricsCase[],
  options: ReaderMetricsOptions,
  collector?: Collector,
): Computed {
  const settings = settingsOf(options);
  const tallies = tallyCases(cases, options, settings, collector);
  const group = { x: 0, n: 0 };
  for (const tally of tallies.values()) {
    group.x += tally.accuracy.discordant;
    group.n += tally.accuracy.comparedWithConsensus;
  }
  return { settings, tallies, group };
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every reader with an opinion or an adjudication in scope, sorted by readerId, and every
 * prior-report author scored in scope. Figures keep full precision: round with
 * `roundForResponse` when sending them.
 */
export function computeReaderMetrics(
  cases: readonly MetricsCase[],
  options: ReaderMetricsOptions = {},
): ReaderMetricsList {
  const { settings, tallies, group } = compute(cases, options);
  return listFigures(tallies, settings, group);
}

function listFigures(
  tallies: ReadonlyMap<string, ReaderTally>,
  settings: Settings,
  group: { x: number; n: number },
): ReaderMetricsList {
  const subjects = [...tallies.keys()].sort(byCodePoint);
  return {
    items: subjects
      .filter((subjectId) => tallies.get(subjectId)!.isReader)
      .map((readerId) => readerFigures(readerId, tallies.get(readerId)!, settings, group)),
    priorReportAuthors: subjects
      .filter((subjectId) => {
        const { received } = tallies.get(subjectId)!;
        return received.pendingArbitration > 0 || RADPEER_SCORES.some((score) => received.counts[score] > 0);
      })
      .map((author) => ({
        author,
        radpeer: { received: receivedFiguresOf(tallies.get(author)!, linkerFor(author, settings)) },
      })),
  };
}

/**
 * One reader's metrics, with the funnel drawn against every reader in scope. A reader with nothing
 * in scope gets the empty figures (reads 0, insufficient data): "read nothing here" is an answer.
 */
export function readerMetricsFor(
  readerId: string,
  cases: readonly MetricsCase[],
  options: ReaderMetricsOptions = {},
): ReaderMetrics {
  const { settings, tallies, group } = compute(cases, options);
  return readerFigures(readerId, tallies.get(readerId) ?? emptyReaderTally(), settings, group);
}

const positionOf = (unit: Unit): ReaderCasePosition => ({
  requestedAt: unit.requestedAt,
  caseId: unit.caseId,
  unit: unit.key,
});

function comparePositions(a: ReaderCasePosition, b: ReaderCasePosition): number {
  return (
    byCodePoint(a.requestedAt, b.requestedAt) ||
    byCodePoint(a.caseId, b.caseId) ||
    byCodePoint(a.unit, b.unit)
  );
}

/**
 * The units behind one count of a subject's metrics (a reader, or a prior-report author for the
 * RADPEER scores it received) in the same scope: tallied exactly as `computeReaderMetrics` tallies
 * them, ordered by request time, case and unit, one page after `after`.
 */
export function readerCasesFor(
  subjectId: string,
  cases: readonly MetricsCase[],
  counted: Counted,
  options: ReaderMetricsOptions = {},
  page: { readonly after?: ReaderCasePosition; readonly limit: number } = { limit: 50 },
): ReaderCasesPage {
  if (!Number.isInteger(page.limit) || page.limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${page.limit}.`);
  }
  const collector: Collector = { subjectId, key: countKey(counted), units: [] };
  compute(cases, options, collector);
  const units = collector.units.sort((a, b) => comparePositions(positionOf(a), positionOf(b)));
  const { after } = page;
  const start =
    after === undefined ? 0 : units.findIndex((unit) => comparePositions(positionOf(unit), after) > 0);
  const remaining = start < 0 ? [] : units.slice(start);
  const shown = remaining.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    total: units.length,
    items: shown.map(({ key: _key, ...item }) => item),
    ...(remaining.length > page.limit && last && { next: positionOf(last) }),
  };
}

// Pre-aggregation: a subject's tally as counts that add up case by case

/**
 * One subject's tally as named counts (each name a JSON array: the path of the count in the tally).
 * Every figure of the metrics is a function of sums of per-case counts — a set of opinions or cases
 * counts its members, each of which belongs to one case; a turnaround keeps a count per distinct
 * span in seconds — so the tally of any set of cases is the sum of the counts of its cases, and a
 * read model can keep those sums per (subject, finding, body region, day) instead of the cases.
 * Counts that are zero are left out.
 */
export type TallyCounts = Record<string, number>;

/**
 * The case policy a case's counts were tallied under: which codes are significant, and when a span
 * is imported history. Figures from counts are exact only for queries under the same basis.
 */
export interface CountsBasis {
  readonly vocabulary: FindingVocabulary;
  readonly backfillThresholdHours: number;
}

/** A case's counts: by finding filter ('' for none, else the code), then by subject. */
export type CaseCounts = Map<string, Map<string, TallyCounts>>;

/** The first element of every count that depends on the `finding` filter. */
const BY_FINDING = 'f';

const BREAKDOWNS = ['overall', 'significant', 'byFinding', 'byBodyRegion', 'byPeriod'] as const;
const OUTCOMES: readonly Outcome2x2[] = ['tp', 'fp', 'fn', 'tn', 'uncertain'];
const POOLS = ['accuracy', 'unblinded', 'againstAdjudicator', 'adjudicator', 'panelist'] as const;
type Pool = (typeof POOLS)[number];
const SCALARS = [
  'reads',
  'primaryReadsDecided',
  'primaryReadsAdjudicated',
  'adjudicationsInvolving',
  'adjudicationsAgreeing',
  'significantInvolving',
  'significantAgreeing',
] as const;
const DECIDING_COUNTS = [
  'decisions',
  'matched',
  'compared',
  'matchedSignificant',
  'comparedSignificant',
] as const;
const DECIDING_ROLES: readonly DecidingRole[] = ['adjudicator', 'panelist'];

function poolOf(tally: ReaderTally, pool: Pool): AccuracyTally {
  switch (pool) {
    case 'accuracy':
    case 'unblinded':
    case 'againstAdjudicator':
      return tally[pool];
    case 'adjudicator':
      return tally.asAdjudicator.accuracy;
    case 'panelist':
      return tally.asPanelist.accuracy;
    default:
      return assertNeverPool(pool);
  }
}

function assertNeverPool(pool: never): never {
  throw new Error(`Unknown accuracy pool: ${String(pool)}`);
}

const decidingOf = (tally: ReaderTally, role: DecidingRole): DecidingTally =>
  role === 'adjudicator' ? tally.asAdjudicator : tally.asPanelist;

const turnaroundOf = (tally: ReaderTally, role: DecidingRole | 'reader'): TurnaroundTally =>
  role === 'reader' ? tally.turnaround : decidingOf(tally, role).turnaround;

type CountPath = readonly (string | number | null)[];

function countsOfTally(tally: ReaderTally): TallyCounts {
  const counts: TallyCounts = {};
  const add = (path: CountPath, n: number): void => {
    if (n === 0) return;
    const key = JSON.stringify(path);
    counts[key] = (counts[key] ?? 0) + n;
  };
  add(['reader'], tally.isReader ? 1 : 0);
  for (const scalar of SCALARS) add([scalar], tally[scalar]);
  add(['primaryCases'], tally.primaryCases.size);
  add(['disagreedCases'], tally.disagreedCases.size);
  for (const name of POOLS) {
    const pool = poolOf(tally, name);
    add(['opinions', name], pool.opinions);
    add([BY_FINDING, 'compared', name], pool.comparedOpinionIds.size);
    add([BY_FINDING, 'discordant', name], pool.discordant);
    add([BY_FINDING, 'withConsensus', name], pool.comparedWithConsensus);
    for (const breakdown of BREAKDOWNS) {
      for (const [group, byReference] of pool[breakdown]) {
        for (const [reference, pairs] of byReference) {
          for (const outcome of OUTCOMES) {
            add([BY_FINDING, 'pairs', name, breakdown, group, reference, outcome], pairs[outcome]);
          }
        }
      }
    }
  }
  for (const role of ['reader', ...DECIDING_ROLES] as const) {
    const turnaround = turnaroundOf(tally, role);
    add(['excluded', role], turnaround.excluded);
    add(['backfilled', role], turnaround.backfilled);
    for (const seconds of turnaround.seconds) add(['seconds', role, seconds], 1);
  }
  for (const role of DECIDING_ROLES) {
    const deciding = decidingOf(tally, role);
    for (const count of DECIDING_COUNTS) add(['deciding', role, count], deciding[count]);
  }
  for (const score of RADPEER_SCORES) {
    add(['given', score], tally.given[score]);
    add(['received', score], tally.received.counts[score]);
  }
  add(['pending'], tally.received.pendingArbitration);
  for (const [institution, received] of tally.receivedByInstitution) {
    for (const score of RADPEER_SCORES) add(['institution', institution, score], received.counts[score]);
    add(['institutionPending', institution], received.pendingArbitration);
  }
  return counts;
}

/** A set known only by its size: the figures read no more of it, and its members may be thousands. */
class SetOfSize extends Set<string> {
  constructor(private readonly count: number) {
    super();
  }

  override get size(): number {
    return this.count;
  }
}

const setOfSize = (size: number): Set<string> => new SetOfSize(size);

function tallyOfCounts(counts: TallyCounts): ReaderTally {
  const tally = emptyReaderTally();
  const breakdownOf = (pool: AccuracyTally, breakdown: string): Breakdown =>
    pool[breakdown as (typeof BREAKDOWNS)[number]];
  for (const [key, n] of Object.entries(counts)) {
    if (n === 0) continue;
    const path = JSON.parse(key) as [string, ...(string | number | null)[]];
    const [first, second, third] = path;
    switch (first) {
      case 'reader':
        tally.isReader = true;
        break;
      case 'primaryCases':
        tally.primaryCases = setOfSize(n);
        break;
      case 'disagreedCases':
        tally.disagreedCases = setOfSize(n);
        break;
      case 'opinions':
        poolOf(tally, second as Pool).opinions = n;
        break;
      case BY_FINDING: {
        const pool = poolOf(tally, third as Pool);
        if (second === 'compared') pool.comparedOpinionIds = setOfSize(n);
        else if (second === 'discordant') pool.discordant = n;
        else if (second === 'withConsensus') pool.comparedWithConsensus = n;
        else {
          const [, , , breakdown, group, reference, outcome] = path as string[];
          const breakdownMap = breakdownOf(pool, breakdown!);
          let byReference = breakdownMap.get(group!);
          if (!byReference) breakdownMap.set(group!, (byReference = new Map()));
          let pairs = byReference.get(reference as Reference);
          if (!pairs) byReference.set(reference as Reference, (pairs = zeroCounts()));
          pairs[outcome as Outcome2x2] = n;
        }
        break;
      }
      case 'excluded':
        turnaroundOf(tally, second as DecidingRole | 'reader').excluded = n;
        break;
      case 'backfilled':
        turnaroundOf(tally, second as DecidingRole | 'reader').backfilled = n;
        break;
      case 'seconds': {
        const { seconds } = turnaroundOf(tally, second as DecidingRole | 'reader');
        for (let i = 0; i < n; i += 1) seconds.push(third as number);
        break;
      }
      case 'deciding':
        decidingOf(tally, second as DecidingRole)[third as (typeof DECIDING_COUNTS)[number]] = n;
        break;
      case 'given':
        tally.given[second as RadpeerScore] = n;
        break;
      case 'received':
        tally.received.counts[second as RadpeerScore] = n;
        break;
      case 'pending':
        tally.received.pendingArbitration = n;
        break;
      case 'institution':
      case 'institutionPending': {
        const institution = second as string | null;
        let received = tally.receivedByInstitution.get(institution);
        if (!received) tally.receivedByInstitution.set(institution, (received = emptyReceived()));
        if (first === 'institution') received.counts[third as RadpeerScore] = n;
        else received.pendingArbitration = n;
        break;
      }
      default:
        if ((SCALARS as readonly string[]).includes(first)) {
          tally[first as (typeof SCALARS)[number]] = n;
          break;
        }
        throw new RangeError(`Unknown reader metrics count: ${key}`);
    }
  }
  return tally;
}

/** Every finding code the case's readers and adjudicators assessed: the `finding` filters it counts under. */
function codesOf(metricsCase: MetricsCase): Set<string> {
  const codes = new Set<string>();
  for (const { findings } of [...metricsCase.opinions, ...metricsCase.adjudications]) {
    for (const { code } of findings) codes.add(code);
  }
  return codes;
}

/**
 * One case's counts under `basis`: with no finding filter (key ''), and for each code its readers
 * assessed, the counts that depend on the filter (the only ones a query with that filter takes from
 * there). Under any other code, those counts are zero.
 */
export function caseCounts(metricsCase: MetricsCase, basis: CountsBasis): CaseCounts {
  const result: CaseCounts = new Map();
  for (const finding of ['', ...[...codesOf(metricsCase)].sort(byCodePoint)]) {
    const options: ReaderMetricsOptions = { ...basis, ...(finding !== '' && { finding }) };
    const bySubject = new Map<string, TallyCounts>();
    for (const [subject, tally] of tallyCases([metricsCase], {}, settingsOf(options))) {
      const all = countsOfTally(tally);
      const kept =
        finding === ''
          ? all
          : Object.fromEntries(Object.entries(all).filter(([key]) => dependsOnFinding(key)));
      if (Object.keys(kept).length > 0) bySubject.set(subject, kept);
    }
    if (bySubject.size > 0) result.set(finding, bySubject);
  }
  return result;
}

const FINDING_PREFIX = `["${BY_FINDING}",`;
const dependsOnFinding = (key: string): boolean => key.startsWith(FINDING_PREFIX);

/** Adds `counts` into `into`, `sign` times (−1 takes a contribution back out); drops what reaches zero. */
export function addCounts(into: TallyCounts, counts: Readonly<TallyCounts>, sign: 1 | -1 = 1): void {
  for (const [key, n] of Object.entries(counts)) {
    const sum = (into[key] ?? 0) + sign * n;
    if (sum === 0) delete into[key];
    else into[key] = sum;
  }
}

/** Summed counts of one subject under one finding filter ('' for none). */
export interface SubjectCounts {
  readonly subject: string;
  readonly finding: string;
  readonly counts: Readonly<TallyCounts>;
}

/**
 * Each subject's counts for a query: with a `finding` filter, the counts that depend on it come
 * from that code's sums and the others from the unfiltered ones.
 */
export function countsForQuery(rows: Iterable<SubjectCounts>, finding?: string): Map<string, TallyCounts> {
  const bySubject = new Map<string, TallyCounts>();
  for (const row of rows) {
    let counts = bySubject.get(row.subject);
    if (!counts) bySubject.set(row.subject, (counts = {}));
    if (finding === undefined) {
      if (row.finding === '') addCounts(counts, row.counts);
      continue;
    }
    for (const [key, n] of Object.entries(row.counts)) {
      const wanted =
        row.finding === finding ? dependsOnFinding(key) : row.finding === '' && !dependsOnFinding(key);
      if (wanted) counts[key] = (counts[key] ?? 0) + n;
    }
  }
  return bySubject;
}

/** The counts behind the funnel's centre: major discordances and opinions compared with the consensus. */
export const FUNNEL_GROUP_COUNTS = {
  x: JSON.stringify([BY_FINDING, 'discordant', 'accuracy']),
  n: JSON.stringify([BY_FINDING, 'withConsensus', 'accuracy']),
} as const;

/** The funnel's centre from counts, over every subject. */
export function funnelGroupOf(counts: ReadonlyMap<string, TallyCounts>): { x: number; n: number } {
  const group = { x: 0, n: 0 };
  for (const subjectCounts of counts.values()) {
    group.x += subjectCounts[FUNNEL_GROUP_COUNTS.x] ?? 0;
    group.n += subjectCounts[FUNNEL_GROUP_COUNTS.n] ?? 0;
  }
  return group;
}

/**
 * `computeReaderMetrics` from each subject's summed counts (`countsForQuery`) of the cases in
 * scope, tallied under the same basis as `options` gives: the same figures, without the cases.
 */
export function readerMetricsFromCounts(
  counts: ReadonlyMap<string, TallyCounts>,
  options: ReaderMetricsOptions = {},
): ReaderMetricsList {
  const tallies = new Map(
    [...counts].map(([subject, subjectCounts]) => [subject, tallyOfCounts(subjectCounts)]),
  );
  return listFigures(tallies, settingsOf(options), funnelGroupOf(counts));
}

/**
 * `readerMetricsFor` from the reader's summed counts in scope (undefined: none) and the funnel's
 * centre over every subject in scope (`funnelGroupOf`), as `readerMetricsFromCounts`.
 */
export function oneReaderMetricsFromCounts(
  readerId: string,
  readerCounts: Readonly<TallyCounts> | undefined,
  group: { readonly x: number; readonly n: number },
  options: ReaderMetricsOptions = {},
): ReaderMetrics {
  const tally = readerCounts === undefined ? emptyReaderTally() : tallyOfCounts(readerCounts);
  return readerFigures(readerId, tally, settingsOf(options), { x: group.x, n: group.n });
}
