import { query } from '../../api/client';
import { apiScope, type MetricsScope } from './metrics-scope';

/** GET /api/v1/metrics/funnel (docs/api.md "Funnel plot"), as the screen reads it. */

export const FUNNEL_MEASURES = ['major-discordance', 'sensitivity', 'specificity'] as const;
export type FunnelMeasure = (typeof FUNNEL_MEASURES)[number];

export const FUNNEL_REFERENCES = ['reference-standard', 'consensus'] as const;
export type FunnelReference = (typeof FUNNEL_REFERENCES)[number];

export type FunnelOutlier = 'above-99.8' | 'above-95' | 'below-95' | 'below-99.8' | null;

export interface FunnelPoint {
  readerId: string;
  n: number;
  numerator: number;
  rate: number | null;
  outlier: FunnelOutlier;
  insufficientData: boolean;
  comparedReads: number;
  cases?: string;
  reader?: string;
}

export interface FunnelLimits {
  n: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}

export interface FunnelPlotData {
  measure: FunnelMeasure;
  reference: FunnelReference;
  definition: string;
  groupRate: number | null;
  groupNumerator: number;
  groupDenominator: number;
  minimumN: number;
  points: FunnelPoint[];
  limits: FunnelLimits[];
}

interface MeasureWording {
  label: string;
  /** The x axis: what n counts. */
  volume: string;
  /** The numerator, plural ("major discordances"). */
  counted: string;
  /** Which way is worse: the committee's concern. */
  worse: 'higher' | 'lower';
  /** Major discordance is always against the consensus. */
  fixedReference?: FunnelReference;
}

export const MEASURES: Readonly<Record<FunnelMeasure, MeasureWording>> = {
  'major-discordance': {
    label: 'Major-discordance rate',
    volume: 'Opinions compared with the consensus (n)',
    counted: 'major discordances',
    worse: 'higher',
    fixedReference: 'consensus',
  },
  sensitivity: {
    label: 'Sensitivity',
    volume: 'Positive findings of the reference (n = TP + FN)',
    counted: 'true positives',
    worse: 'lower',
  },
  specificity: {
    label: 'Specificity',
    volume: 'Negative findings of the reference (n = TN + FP)',
    counted: 'true negatives',
    worse: 'lower',
  },
};

export const REFERENCE_LABELS: Readonly<Record<FunnelReference, string>> = {
  'reference-standard': 'Reference standard',
  consensus: 'Consensus',
};

export const isFunnelMeasure = (value: string | undefined): value is FunnelMeasure =>
  (FUNNEL_MEASURES as readonly string[]).includes(value ?? '');

export const isFunnelReference = (value: string | undefined): value is FunnelReference =>
  (FUNNEL_REFERENCES as readonly string[]).includes(value ?? '');

/** The reference a measure is computed against: its fixed one, else the one chosen, else the reference standard. */
export function referenceFor(measure: FunnelMeasure, chosen: string | undefined): FunnelReference {
  return MEASURES[measure].fixedReference ?? (isFunnelReference(chosen) ? chosen : 'reference-standard');
}

export function funnelPath(measure: FunnelMeasure, reference: FunnelReference, scope: MetricsScope): string {
  return `/api/v1/metrics/funnel${query({ measure, reference, ...apiScope(scope) })}`;
}

/** A funnel verdict in words and as a badge tone (null: within the limits). */
export function outlierWords(outlier: FunnelOutlier): { text: string; tone: string } {
  switch (outlier) {
    case 'above-99.8':
      return { text: 'Above the 99.8% limit', tone: 'alarm' };
    case 'below-99.8':
      return { text: 'Below the 99.8% limit', tone: 'alarm' };
    case 'above-95':
      return { text: 'Above the 95% limit', tone: 'warn' };
    case 'below-95':
      return { text: 'Below the 95% limit', tone: 'warn' };
    case null:
      return { text: 'Within the limits', tone: 'ok' };
    default: {
      const unknown: never = outlier;
      return { text: String(unknown), tone: 'neutral' };
    }
  }
}

/** Where a point stands, in words and as a badge tone. */
export function outlierStatus(point: FunnelPoint, minimumN: number): { text: string; tone: string } {
  if (point.insufficientData) return { text: `Not judged (n < ${minimumN})`, tone: 'neutral' };
  if (point.outlier === null && point.rate === null) return { text: 'Nothing compared', tone: 'neutral' };
  return outlierWords(point.outlier);
}

export type PointKind = 'within' | 'outside-95' | 'outside-99.8' | 'not-judged';

/** Which band a point falls in: what its mark, its order and the "outside the limits" list go by. */
export function kindOf(point: FunnelPoint): PointKind {
  if (point.insufficientData) return 'not-judged';
  if (point.outlier === 'above-99.8' || point.outlier === 'below-99.8') return 'outside-99.8';
  if (point.outlier === 'above-95' || point.outlier === 'below-95') return 'outside-95';
  return 'within';
}

export const isOutside = (point: FunnelPoint): boolean => {
  const kind = kindOf(point);
  return kind === 'outside-99.8' || kind === 'outside-95';
};

const KIND_ORDER: Readonly<Record<PointKind, number>> = {
  'outside-99.8': 0,
  'outside-95': 1,
  within: 2,
  'not-judged': 4,
};

/** Outside the 99.8% limits first, then the 95%, within, nothing compared, not judged; by reader id within each. */
const statusOrder = (point: FunnelPoint): number => {
  const kind = kindOf(point);
  return kind === 'within' && point.rate === null ? 3 : KIND_ORDER[kind];
};

export const byStatus = (points: readonly FunnelPoint[]): FunnelPoint[] =>
  [...points].sort((a, b) => statusOrder(a) - statusOrder(b) || a.readerId.localeCompare(b.readerId));
