import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState } from 'preact/hooks';
import { DataTable } from '../../ui/data-table';
import { formatRate } from '../../ui/format';
import { PlotFigure } from '../../ui/plot-figure';
import { readerHref } from '../reader/count-links';
import {
  type FunnelLimits,
  type FunnelPlotData,
  type FunnelPoint,
  MEASURES,
  type PointKind,
  REFERENCE_LABELS,
  isOutside,
  kindOf,
  outlierStatus,
} from './funnel.api';
import type { MetricsScope } from './metrics-scope';
import { withoutMarkLabels } from './plot-labels';

/** The marks' colours: the app's palette, dark enough on white (docs: colour is never the only cue). */
const COLOUR = {
  within: '#0b5cad',
  warn: '#8a4b00',
  alarm: '#a4161a',
  notJudged: '#5b6672',
  group: '#14324f',
  limit: '#4a5360',
  band95: '#dfe8f2',
  band998: '#f0f3f7',
} as const;

const HEIGHT = 440;

interface PointLink {
  point: FunnelPoint;
  left: number;
  top: number;
}

/** The limits at the first sampled n at or above `n` (the curves are sampled, not every n). */
const limitsAt = (limits: readonly FunnelLimits[], n: number): FunnelLimits | undefined =>
  limits.find((sample) => sample.n >= n) ?? limits.at(-1);

