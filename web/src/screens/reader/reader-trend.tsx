import * as Plot from '@observablehq/plot';
import { DataTable } from '../../ui/data-table';
import { formatRate } from '../../ui/format';
import { PlotFigure } from '../../ui/plot-figure';
import { type MetricsScope, periodLabel } from '../readers/metrics-scope';
import { withoutMarkLabels } from '../readers/plot-labels';
import { accuracyColumns } from './accuracy-tables';
import { type PeriodFigures, REFERENCE_NAMES } from './reader-metrics.api';

const MEASURES = [
  { key: 'sensitivity', label: 'Sensitivity' },
  { key: 'specificity', label: 'Specificity' },
] as const;

interface TrendPoint {
  month: Date;
  period: string;
  measure: string;
  against: string;
  value: number;
  low: number | null;
  high: number | null;
}

const monthOf = (period: string): Date => new Date(`${period}-01T00:00:00Z`);

function trendPoints(byPeriod: readonly PeriodFigures[]): TrendPoint[] {
  return byPeriod.flatMap((figures) =>
    MEASURES.flatMap(({ key, label }) => {
      const rate = figures[key];
      if (rate.value === null) return [];
      return [
        {
          month: monthOf(figures.period),
          period: figures.period,
          measure: label,
          against: `vs ${REFERENCE_NAMES[figures.reference] ?? figures.reference}`,
          value: rate.value,
          low: rate.low,
          high: rate.high,
        },
      ];
    }),
  );
}

function describe(points: readonly TrendPoint[], periods: readonly string[]): string {
  if (points.length === 0) return 'No month in scope has a compared pair.';
  const span =
    periods.length === 1
      ? `one month, ${periodLabel(periods[0]!)}`
      : `${periods.length} months, ${periodLabel(periods[0]!)} to ${periodLabel(periods.at(-1)!)}`;
  const latest = points.filter((point) => point.period === periods.at(-1));
  return (
    `Sensitivity and specificity by month over ${span}, with 95% intervals. Latest month: ` +
    latest
      .map((point) => `${point.measure.toLowerCase()} ${point.against} ${formatRate(point.value)}`)
      .join(', ') +
    '.'
  );
}

/**
 * The reader's sensitivity and specificity month by month, against each reference, with their
 * 95% intervals; the table gives every count, linked to its cases.
 */
export function ReaderTrend(props: { byPeriod: readonly PeriodFigures[]; scope: MetricsScope }) {
  const points = trendPoints(props.byPeriod);
  const periods = [...new Set(props.byPeriod.map((figures) => figures.period))].sort();
  const rows = [...props.byPeriod].sort(
    (a, b) => a.period.localeCompare(b.period) || a.reference.localeCompare(b.reference),
  );
  return (
    <div class="reader-trend">
      <PlotFigure
        title="Trend by month"
        description={describe(points, periods)}
        deps={[props.byPeriod]}
        render={() =>
          withoutMarkLabels(
            Plot.plot({
              width: 1180,
              height: 260,
              marginLeft: 52,
              marginRight: 20,
              marginTop: 28,
              style: { fontSize: '13px', color: '#1b1f24' },
              fx: { label: null, padding: 0.08 },
              x: {
                type: 'utc',
                label: null,
                tickFormat: '%b %Y',
                ticks: periods.length <= 6 ? periods.map(monthOf) : 6,
                inset: 24,
              },
              y: { domain: [0, 1], tickFormat: '.0%', label: '↑ Rate', grid: true },
              color: { range: ['#0b5cad', '#a04d00', '#2f6b3a'] },
              // Coloured shapes: the reference is told by shape as well as colour.
              symbol: { legend: true },
              marks: [
                Plot.frame({ stroke: '#c9d1d9' }),
                Plot.ruleX(points, {
                  fx: 'measure',
                  x: 'month',
                  y1: 'low',
                  y2: 'high',
                  stroke: 'against',
                  strokeOpacity: 0.6,
                }),
                Plot.line(points, {
                  fx: 'measure',
                  x: 'month',
                  y: 'value',
                  z: 'against',
                  stroke: 'against',
                  strokeWidth: 2,
                }),
                Plot.dot(points, {
                  fx: 'measure',
                  x: 'month',
                  y: 'value',
                  stroke: 'against',
                  fill: 'against',
                  symbol: 'against',
                  r: 4,
                }),
              ],
            }),
          )
        }
        table={
          <DataTable
            caption="Accuracy by month"
            rows={rows}
            rowKey={(row) => `${row.period}:${row.reference}`}
            columns={accuracyColumns<PeriodFigures>(
              props.scope,
              {
                header: 'Month',
                cell: (row) =>
                  `${periodLabel(row.period)}, vs ${REFERENCE_NAMES[row.reference] ?? row.reference}`,
              },
              (row) =>
                `${periodLabel(row.period)}, against ${REFERENCE_NAMES[row.reference] ?? row.reference}`,
            )}
            empty="No month in scope has a compared pair."
          />
        }
      />
    </div>
  );
}
