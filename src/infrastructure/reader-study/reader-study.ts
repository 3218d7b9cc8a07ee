import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Finding } from '../../domain/case/findings.js';

/**
 * A reader study in the CheXpert test-set layout: a consensus CSV (`groundtruth.csv`) and one CSV
 * per reader (`<reader>.csv` or `<reader>_gt.csv`), anywhere under one folder. Every file has a
 * `Study` column and the 14 CheXpert observations, in an order of its own: columns are always
 * found by header name and rows joined on `Study`, never by position.
 */

/** The 14 CheXpert observations and the engine's finding codes for them. */
export const CHEXPERT_OBSERVATIONS = [
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
] as const;

export type ObservationCode = (typeof CHEXPERT_OBSERVATIONS)[number][1];

export const STUDY_COLUMN = 'Study';
export const CONSENSUS_FILE = 'groundtruth.csv';

/** 1 → present, 0 → absent (as the labels are given; 1.0/0.0 read the same); -1 → uncertain; empty → not assessed. */
const PRESENCE_OF: Record<string, Finding['presence']> = {
  '1': 'present',
  '1.0': 'present',
  '0': 'absent',
  '0.0': 'absent',
  '-1': 'uncertain',
  '-1.0': 'uncertain',
};

export class ReaderStudyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReaderStudyError';
  }
}

/** One labelled file: findings per study, in the order of CHEXPERT_OBSERVATIONS. */
export interface LabelFile {
  readonly path: string;
  readonly findings: ReadonlyMap<string, readonly Finding[]>;
}

/** Parses one label file; every problem names the file, and the row and column where it is. */
export function parseLabels(text: string, path: string): LabelFile {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (error) {
    throw new ReaderStudyError(`${path}: not a readable CSV file (${(error as Error).message})`);
  }
  const [header, ...records] = rows;
  if (!header) throw new ReaderStudyError(`${path}: the file is empty`);
  const columnOf = (name: string): number => {
    const at = header.flatMap((column, index) => (column === name ? [index] : []));
    if (at.length === 0) throw new ReaderStudyError(`${path}: the header has no "${name}" column`);
    if (at.length > 1) throw new ReaderStudyError(`${path}: the header has "${name}" ${at.length} times`);
    return at[0]!;
  };
  const studyColumn = columnOf(STUDY_COLUMN);
  const columns = CHEXPERT_OBSERVATIONS.map(([name, code]) => ({ name, code, index: columnOf(name) }));
  const findings = new Map<string, Finding[]>();
  records.forEach((record, index) => {
    const line = index + 2;
    const study = record[studyColumn] ?? '';
    if (study === '') throw new ReaderStudyError(`${path}: row ${line} has no Study`);
    if (findings.has(study))
      throw new ReaderStudyError(`${path}: study ${study} appears twice (row ${line})`);
    findings.set(
      study,
      columns.flatMap(({ name, code, index: column }) => {
        const value = record[column] ?? '';
        if (value === '') return [];
        const presence = PRESENCE_OF[value];
        if (!presence) {
          throw new ReaderStudyError(
            `${path}: row ${line}, column "${name}": "${value}" is not 1, 0, -1 or empty`,
          );
        }
        return [{ code, presence }];
      }),
    );
  });
  return { path, findings };
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The one file under `folder` with one of the names; absent or ambiguous → an error naming them. */
function oneFile(files: readonly string[], folder: string, names: readonly string[], what: string): string {
  const found = files.filter((file) => names.includes(basename(file)));
  if (found.length === 0) {
    throw new ReaderStudyError(`No ${what} under ${folder}: looked for a file named ${names.join(' or ')}`);
  }
  if (found.length > 1) {
    throw new ReaderStudyError(
      `More than one ${what} under ${folder}: ${found.map((file) => relative(folder, file)).join(', ')}`,
    );
  }
  return found[0]!;
}

/** Everything one import needs: the consensus and each named reader's labels, joined on Study. */
export interface ReaderStudy {
  readonly folder: string;
  /** Every study of the consensus file, in its row order. */
  readonly studies: readonly string[];
  readonly reference: LabelFile;
  readonly readers: ReadonlyMap<string, LabelFile>;
}

import { ACTOR_ID_PATTERN as READER_ID } from '../../domain/kernel/identifiers.js';

/**
 * Finds `groundtruth.csv` and `<reader>.csv` / `<reader>_gt.csv` for each reader, recursively,
 * parses them and checks that every reader labelled every study of the consensus.
 */
export async function loadReaderStudy(folder: string, readerIds: readonly string[]): Promise<ReaderStudy> {
  const files = await filesUnder(folder).catch((error: unknown) => {
    throw new ReaderStudyError(`Cannot read the folder ${folder}: ${(error as Error).message}`);
  });
  const load = async (path: string): Promise<LabelFile> => parseLabels(await readFile(path, 'utf8'), path);
  const reference = await load(oneFile(files, folder, [CONSENSUS_FILE], 'consensus file'));
  const readers = new Map<string, LabelFile>();
  for (const readerId of readerIds) {
    if (!READER_ID.test(readerId))
      throw new ReaderStudyError(`"${readerId}" is not a reader id (${READER_ID.source})`);
    const labels = await load(
      oneFile(files, folder, [`${readerId}.csv`, `${readerId}_gt.csv`], `file for reader ${readerId}`),
    );
    const missing = [...reference.findings.keys()].filter((study) => !labels.findings.has(study));
    if (missing.length > 0) {
      throw new ReaderStudyError(
        `${labels.path} has no row for ${missing.length} stud${missing.length === 1 ? 'y' : 'ies'} of the consensus, e.g. ${missing[0]}`,
      );
    }
    readers.set(readerId, labels);
  }
  return { folder, studies: [...reference.findings.keys()], reference, readers };
}