/** The y range: every point and the limits where the readers are, not the wide mouth at n = 1. */
function rateDomain(data: FunnelPlotData, plotted: readonly FunnelPoint[]): [number, number] {
  const rates = plotted.map((point) => point.rate ?? 0);
  const smallest = Math.max(5, Math.min(...plotted.map((point) => point.n)));
  const near = limitsAt(data.limits, smallest);
  const values = [...rates, ...(data.groupRate === null ? [] : [data.groupRate])];
  if (near) values.push(near.lower998, near.upper998);
  const low = Math.max(0, Math.min(...values) - 0.05);
  const high = Math.min(1, Math.max(...values) + 0.05);
  return [low, high > low ? high : low + 0.1];
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

function describe(data: FunnelPlotData, plotted: readonly FunnelPoint[]): string {
  const wording = MEASURES[data.measure];
  const outside = plotted.filter(isOutside);
  const notJudged = plotted.filter((point) => point.insufficientData).length;
  const who =
    outside.length === 0
      ? 'No reader is outside the control limits.'
      : `Outside the limits: ${outside
          .map(
            (point) =>
              `${point.readerId} (${formatRate(point.rate)} of ${point.n}, ${outlierStatus(point, data.minimumN).text.toLowerCase()})`,
          )
          .join('; ')}.`;
  return (
    `${wording.label} against the ${REFERENCE_LABELS[data.reference].toLowerCase()} for ${plotted.length} ` +
    `readers, by ${lowerFirst(wording.volume)}; group rate ${formatRate(data.groupRate)}. ${who}` +
    (notJudged > 0 ? ` ${notJudged} with fewer than ${data.minimumN} reads drawn hollow, not judged.` : '')
  );
}

function render(data: FunnelPlotData, plotted: readonly FunnelPoint[], width: number) {
  const wording = MEASURES[data.measure];
  // The API samples the limits 10% past the largest n: the axis ends where the curves do.
  const xMax = Math.max(data.limits.at(-1)?.n ?? 0, ...plotted.map((point) => point.n), 10);
  const last = data.limits.at(-1);
  const [yLow, yHigh] = rateDomain(data, plotted);
  // Each curve named at its right end, where it is inside the plotted range.
  const curveLabels = last
    ? [
        { y: last.upper998, text: '99.8%' },
        { y: last.upper95, text: '95%' },
        { y: last.lower95, text: '95%' },
        { y: last.lower998, text: '99.8%' },
      ].filter(({ y }) => y > yLow + 0.01 && y < yHigh - 0.005)
    : [];
  const ofKind = (kind: PointKind) => plotted.filter((point) => kindOf(point) === kind);
  const outside = plotted.filter(isOutside);
  return Plot.plot({
    width,
    height: HEIGHT,
    marginLeft: 56,
    marginRight: 64,
    marginBottom: 46,
    style: { fontSize: '13px', color: '#1b1f24' },
    x: { label: `${wording.volume} →`, labelAnchor: 'right', domain: [0, xMax], grid: true },
    y: { label: `↑ ${wording.label}`, domain: [yLow, yHigh], tickFormat: '.0%', grid: true },
    marks: [
      Plot.areaY(data.limits, { x: 'n', y1: 'lower998', y2: 'upper998', fill: COLOUR.band998, clip: true }),
      Plot.areaY(data.limits, { x: 'n', y1: 'lower95', y2: 'upper95', fill: COLOUR.band95, clip: true }),
      ...(['upper998', 'lower998'] as const).map((y) =>
        Plot.line(data.limits, { x: 'n', y, stroke: COLOUR.limit, strokeWidth: 1.5, clip: true }),
      ),
      ...(['upper95', 'lower95'] as const).map((y) =>
        Plot.line(data.limits, {
          x: 'n',
          y,
          stroke: COLOUR.limit,
          strokeWidth: 1.5,
          strokeDasharray: '6,4',
          clip: true,
        }),
      ),
      ...(data.groupRate === null
        ? []
        : [
            Plot.ruleY([data.groupRate], { stroke: COLOUR.group, strokeWidth: 2 }),
            Plot.text([data.groupRate], {
              y: (rate: number) => rate,
              frameAnchor: 'right',
              dx: -4,
              textAnchor: 'end',
              dy: -9,
              text: () => `group ${formatRate(data.groupRate)}`,
              fill: COLOUR.group,
              fontWeight: 600,
            }),
          ]),
      ...(last
        ? [
            Plot.text(curveLabels, {
              x: () => last.n,
              y: 'y',
              text: 'text',
              dx: 6,
              textAnchor: 'start',
              fill: COLOUR.limit,
            }),
          ]
        : []),
      Plot.dot(ofKind('not-judged'), {
        x: 'n',
        y: 'rate',
        r: 5,
        stroke: COLOUR.notJudged,
        strokeWidth: 1.5,
        fill: '#ffffff',
      }),
      Plot.dot(ofKind('within'), { x: 'n', y: 'rate', r: 5.5, fill: COLOUR.within, stroke: '#ffffff' }),
      Plot.dot(ofKind('outside-95'), {
        x: 'n',
        y: 'rate',
        r: 7,
        symbol: 'diamond',
        fill: COLOUR.warn,
        stroke: '#ffffff',
      }),
      Plot.dot(ofKind('outside-99.8'), {
        x: 'n',
        y: 'rate',
        r: 8,
        symbol: 'triangle',
        fill: COLOUR.alarm,
        stroke: '#ffffff',
      }),
      ...[
        { points: outside.filter((point) => (point.rate ?? 0) <= (yLow + yHigh) / 2), dy: -16 },
        { points: outside.filter((point) => (point.rate ?? 0) > (yLow + yHigh) / 2), dy: 20 },
      ].map(({ points, dy }) =>
        // Labelled above a mark in the lower half of the plot, below one in the upper half: never off the frame.
        Plot.text(points, {
          x: 'n',
          y: 'rate',
          text: 'readerId',
          dy,
          fontWeight: 700,
          fill: (point: FunnelPoint) => (kindOf(point) === 'outside-99.8' ? COLOUR.alarm : COLOUR.warn),
          stroke: '#ffffff',
          strokeWidth: 4,
          paintOrder: 'stroke',
        }),
      ),
    ],
  });
}

/** The limit curves' figures, sampled as the API gives them. */
function LimitsTable(props: { data: FunnelPlotData }) {
  return (
    <DataTable
      caption={`Control limits around the group rate ${formatRate(props.data.groupRate)}, by n`}
      rows={props.data.limits}
      rowKey={(sample) => String(sample.n)}
      columns={[
        { header: 'n', numeric: true, cell: (sample) => sample.n },
        { header: '95% lower', numeric: true, cell: (sample) => formatRate(sample.lower95) },
        { header: '95% upper', numeric: true, cell: (sample) => formatRate(sample.upper95) },
        { header: '99.8% lower', numeric: true, cell: (sample) => formatRate(sample.lower998) },
        { header: '99.8% upper', numeric: true, cell: (sample) => formatRate(sample.upper998) },
      ]}
      empty="No limits: nothing was compared in this scope."
    />
  );
}

/**
 * The funnel plot: one dot per reader at (n, rate), the group rate, the 95% and 99.8% control
 * limits as curves. Each dot is also a link to the reader (an <a> laid over it at the position the
 * plot's scales give), so that the plot can be used with the keyboard.
 */
export function FunnelChart(props: { data: FunnelPlotData; scope: MetricsScope }) {
  const { data, scope } = props;
  const wrapper = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [links, setLinks] = useState<PointLink[]>([]);
  const plotted = data.points.filter((point) => point.rate !== null && point.n > 0);

  useEffect(() => {
    const canvas = wrapper.current?.querySelector('.chart-canvas');
    if (!canvas) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);

  const draw = () => {
    const canvas = wrapper.current?.querySelector('.chart-canvas');
    const drawn = Math.max(320, Math.floor(canvas?.clientWidth || width || 760));
    const plot = withoutMarkLabels(render(data, plotted, drawn));
    const x = plot.scale('x');
    const y = plot.scale('y');
    setLinks(
      x && y
        ? plotted.map((point) => ({
            point,
            left: x.apply(point.n) as number,
            top: y.apply(point.rate) as number,
          }))
        : [],
    );
    return plot;
  };

  return (
    <div ref={wrapper} class="funnel-chart">
      <PlotFigure
        title={`${MEASURES[data.measure].label}: funnel plot`}
        description={describe(data, plotted)}
        render={draw}
        deps={[data, width]}
        table={<LimitsTable data={data} />}
        overlay={
          <div class="funnel-points">
            {links.map(({ point, left, top }) => {
              const status = outlierStatus(point, data.minimumN);
              const name = `Reader ${point.readerId}: ${formatRate(point.rate)}, ${point.numerator} of ${point.n}; ${status.text.toLowerCase()}`;
              return (
                <a
                  key={point.readerId}
                  class={`funnel-point ${kindOf(point)}`}
                  href={readerHref(point.readerId, scope)}
                  style={{ left: `${left}px`, top: `${top}px` }}
                  aria-label={name}
                  title={name}
                />
              );
            })}
          </div>
        }
      />
      <FunnelLegend minimumN={data.minimumN} />
    </div>
  );
}

/** The key to the marks, in words and the same shapes: colour is never the only cue. */
function FunnelLegend(props: { minimumN: number }) {
  const symbol = (shape: string) => (
    <svg width="18" height="18" viewBox="-9 -9 18 18" aria-hidden="true" focusable="false">
      {shape === 'line' && <line x1="-8" x2="8" y1="0" y2="0" stroke={COLOUR.group} stroke-width="2" />}
      {shape === 'dashed' && (
        <line x1="-8" x2="8" y1="0" y2="0" stroke={COLOUR.limit} stroke-width="1.5" stroke-dasharray="4,3" />
      )}
      {shape === 'solid' && <line x1="-8" x2="8" y1="0" y2="0" stroke={COLOUR.limit} stroke-width="1.5" />}
      {shape === 'within' && <circle r="5" fill={COLOUR.within} />}
      {shape === 'hollow' && <circle r="5" fill="#ffffff" stroke={COLOUR.notJudged} stroke-width="1.5" />}
      {shape === 'diamond' && <path d="M0,-7L7,0L0,7L-7,0Z" fill={COLOUR.warn} />}
      {shape === 'triangle' && <path d="M0,-7L7,6L-7,6Z" fill={COLOUR.alarm} />}
    </svg>
  );
  return (
    <div class="funnel-key">
      <ul aria-label="Key to the funnel plot">
        <li>{symbol('line')} Group rate (all readers pooled)</li>
        <li>{symbol('dashed')} 95% control limits</li>
        <li>{symbol('solid')} 99.8% control limits</li>
        <li>{symbol('within')} Reader within the limits</li>
        <li>{symbol('diamond')} Outside the 95% limits (labelled)</li>
        <li>{symbol('triangle')} Outside the 99.8% limits (labelled)</li>
        <li>
          {symbol('hollow')} Fewer than {props.minimumN} reads: not judged
        </li>
      </ul>
      <p class="hint">
        <strong>Minimum-n rule:</strong> a reader with fewer than {props.minimumN} compared reads in this
        scope is drawn hollow and never marked an outlier: with so few reads, chance alone moves the rate that
        far. The limits narrow as n grows: a point outside them is unlikely to be chance (1 in 20 for 95%, 1
        in 500 for 99.8%).
      </p>
    </div>
  );
}
