import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OBSERVATIONS } from './independent-labels.js';

/** mulberry32: a small seeded generator, so a generated study is the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(values: readonly T[], random: () => number): T[] {
  const copy = [...values];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

export interface GeneratedStudy {
  folder: string;
  studies: string[];
  /** Path of each file, by reader id (`groundtruth` for the consensus). */
  files: Record<string, string>;
}

/**
 * Writes a reader study in the CheXpert layout: `groundtruth.csv` at the top, readers in nested
 * folders (one as `<reader>_gt.csv`), seeded random 0/1 labels (readers: the consensus with a few
 * flipped), every file with its columns in
 * an order of its own (Study not always first) and its rows in an order of its own.
 */
export function generateReaderStudy(
  folder: string,
  { studies: count = 40, seed = 20_260_101, readers = ['r1', 'r2', 'r3'] } = {},
): GeneratedStudy {
  const random = seeded(seed);
  const studies = Array.from(
    { length: count },
    (_, index) => `Generated-v1/test/patient${1000 + index}/study1`,
  );
  const files: Record<string, string> = { groundtruth: join(folder, 'groundtruth.csv') };
  readers.forEach((readerId, index) => {
    files[readerId] =
      index === 0
        ? join(folder, 'readers', 'benchmark', `${readerId}.csv`)
        : index === 1
          ? join(folder, 'readers', 'panel', 'deep', `${readerId}_gt.csv`)
          : join(folder, `${readerId}.csv`);
  });
  // The consensus: each observation positive at a rate of its own (some rare, as in real labels).
  const truth = new Map(
    studies.map((study) => [
      study,
      new Map(OBSERVATIONS.map(([name], index) => [name, random() < 0.05 + (index % 5) * 0.1])),
    ]),
  );
  for (const [readerId, path] of Object.entries(files)) {
    // A reader is the consensus with a few labels flipped (2 to 7 in 100).
    const flips = readerId === 'groundtruth' ? 0 : 0.02 + random() * 0.05;
    const columns = shuffled(['Study', ...OBSERVATIONS.map(([name]) => name)], random);
    const rows = shuffled(studies, random).map((study) =>
      columns
        .map((column) => {
          if (column === 'Study') return study;
          const positive = truth.get(study)!.get(column)! !== random() < flips;
          return positive ? '1' : '0';
        })
        .join(','),
    );
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${[columns.join(','), ...rows].join('\n')}\n`);
  }
  return { folder, studies, files };
}
