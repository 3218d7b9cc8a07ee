import { query } from '../../api/client';
import { apiScope, type MetricsScope } from '../readers/metrics-scope';
import type { FunnelOutlier } from '../readers/funnel.api';

/**
 * GET /api/v1/metrics/readers/{readerId} and its drill-down, as the reader screen reads them
 * (docs/domain.md "Reader metrics"; only the parts the screen shows).
 */

/** A rate with its 95% Wilson interval; null when n = 0. */
export interface Interval {
  value: number | null;
  low: number | null;
  high: number | null;
}

export type Links = Readonly<Record<string, string>>;

export interface AccuracyFigures {
  reference: string;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  uncertain: number;
  n: number;
  agreement: Interval;
  sensitivity: Interval;
  specificity: Interval;
  kappa: number | null;
  cases?: Links;
}

export interface FindingFigures extends AccuracyFigures {
  code: string;
}

export interface PeriodFigures extends AccuracyFigures {
  period: string;
}

export interface CountedRate extends Interval {
  n: number;
  cases?: Links;
}

export interface Turnaround {
  unit: 'seconds';
  n: number;
  excluded: number;
  backfilled: number;
  median: Interval;
  p90: Interval;
  cases?: Links;
}

export const RADPEER_SCORES = ['1', '2a', '2b', '3a', '3b'] as const;
export type RadpeerScore = (typeof RADPEER_SCORES)[number];

export interface RadpeerReceived {
  counts: Record<RadpeerScore, number>;
  n: number;
  pendingArbitration: number;
  cases?: Links;
}

export interface RadpeerGiven {
  counts: Record<RadpeerScore, number>;
  n: number;
  cases?: Links;
}

export interface ReaderFunnel {
  value: number | null;
  n: number;
  groupMean: number | null;
  outlier: FunnelOutlier;
}

export interface ReaderMetrics {
  readerId: string;
  reads: number;
  comparedReads: number;
  insufficientData: boolean;
  overall: AccuracyFigures[];
  byFinding: FindingFigures[];
  byPeriod: PeriodFigures[];
  majorDiscordanceRate: CountedRate & { discordant: number };
  adjudicationRate: CountedRate & { adjudicated: number };
  adjudicatorAgreementRate: CountedRate & { agreed: number };
  turnaround: Turnaround;
  radpeer: {
    given: RadpeerGiven;
    received: RadpeerReceived & { byInstitution: Array<RadpeerReceived & { institution: string | null }> };
  };
  funnel: ReaderFunnel;
  cases?: Links;
}

export interface ReaderCase {
  caseId: string;
  requestedAt: string;
  bodyRegion: string;
  round?: number;
  opinionId?: string;
  code?: string;
  score?: string;
  occurredAt?: string;
}

export interface ReaderCasesPage {
  readerId: string;
  count: Record<string, unknown>;
  total: number;
  items: ReaderCase[];
  nextCursor?: string;
}

export const readerMetricsPath = (readerId: string, scope: MetricsScope): string =>
  `/api/v1/metrics/readers/${encodeURIComponent(readerId)}${query(apiScope(scope))}`;

export const REFERENCE_NAMES: Readonly<Record<string, string>> = {
  'reference-standard': 'the reference standard',
  consensus: 'the consensus',
  adjudicator: 'the adjudication',
};
