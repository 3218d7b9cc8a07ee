import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { studyIdentifiers } from '../../../src/infrastructure/reader-study/import-reader-study.js';
import { metricsTable } from '../../../src/infrastructure/reader-study/metrics-table.js';
import {
  CHEXPERT_OBSERVATIONS,
  loadReaderStudy,
  parseLabels,
  ReaderStudyError,
} from '../../../src/infrastructure/reader-study/reader-study.js';
import { computeReaderMetrics } from '../../../src/domain/metrics/reader-metrics.js';

const NAMES: string[] = CHEXPERT_OBSERVATIONS.map(([name]) => name);

/** A label file with the given column order; `values(study)` gives the 14 values in CHEXPERT_OBSERVATIONS order. */
function csv(columns: readonly string[], rows: Array<[study: string, values: string[]]>): string {
  const lines = rows.map(([study, values]) =>
    columns.map((column) => (column === 'Study' ? study : values[NAMES.indexOf(column)]!)).join(','),
  );
  return [columns.join(','), ...lines].join('\n');
}

const ALL_ZERO = NAMES.map(() => '0');
const withValue = (name: string, value: string): string[] =>
  NAMES.map((other) => (other === name ? value : '0'));

describe('parseLabels', () => {
  it('finds observations by header name, whatever the column order, and maps 1/0 to present/absent', () => {
    const reversed = ['Study', ...[...NAMES].reverse()];
    const moved = [...NAMES.slice(0, 3), 'Study', ...NAMES.slice(3)];
    const rows: Array<[string, string[]]> = [['p1/study1', withValue('Lung Lesion', '1')]];
    for (const columns of [['Study', ...NAMES], reversed, moved]) {
      const { findings } = parseLabels(csv(columns, rows), 'x.csv');
      expect(findings.get('p1/study1')).toEqual(
        CHEXPERT_OBSERVATIONS.map(([name, code]) => ({
          code,
          presence: name === 'Lung Lesion' ? 'present' : 'absent',
        })),
      );
    }
  });

  it('reads -1 as uncertain, leaves an empty cell out (not assessed) and tolerates a BOM and 1.0/0.0', () => {
    const values = withValue('Edema', '-1');
    values[NAMES.indexOf('Fracture')] = '';
    values[NAMES.indexOf('Pneumonia')] = '1.0';
    const { findings } = parseLabels(`\uFEFF${csv(['Study', ...NAMES], [['s', values]])}`, 'x.csv');
    const study = findings.get('s')!;
    expect(study.find((finding) => finding.code === 'edema')).toEqual({
      code: 'edema',
      presence: 'uncertain',
    });
    expect(study.find((finding) => finding.code === 'pneumonia')).toEqual({
      code: 'pneumonia',
      presence: 'present',
    });
    expect(study.some((finding) => finding.code === 'fracture')).toBe(false);
    expect(study).toHaveLength(13);
  });

  it.each([
    ['a missing observation', csv(['Study', ...NAMES.slice(1)], [['s', ALL_ZERO]]), /no "No Finding" column/],
    ['a repeated column', csv(['Study', ...NAMES, 'Edema'], [['s', ALL_ZERO]]), /"Edema" 2 times/],
    ['no Study column', csv(NAMES, [['s', ALL_ZERO]]), /no "Study" column/],
    [
      'a value that is not a label',
      csv(['Study', ...NAMES], [['s', withValue('Fracture', 'yes')]]),
      /row 2, column "Fracture": "yes"/,
    ],
    [
      'a study twice',
      csv(
        ['Study', ...NAMES],
        [
          ['s', ALL_ZERO],
          ['s', ALL_ZERO],
        ],
      ),
      /study s appears twice \(row 3\)/,
    ],
  ])('refuses %s, naming the file and the place', (_, text, message) => {
    expect(() => parseLabels(text, 'reader.csv')).toThrow(ReaderStudyError);
    expect(() => parseLabels(text, 'reader.csv')).toThrow(message);
    expect(() => parseLabels(text, 'reader.csv')).toThrow(/^reader\.csv: /);
  });
});

