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
  cohensKappa,
  funnelLimits,
  quantileInterval,
  wilsonInterval,
  Z_95,
  Z_998,
  type Interval,
  type Limits,
} from './statistics.js';
import { instantOf, periodOf } from './time.js';

/**
 * Per-reader accuracy metrics (docs/projections.md "Radiologist accuracy metrics"), computed from the
 * facts of each case. A projection keeps one `MetricsCase` per case (see metrics-case.ts, which
 * folds them from the case's events) and calls `computeReaderMetrics` when asked.
 *
 * Conventions where the spec is silent, each chosen so that a figure means one thing:
 * - Unit of accuracy: one (opinion, finding code) pair that the reader and the reference both
 *   assessed. Present/absent on both sides → TP/FP/FN/TN; `uncertain` on either side → `uncertain`
 *   (reported, never in n). A code only one side lists is "not assessed" and not counted.
 * - References: the current (latest-round) consensus, and the latest reference standard where one
 *   exists (also on cases without consensus: the truth does not need one). Opinions of earlier
 *   rounds count against the current consensus too: the question is whether the reader was right.
 * - Accuracy and major discordance use blinded opinions only unless `includeUnblinded`; unblinded
 *   opinions (unblinded primaries, panelists) are reported apart in `unblinded`. Reads, turnaround,
 *   the adjudication figures and RADPEER count every opinion.
 * - Compared reads: opinions with at least one code counted in n against either reference.
 * - Major discordance: an opinion compared with the consensus that disagrees with it (present
 *   against absent) on at least one significant code, over the opinions compared with the consensus.
 * - Adjudication rate: over R's primary reads in rounds already decided (escalated, or a consensus
 *   of that round or a later one); a round still being read has not had the chance to escalate.
 * - Adjudicator agreement: the adjudicator selected R's opinion, or its findings equal R's on every
 *   code both assessed (at least one). Disagreement (RDI): not selected and present against absent
 *   on at least one code both assessed. RDI is per 100 cases R read as primary (`scale: 100`).
 * - RADPEER received: a score in `radpeerScoresNeedingArbitration` (ACR: 2b, 3a, 3b) counts only
 *   once its round went to adjudication and reached consensus; until then it is `pendingArbitration`.
 * - Turnaround: seconds from ReaderAssigned to OpinionSubmitted; median and 90th percentile by
 *   type-7 interpolation with distribution-free 95% order-statistic intervals. A missing or
 *   negative span (inconsistent imported times) is left out and counted in `excluded`.
 * - Period: the UTC year-month of the request's occurredAt. `from` is inclusive, `to` exclusive.
 * - Funnel: group mean = all major discordances / all opinions compared, over every reader with
 *   data; readers with insufficient data get limits but are never marked (they are not ranked).
 */

export const REFERENCES = ['reference-standard', 'consensus'] as const;
export type Reference = (typeof REFERENCES)[number];

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
  /** occurredAt of the OpinionSubmitted. */
  readonly submittedAt: string;
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
  /** Fewer compared reads → `insufficientData`, not ranked, never marked an outlier. Default 30. */
  readonly minComparedReads?: number;
  /** Pool unblinded opinions into accuracy too (they are always reported apart). Default false. */
  readonly includeUnblinded?: boolean;
  readonly vocabulary?: FindingVocabulary;
  readonly radpeerScoresNeedingArbitration?: readonly RadpeerScore[];
}

// Output: the response shape of docs/projections.md

