import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ReaderStudyImportSummary,
  runReaderStudyImport,
} from '../../src/infrastructure/reader-study/import-reader-study.js';
import type { TestDatabase } from '../support/database.js';
import { disagreeingStudies, type Labels, matchingStudies, readLabels } from './independent-labels.js';
import { expectMetricsMatchLabels, importDatabase } from './support.js';

/**
 * The real CheXpert test-set labels (../shared/datasets/chexpert-test-readers, never copied into
 * the project): bc4 and bc6 as blinded primaries, bc8 adjudicating, groundtruth.csv as the
 * reference standard. The engine's accuracy figures must equal the counts taken straight from the
 * CSVs, and the textbook formulas on them.
 */
const DIRECTORY = resolve(
  process.env.READER_STUDY_DIR ?? join(process.cwd(), '..', 'shared', 'datasets', 'chexpert-test-readers'),
);
const PRIMARIES = ['bc4', 'bc6'];
const ADJUDICATOR = 'bc8';
const available = existsSync(join(DIRECTORY, 'groundtruth.csv'));

const suite = available ? describe : describe.skip;
const title = available
  ? 'CheXpert reader study import (bc4, bc6 primaries; bc8 adjudicator)'
  : `CheXpert reader study import — skipped: READER_STUDY_DIR not found (${DIRECTORY})`;
// Straight to stdout: jest swallows console output of a suite it skips.
if (!available) process.stdout.write(`${title}\n`);

suite(title, () => {
  let database: TestDatabase;
  let summary: ReaderStudyImportSummary;
  const readerFile = (readerId: string): string =>
    join(DIRECTORY, 'radiologists', 'benchmark_radiologists', `${readerId}.csv`);

  // 500 studies through the command path: a loaded CI machine needed more than 120 s.
  beforeAll(async () => {
    const fresh = await importDatabase();
    database = fresh.database;
    summary = await runReaderStudyImport(fresh.config, {
      folder: DIRECTORY,
      primaries: PRIMARIES,
      adjudicator: ADJUDICATOR,
    });
  }, 300_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('imports all 500 studies through the command path, adjudicating exactly where bc4 and bc6 disagree on a significant finding', () => {
    const [bc4, bc6] = PRIMARIES.map((readerId) => readLabels(readerFile(readerId)));
    expect(summary).toMatchObject({
      studies: 500,
      imported: 500,
      skipped: 0,
      failed: [],
      adjudicated: disagreeingStudies(bc4!, bc6!).length,
      awaitingAdjudication: 0,
    });
  });

  it('gives, per primary and per observation, the TP/FP/FN/TN of the CSVs against groundtruth.csv, and textbook sensitivity, specificity and kappa', () => {
    const reference = readLabels(join(DIRECTORY, 'groundtruth.csv'));
    const readers = new Map<string, Labels>(
      PRIMARIES.map((readerId) => [readerId, readLabels(readerFile(readerId))]),
    );
    expectMetricsMatchLabels(summary.metrics, readers, reference);
    for (const readerId of PRIMARIES) {
      expect(summary.metrics.find((item) => item.readerId === readerId)).toMatchObject({
        insufficientData: false,
      });
    }
  });

  it("gives bc8 its adjudications and how often they matched groundtruth.csv, and the primaries' agreement with bc8 per code and on significant codes", () => {
    const [bc4, bc6, bc8] = [...PRIMARIES, ADJUDICATOR].map((readerId) => readLabels(readerFile(readerId)));
    const reference = readLabels(join(DIRECTORY, 'groundtruth.csv'));
    const adjudicated = disagreeingStudies(bc4!, bc6!);
    const figures = (readerId: string) => summary.metrics.find((item) => item.readerId === readerId)!;
    expect(figures(ADJUDICATOR).asAdjudicator).toMatchObject({
      decisions: adjudicated.length,
      referenceStandard: {
        matched: { matched: matchingStudies(bc8!, reference, adjudicated), n: adjudicated.length },
        matchedOnSignificantCodes: {
          matched: matchingStudies(bc8!, reference, adjudicated, true),
          n: adjudicated.length,
        },
      },
      // The import's one-second spacing is synthetic history: not a turnaround.
      turnaround: { n: 0, backfilled: adjudicated.length },
    });
    for (const [readerId, labels] of [
      ['bc4', bc4!],
      ['bc6', bc6!],
    ] as const) {
      const primary = figures(readerId);
      expect({ readerId, agreement: primary.adjudicatorAgreementRate }).toMatchObject({
        readerId,
        agreement: { agreed: matchingStudies(labels, bc8!, adjudicated), n: adjudicated.length },
      });
      expect({ readerId, agreement: primary.adjudicatorAgreement.significantCodes }).toMatchObject({
        readerId,
        agreement: { agreed: matchingStudies(labels, bc8!, adjudicated, true), n: adjudicated.length },
      });
      expect(primary.turnaround).toMatchObject({ n: 0, backfilled: 500 });
    }
  });
});
