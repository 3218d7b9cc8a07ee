import { readFileSync } from 'node:fs';

/**
 * The test's own reading of a reader study, independent of the import's code: a plain CSV split
 * (the label files hold no quoted fields), columns by header name, rows by `Study`, and the
 * textbook 2×2 statistics.
 */

export const OBSERVATIONS: ReadonlyArray<readonly [name: string, code: string]> = [
  ['No Finding', 'no-finding'],
  ['Enlarged Cardiomediastinum', 'enlarged-cardiomediastinum'],
  ['Cardiomegaly', 'cardiomegaly'],
  ['Lung Opacity', 'lung-opacity'],
  ['Lung Lesion', 'lung-lesion'],
  ['Edema', 'edema'],
  ['Consolidation', 'consolidation'],
  ['Pneumonia', 'pneumonia'],
  ['Atelectasis', 'atelectasis'],
  ['Pneumothorax', 'pneumothorax'],
  ['Pleural Effusion', 'pleural-effusion'],
  ['Pleural Other', 'pleural-other'],
  ['Fracture', 'fracture'],
  ['Support Devices', 'support-devices'],
];

export type Labels = Map<string, Record<string, string>>;

export function readLabels(path: string): Labels {
  const lines = readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  if (lines.some((line) => line.includes('"'))) throw new Error(`${path}: quoted fields are not expected`);
  const header = lines[0]!.split(',').map((cell) => cell.trim());
  const labels: Labels = new Map();
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map((cell) => cell.trim());
    const row = Object.fromEntries(header.map((name, index) => [name, cells[index] ?? '']));
    labels.set(row.Study!, row);
  }
  return labels;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** The reader against the reference on one observation, over the reference's studies. */
export function countsOf(reader: Labels, reference: Labels, observation: string): Counts {
  const counts: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const [study, truth] of reference) {
    const said = reader.get(study)![observation] === '1';
    const is = truth[observation] === '1';
    if (said && is) counts.tp += 1;
    else if (said) counts.fp += 1;
    else if (is) counts.fn += 1;
    else counts.tn += 1;
  }
  return counts;
}

/** Sensitivity TP/(TP+FN), specificity TN/(TN+FP), Cohen's kappa (pₒ−pₑ)/(1−pₑ); null when undefined. */
export function textbook({ tp, fp, fn, tn }: Counts): {
  sensitivity: number | null;
  specificity: number | null;
  kappa: number | null;
} {
  const n = tp + fp + fn + tn;
  const observed = (tp + tn) / n;
  const expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n);
  return {
    sensitivity: tp + fn === 0 ? null : tp / (tp + fn),
    specificity: tn + fp === 0 ? null : tn / (tn + fp),
    kappa: expected === 1 ? null : (observed - expected) / (1 - expected),
  };
}

/** Codes the engine's default vocabulary calls significant (domain.md). */
export const SIGNIFICANT = new Set([
  'lung-lesion',
  'edema',
  'consolidation',
  'pneumonia',
  'pneumothorax',
  'pleural-effusion',
  'fracture',
]);

/** Studies where two readers say 1 against 0 on a significant observation: the ones that go to adjudication. */
export function disagreeingStudies(first: Labels, second: Labels): string[] {
  const significant = OBSERVATIONS.filter(([, code]) => SIGNIFICANT.has(code)).map(([name]) => name);
  return [...first.keys()].filter((study) =>
    significant.some((name) => {
      const a = first.get(study)![name];
      const b = second.get(study)![name];
      return (a === '1' && b === '0') || (a === '0' && b === '1');
    }),
  );
}

/**
 * How many of `studies` the reader labelled exactly as the reference on every observation, or on
 * every significant one when `significantOnly`: a decision that "matched".
 */
export function matchingStudies(
  reader: Labels,
  reference: Labels,
  studies: readonly string[],
  significantOnly = false,
): number {
  const names = OBSERVATIONS.filter(([, code]) => !significantOnly || SIGNIFICANT.has(code)).map(
    ([name]) => name,
  );
  return studies.filter((study) =>
    names.every((name) => (reader.get(study)![name] === '1') === (reference.get(study)![name] === '1')),
  ).length;
}