export interface AccuracyFigures {
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

export interface DiscordanceRate extends Interval {
  readonly discordant: number;
  readonly n: number;
}
export interface AdjudicationRate extends Interval {
  readonly adjudicated: number;
  readonly n: number;
}
export interface AdjudicatorAgreementRate extends Interval {
  readonly agreed: number;
  readonly n: number;
}
/** value, low and high are per 100 cases. */
export interface ReaderDisagreementIndex extends Interval {
  readonly disagreed: number;
  readonly n: number;
  readonly scale: 100;
}

export interface Turnaround {
  readonly unit: 'seconds';
  readonly n: number;
  readonly excluded: number;
  readonly median: Interval;
  readonly p90: Interval;
}

export type RadpeerCounts = Record<RadpeerScore, number>;

export interface RadpeerReceived {
  readonly counts: RadpeerCounts;
  readonly n: number;
  readonly pendingArbitration: number;
}

export interface RadpeerFigures {
  readonly given: { readonly counts: RadpeerCounts; readonly n: number };
  readonly received: RadpeerReceived & {
    readonly byInstitution: readonly (RadpeerReceived & { readonly institution: string | null })[];
  };
}

export type FunnelOutlier = 'above-99.8' | 'above-95' | 'below-95' | 'below-99.8' | null;

export interface Funnel {
  readonly metric: 'major-discordance-rate';
  readonly value: number | null;
  readonly n: number;
  readonly groupMean: number | null;
  /** Opinions behind the group mean, over all readers. */
  readonly groupN: number;
  readonly limits95: Limits | null;
  readonly limits998: Limits | null;
  readonly outlier: FunnelOutlier;
}

export interface UnblindedFigures {
  readonly reads: number;
  readonly overall: readonly AccuracyFigures[];
  readonly byFinding: readonly FindingFigures[];
  readonly majorDiscordanceRate: DiscordanceRate;
}

export interface ReaderMetrics {
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

interface AccuracyTally {
  opinions: number;
  comparedOpinionIds: Set<string>;
  overall: Breakdown;
  byFinding: Breakdown;
  byBodyRegion: Breakdown;
  byPeriod: Breakdown;
  discordant: number;
  comparedWithConsensus: number;
}

const emptyAccuracyTally = (): AccuracyTally => ({
  opinions: 0,
  comparedOpinionIds: new Set(),
  overall: new Map(),
  byFinding: new Map(),
  byBodyRegion: new Map(),
  byPeriod: new Map(),
  discordant: 0,
  comparedWithConsensus: 0,
});

interface ReceivedTally {
  counts: RadpeerCounts;
  pendingArbitration: number;
}

interface ReaderTally {
  reads: number;
  accuracy: AccuracyTally;
  unblinded: AccuracyTally;
  primaryReadsDecided: number;
  primaryReadsAdjudicated: number;
  adjudicationsInvolving: number;
  adjudicationsAgreeing: number;
  primaryCases: Set<string>;
  disagreedCases: Set<string>;
  turnaroundSeconds: number[];
  turnaroundExcluded: number;
  given: RadpeerCounts;
  received: ReceivedTally;
  receivedByInstitution: Map<string | null, ReceivedTally>;
}

const zeroRadpeer = (): RadpeerCounts =>
  Object.fromEntries(RADPEER_SCORES.map((score) => [score, 0])) as RadpeerCounts;

const emptyReceived = (): ReceivedTally => ({ counts: zeroRadpeer(), pendingArbitration: 0 });

const emptyReaderTally = (): ReaderTally => ({
  reads: 0,
  accuracy: emptyAccuracyTally(),
  unblinded: emptyAccuracyTally(),
  primaryReadsDecided: 0,
  primaryReadsAdjudicated: 0,
  adjudicationsInvolving: 0,
  adjudicationsAgreeing: 0,
  primaryCases: new Set(),
  disagreedCases: new Set(),
  turnaroundSeconds: [],
  turnaroundExcluded: 0,
  given: zeroRadpeer(),
  received: emptyReceived(),
  receivedByInstitution: new Map(),
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
}

/** Compares one opinion with one reference; true when at least one code counted in n. */
function tallyAgainst(
  tally: AccuracyTally,
  opinion: MetricsOpinion,
  reference: Reference,
  referenceFindings: readonly Finding[],
  groups: { bodyRegion: string; period: string },
  settings: Settings,
): boolean {
  let compared = false;
  for (const finding of opinion.findings) {
    if (settings.finding !== undefined && finding.code !== settings.finding) continue;
    const truth = findingFor(referenceFindings, finding.code);
    if (!truth) continue;
    const outcome = classify(finding.presence, truth.presence);
    if (outcome !== 'uncertain') compared = true;
    bump(tally.overall, OVERALL, reference, outcome);
    bump(tally.byFinding, finding.code, reference, outcome);
    bump(tally.byBodyRegion, groups.bodyRegion, reference, outcome);
    bump(tally.byPeriod, groups.period, reference, outcome);
  }
  return compared;
}

function tallyOpinionAccuracy(
  tally: AccuracyTally,
  opinion: MetricsOpinion,
  metricsCase: MetricsCase,
  period: string,
  settings: Settings,
): void {
  tally.opinions += 1;
  const groups = { bodyRegion: metricsCase.bodyRegion, period };
  if (metricsCase.referenceStandard) {
    const standard = metricsCase.referenceStandard.findings;
    if (tallyAgainst(tally, opinion, 'reference-standard', standard, groups, settings)) {
      tally.comparedOpinionIds.add(opinion.opinionId);
    }
  }
  if (metricsCase.consensus) {
    const consensus = metricsCase.consensus.findings;
    if (tallyAgainst(tally, opinion, 'consensus', consensus, groups, settings)) {
      tally.comparedOpinionIds.add(opinion.opinionId);
      tally.comparedWithConsensus += 1;
      const discordant = opinion.findings.some((finding) => {
        if (settings.finding !== undefined && finding.code !== settings.finding) return false;
        if (!isSignificant(settings.vocabulary, finding.code)) return false;
        const final = findingFor(consensus, finding.code);
        return final !== undefined && disagree(finding.presence, final.presence);
      });
      if (discordant) tally.discordant += 1;
    }
  }
}

/** Equal presence on every code both assessed, and at least one such code. */
function matchesOnCommonCodes(left: readonly Finding[], right: readonly Finding[]): boolean {
  let common = 0;
  for (const finding of left) {
    const other = findingFor(right, finding.code);
    if (!other) continue;
    if (other.presence !== finding.presence) return false;
    common += 1;
  }
  return common > 0;
}

const disagreesOnSomeCode = (left: readonly Finding[], right: readonly Finding[]): boolean =>
  left.some((finding) => {
    const other = findingFor(right, finding.code);
    return other !== undefined && disagree(finding.presence, other.presence);
  });

function tallyAdjudicationFigures(
  tally: ReaderTally,
  opinion: MetricsOpinion,
  metricsCase: MetricsCase,
): void {
  if (opinion.role !== 'primary') return;
  const { consensus, wentToAdjudication, adjudications } = metricsCase;
  tally.primaryCases.add(metricsCase.caseId);
  const escalated = wentToAdjudication.includes(opinion.round);
  if (escalated || (consensus !== undefined && consensus.round >= opinion.round)) {
    tally.primaryReadsDecided += 1;
    if (escalated) tally.primaryReadsAdjudicated += 1;
  }
  for (const adjudication of adjudications) {
    if (adjudication.round !== opinion.round) continue;
    tally.adjudicationsInvolving += 1;
    const selected = adjudication.selectedOpinionId === opinion.opinionId;
    if (selected || matchesOnCommonCodes(opinion.findings, adjudication.findings)) {
      tally.adjudicationsAgreeing += 1;
    }
    if (!selected && disagreesOnSomeCode(opinion.findings, adjudication.findings)) {
      tally.disagreedCases.add(metricsCase.caseId);
    }
  }
}

function tallyTurnaround(tally: ReaderTally, opinion: MetricsOpinion): void {
  if (opinion.assignedAt === undefined) {
    tally.turnaroundExcluded += 1;
    return;
  }
  const seconds =
    (instantOf(opinion.submittedAt, 'submittedAt') - instantOf(opinion.assignedAt, 'assignedAt')) / 1000;
  if (seconds < 0) tally.turnaroundExcluded += 1;
  else tally.turnaroundSeconds.push(seconds);
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
  if (options.from === undefined && options.to === undefined) return true;
  const at = instantOf(metricsCase.occurredAt, `occurredAt of case ${metricsCase.caseId}`);
  if (options.from !== undefined && at < instantOf(options.from, 'from')) return false;
  if (options.to !== undefined && at >= instantOf(options.to, 'to')) return false;
  return true;
}

// Figures

function figuresOf(reference: Reference, counts: Counts = zeroCounts()): AccuracyFigures {
  const { tp, fp, fn, tn, uncertain } = counts;
  const n = tp + fp + fn + tn;
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
  };
}

const overallFigures = (tally: AccuracyTally): AccuracyFigures[] =>
  REFERENCES.map((reference) => figuresOf(reference, tally.overall.get(OVERALL)?.get(reference)));

/** Groups in code-point order of their value, each with the references it was compared against. */
function breakdownFigures<Key extends string>(
  breakdown: Breakdown,
  key: Key,
): (AccuracyFigures & Record<Key, string>)[] {
  return [...breakdown.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap((group) =>
      REFERENCES.flatMap((reference) => {
        const counts = breakdown.get(group)!.get(reference);
        return counts
          ? [{ [key]: group, ...figuresOf(reference, counts) } as AccuracyFigures & Record<Key, string>]
          : [];
      }),
    );
}

const discordanceRate = (tally: AccuracyTally): DiscordanceRate => ({
  discordant: tally.discordant,
  n: tally.comparedWithConsensus,
  ...wilsonInterval(tally.discordant, tally.comparedWithConsensus),
});

const scaled = (interval: Interval, scale: number): Interval => ({
  value: interval.value === null ? null : interval.value * scale,
  low: interval.low === null ? null : interval.low * scale,
  high: interval.high === null ? null : interval.high * scale,
});

const receivedFigures = (tally: ReceivedTally): RadpeerReceived => ({
  counts: { ...tally.counts },
  n: RADPEER_SCORES.reduce((sum, score) => sum + tally.counts[score], 0),
  pendingArbitration: tally.pendingArbitration,
});

function funnelFor(
  rate: DiscordanceRate,
  insufficientData: boolean,
  group: { x: number; n: number },
): Funnel {
  const groupMean = group.n === 0 ? null : group.x / group.n;
  const limits95 = groupMean === null ? null : funnelLimits(groupMean, rate.n, Z_95);
  const limits998 = groupMean === null ? null : funnelLimits(groupMean, rate.n, Z_998);
  let outlier: FunnelOutlier = null;
  if (!insufficientData && rate.value !== null && limits95 && limits998) {
    if (rate.value > limits998.high) outlier = 'above-99.8';
    else if (rate.value > limits95.high) outlier = 'above-95';
    else if (rate.value < limits998.low) outlier = 'below-99.8';
    else if (rate.value < limits95.low) outlier = 'below-95';
  }
  return {
    metric: 'major-discordance-rate',
    value: rate.value,
    n: rate.n,
    groupMean,
    groupN: group.n,
    limits95,
    limits998,
    outlier,
  };
}

function readerFigures(
  readerId: string,
  tally: ReaderTally,
  settings: Settings,
  group: { x: number; n: number },
): ReaderMetrics {
  const { accuracy, unblinded } = tally;
  const comparedReads = accuracy.comparedOpinionIds.size;
  const insufficientData = comparedReads < settings.minComparedReads;
  const majorDiscordanceRate = discordanceRate(accuracy);
  const disagreement = wilsonInterval(tally.disagreedCases.size, tally.primaryCases.size);
  const byInstitution = [...tally.receivedByInstitution.entries()]
    .sort(([a], [b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
    .map(([institution, received]) => ({ institution, ...receivedFigures(received) }));
  return {
    readerId,
    reads: tally.reads,
    comparedReads,
    insufficientData,
    overall: overallFigures(accuracy),
    byFinding: breakdownFigures(accuracy.byFinding, 'code'),
    byBodyRegion: breakdownFigures(accuracy.byBodyRegion, 'bodyRegion'),
    byPeriod: breakdownFigures(accuracy.byPeriod, 'period'),
    majorDiscordanceRate,
    adjudicationRate: {
      adjudicated: tally.primaryReadsAdjudicated,
      n: tally.primaryReadsDecided,
      ...wilsonInterval(tally.primaryReadsAdjudicated, tally.primaryReadsDecided),
    },
    adjudicatorAgreementRate: {
      agreed: tally.adjudicationsAgreeing,
      n: tally.adjudicationsInvolving,
      ...wilsonInterval(tally.adjudicationsAgreeing, tally.adjudicationsInvolving),
    },
    readerDisagreementIndex: {
      disagreed: tally.disagreedCases.size,
      n: tally.primaryCases.size,
      scale: 100,
      ...scaled(disagreement, 100),
    },
    turnaround: {
      unit: 'seconds',
      n: tally.turnaroundSeconds.length,
      excluded: tally.turnaroundExcluded,
      median: quantileInterval(tally.turnaroundSeconds, 0.5),
      p90: quantileInterval(tally.turnaroundSeconds, 0.9),
    },
    radpeer: {
      given: {
        counts: { ...tally.given },
        n: RADPEER_SCORES.reduce((sum, score) => sum + tally.given[score], 0),
      },
      received: { ...receivedFigures(tally.received), byInstitution },
    },
    funnel: funnelFor(majorDiscordanceRate, insufficientData, group),
    unblinded: {
      reads: unblinded.opinions,
      overall: overallFigures(unblinded),
      byFinding: breakdownFigures(unblinded.byFinding, 'code'),
      majorDiscordanceRate: discordanceRate(unblinded),
    },
  };
}

function settingsOf(options: ReaderMetricsOptions): Settings {
  const minComparedReads = options.minComparedReads ?? 30;
  if (!Number.isInteger(minComparedReads) || minComparedReads < 0) {
    throw new RangeError(`minComparedReads must be a non-negative integer, got ${minComparedReads}.`);
  }
  return {
    ...(options.finding !== undefined && { finding: options.finding }),
    minComparedReads,
    includeUnblinded: options.includeUnblinded ?? false,
    vocabulary: options.vocabulary ?? defaultCasePolicy.findingVocabulary,
    needsArbitration:
      options.radpeerScoresNeedingArbitration ?? defaultCasePolicy.radpeerScoresForcingAdjudication,
  };
}

function tallyCases(
  cases: readonly MetricsCase[],
  options: ReaderMetricsOptions,
  settings: Settings,
): Map<string, ReaderTally> {
  const tallies = new Map<string, ReaderTally>();
  const tallyOf = (readerId: string): ReaderTally => {
    let tally = tallies.get(readerId);
    if (!tally) tallies.set(readerId, (tally = emptyReaderTally()));
    return tally;
  };
  for (const metricsCase of cases) {
    if (!inScope(metricsCase, options)) continue;
    const period = periodOf(metricsCase.occurredAt);
    for (const opinion of metricsCase.opinions) {
      const tally = tallyOf(opinion.readerId);
      tally.reads += 1;
      if (opinion.blinded || settings.includeUnblinded) {
        tallyOpinionAccuracy(tally.accuracy, opinion, metricsCase, period, settings);
      }
      if (!opinion.blinded) tallyOpinionAccuracy(tally.unblinded, opinion, metricsCase, period, settings);
      tallyAdjudicationFigures(tally, opinion, metricsCase);
      tallyTurnaround(tally, opinion);
    }
    for (const { readerId, round, score } of metricsCase.priorReportScores) {
      tallyOf(readerId).given[score] += 1;
      const author = metricsCase.priorReport?.author;
      if (author === undefined) continue;
      const counts = !settings.needsArbitration.includes(score) || isArbitrated(metricsCase, round);
      const received = tallyOf(author);
      tallyReceived(received.received, score, counts);
      const institution = metricsCase.priorReport?.institution ?? null;
      let byInstitution = received.receivedByInstitution.get(institution);
      if (!byInstitution) received.receivedByInstitution.set(institution, (byInstitution = emptyReceived()));
      tallyReceived(byInstitution, score, counts);
    }
  }
  return tallies;
}

interface Computed {
  readonly settings: Settings;
  readonly tallies: Map<string, ReaderTally>;
  /** Major discordances and opinions compared with the consensus, over every reader: the funnel's centre. */
  readonly group: { x: number; n: number };
}

function compute(cases: readonly MetricsCase[], options: ReaderMetricsOptions): Computed {
  const settings = settingsOf(options);
  const tallies = tallyCases(cases, options, settings);
  const group = { x: 0, n: 0 };
  for (const tally of tallies.values()) {
    group.x += tally.accuracy.discordant;
    group.n += tally.accuracy.comparedWithConsensus;
  }
  return { settings, tallies, group };
}

/**
 * Every reader with an opinion in scope, and every prior-report author scored in scope, sorted by
 * readerId. Figures keep full precision: round with `roundForResponse` when sending them.
 */
export function computeReaderMetrics(
  cases: readonly MetricsCase[],
  options: ReaderMetricsOptions = {},
): { items: ReaderMetrics[] } {
  const { settings, tallies, group } = compute(cases, options);
  const readerIds = [...tallies.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    items: readerIds.map((readerId) => readerFigures(readerId, tallies.get(readerId)!, settings, group)),
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