describe('loadReaderStudy', () => {
  let folder: string;
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  };
  const rows: Array<[string, string[]]> = [
    ['a/study1', ALL_ZERO],
    ['b/study1', withValue('Fracture', '1')],
  ];
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'reader-study-unit-'));
    write('groundtruth.csv', csv(['Study', ...NAMES], rows));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('finds <reader>.csv and <reader>_gt.csv anywhere below the folder, and joins rows on Study', async () => {
    write('deep/er/bc4.csv', csv([...NAMES].reverse().concat('Study'), [...rows].reverse()));
    write('x/bc1_gt.csv', csv(['Study', ...NAMES], rows));
    const study = await loadReaderStudy(folder, ['bc4', 'bc1']);
    expect(study.studies).toEqual(['a/study1', 'b/study1']);
    expect(study.readers.get('bc4')!.findings.get('b/study1')).toContainEqual({
      code: 'fracture',
      presence: 'present',
    });
    expect(study.readers.get('bc1')!.path).toBe(join(folder, 'x', 'bc1_gt.csv'));
  });

  it('says which file is missing, ambiguous or short of a study', async () => {
    await expect(loadReaderStudy(folder, ['bc9'])).rejects.toThrow(
      /No file for reader bc9 .* bc9\.csv or bc9_gt\.csv/,
    );
    write('one/bc4.csv', csv(['Study', ...NAMES], rows));
    write('two/bc4_gt.csv', csv(['Study', ...NAMES], rows));
    await expect(loadReaderStudy(folder, ['bc4'])).rejects.toThrow(/More than one file for reader bc4/);
    write('bc5.csv', csv(['Study', ...NAMES], rows.slice(0, 1)));
    await expect(loadReaderStudy(folder, ['bc5'])).rejects.toThrow(
      /bc5\.csv has no row for 1 study .* b\/study1/,
    );
    await expect(loadReaderStudy(join(folder, 'nowhere'), ['bc5'])).rejects.toThrow(/Cannot read the folder/);
  });
});

describe('studyIdentifiers', () => {
  it('derive the same case, a pseudonymous patientRef and a DICOM UID from the study path', () => {
    const study = 'CheXpert-v1.0/test/patient64741/study1';
    const ids = studyIdentifiers(study);
    expect(studyIdentifiers(study)).toEqual(ids);
    expect(ids.caseId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids.patientRef).toMatch(/^rs-[0-9a-f]{20}$/);
    expect(ids.patientRef).not.toContain('64741');
    expect(ids.studyInstanceUid).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(ids.studyInstanceUid.length).toBeLessThanOrEqual(64);
    const other = studyIdentifiers('CheXpert-v1.0/test/patient64741/study2');
    expect(other.patientRef).toBe(ids.patientRef); // same patient folder
    expect(other.caseId).not.toBe(ids.caseId);
    expect(other.studyInstanceUid).not.toBe(ids.studyInstanceUid);
  });
});

describe('metricsTable', () => {
  it('prints reads and, per observation in CheXpert order then all pooled, TP/FP/FN/TN, sensitivity, specificity and kappa', () => {
    const opinion = (presence: 'present' | 'absent') => ({
      opinionId: `o-${presence}`,
      readerId: 'bc4',
      role: 'primary' as const,
      round: 1,
      blinded: true,
      findings: [
        { code: 'fracture', presence },
        { code: 'no-finding', presence: 'absent' as const },
      ],
      submittedAt: '2024-01-01T08:00:00.000Z',
    });
    const metricsCase = (id: string, presence: 'present' | 'absent') => ({
      caseId: id,
      bodyRegion: 'chest',
      occurredAt: '2024-01-01T08:00:00.000Z',
      opinions: [{ ...opinion(presence), opinionId: `o-${id}` }],
      referenceStandard: {
        source: 'external-panel' as const,
        findings: [
          { code: 'fracture', presence: 'present' as const },
          { code: 'no-finding', presence: 'absent' as const },
        ],
      },
      wentToAdjudication: [],
      adjudications: [],
      priorReportScores: [],
    });
    const { items } = computeReaderMetrics([metricsCase('c1', 'present'), metricsCase('c2', 'absent')]);
    expect(metricsTable(items).split('\n')).toEqual([
      'reader  reads  observation  TP  FP  FN  TN  sensitivity  specificity   kappa',
      'bc4         2  no-finding    0   0   0   2            —       1.0000       —',
      'bc4         2  fracture      1   0   1   0       0.5000            —  0.0000',
      'bc4         2  all           1   0   1   2       0.5000       1.0000  0.5000',
    ]);
  });
});
