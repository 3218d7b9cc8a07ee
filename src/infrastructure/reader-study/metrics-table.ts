import type { AccuracyFigures, ReaderMetrics, Reference } from '../../domain/metrics/reader-metrics.js';
import { CHEXPERT_OBSERVATIONS } from './reader-study.js';

const HEADER = [
  'reader',
  'reads',
  'observation',
  'TP',
  'FP',
  'FN',
  'TN',
  'sensitivity',
  'specificity',
  'kappa',
];
const RIGHT_ALIGNED = new Set(['reads', 'TP', 'FP', 'FN', 'TN', 'sensitivity', 'specificity', 'kappa']);

const decimal = (value: number | null): string => (value === null ? '—' : value.toFixed(4));

const row = (readerId: string, reads: number, label: string, figures: AccuracyFigures): string[] => [
  readerId,
  String(reads),
  label,
  String(figures.tp),
  String(figures.fp),
  String(figures.fn),
  String(figures.tn),
  decimal(figures.sensitivity.value),
  decimal(figures.specificity.value),
  decimal(figures.kappa),
];

/**
 * The per-reader table the import ends with: reads, and per observation TP/FP/FN/TN, sensitivity,
 * specificity and Cohen's kappa against one reference, then the reader's pooled figures ("all").
 */
export function metricsTable(
  metrics: readonly ReaderMetrics[],
  reference: Reference = 'reference-standard',
): string {
  const order = new Map<string, number>(CHEXPERT_OBSERVATIONS.map(([, code], index) => [code, index]));
  const rows: string[][] = [];
  for (const reader of metrics) {
    const findings = reader.byFinding
      .filter((figures) => figures.reference === reference)
      .sort(
        (a, b) =>
          (order.get(a.code) ?? order.size) - (order.get(b.code) ?? order.size) || (a.code < b.code ? -1 : 1),
      );
    if (findings.length === 0) continue;
    for (const figures of findings) rows.push(row(reader.readerId, reader.reads, figures.code, figures));
    const overall = reader.overall.find((figures) => figures.reference === reference);
    if (overall) rows.push(row(reader.readerId, reader.reads, 'all', overall));
  }
  if (rows.length === 0) return `No reader has opinions compared with the ${reference}.`;
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => cells[column]!.length)),
  );
  const format = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        RIGHT_ALIGNED.has(HEADER[column]!) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [format(HEADER), ...rows.map(format)].join('\n');
}
