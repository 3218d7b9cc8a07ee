import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ReaderStudyImportOptions,
  runReaderStudyImport,
} from '../../src/infrastructure/reader-study/import-reader-study.js';
import { metricsTable } from '../../src/infrastructure/reader-study/metrics-table.js';
import type { TestDatabase } from '../support/database.js';
import { generateReaderStudy, type GeneratedStudy } from './generated-study.js';
import { disagreeingStudies, type Labels, matchingStudies, readLabels } from './independent-labels.js';
import { expectMetricsMatchLabels, importDatabase } from './support.js';

/**
 * A reader study the test writes itself (40 studies, seeded 0/1 labels, columns and rows in a
 * different order in every file, readers in nested folders and as `<reader>_gt.csv`), so that the
 * import is covered wherever the CheXpert labels are not available.
 */
describe('reader-study import of a generated study', () => {
  let folder: string;
  let generated: GeneratedStudy;
  const labels = (readerId: string): Labels => readLabels(generated.files[readerId]!);

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'reader-study-'));
    generated = generateReaderStudy(folder, { studies: 40, seed: 42, readers: ['r1', 'r2', 'r3'] });
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  describe('with two primaries and an adjudicator', () => {
    let database: TestDatabase;
    let fresh: Awaited<ReturnType<typeof importDatabase>>;
    const options = (): ReaderStudyImportOptions => ({
      folder,
      primaries: ['r1', 'r2'],
      adjudicator: 'r3',
      concurrency: 8,
    });

    beforeAll(async () => {
      fresh = await importDatabase();
      database = fresh.database;
    });
    afterAll(async () => database.drop());

    it('imports every study, adjudicates exactly the significant disagreements, and matches the CSV counts', async () => {
      const lines: string[] = [];
      const summary = await runReaderStudyImport(fresh.config, {
        ...options(),
        progressEvery: 10,
        log: (line) => lines.push(line),
      });
      const disagreements = disagreeingStudies(labels('r1'), labels('r2'));
      expect(disagreements.length).toBeGreaterThan(0);
      expect(disagreements.length).toBeLessThan(40);
      expect(summary).toMatchObject({
        studies: 40,
        imported: 40,
        skipped: 0,
        failed: [],
        adjudicated: disagreements.length,
        awaitingAdjudication: 0,
      });
      // request, 2 × (assign, read, opinion), consensus or escalation, reference standard; adjudication adds 5.
      expect(summary.eventsWritten).toBe((await fresh.events()).count);
      expect(lines.filter((line) => /^\s+\d+\/40 studies .* studies\/s$/.test(line))).toHaveLength(4);
      expectMetricsMatchLabels(
        summary.metrics,
        new Map([
          ['r1', labels('r1')],
          ['r2', labels('r2')],
        ]),
        labels('groundtruth'),
      );
      expect(metricsTable(summary.metrics).split('\n')).toHaveLength(1 + 2 * 15);
      const adjudicator = summary.metrics.find((item) => item.readerId === 'r3')!.asAdjudicator;
      expect(adjudicator).toMatchObject({
        decisions: disagreements.length,
        referenceStandard: {
          matched: { matched: matchingStudies(labels('r3'), labels('groundtruth'), disagreements) },
          matchedOnSignificantCodes: {
            matched: matchingStudies(labels('r3'), labels('groundtruth'), disagreements, true),
            n: disagreements.length,
          },
        },
        turnaround: { n: 0, backfilled: disagreements.length },
      });
    }, 120_000);

    it('writes nothing when run again: the same event count and the same last position', async () => {
      const before = await fresh.events();
      const again = await runReaderStudyImport(fresh.config, options());
      expect(again).toMatchObject({ studies: 40, imported: 0, skipped: 40, eventsWritten: 0, failed: [] });
      expect(await fresh.events()).toEqual(before);
      expectMetricsMatchLabels(again.metrics, new Map([['r1', labels('r1')]]), labels('groundtruth'));
    }, 120_000);
  });

  it('leaves disagreements awaiting adjudication without an adjudicator, and a later run with one completes just those', async () => {
    const { database, config, events } = await importDatabase();
    try {
      const disagreements = disagreeingStudies(labels('r1'), labels('r2')).length;
      const first = await runReaderStudyImport(config, { folder, primaries: ['r1', 'r2'] });
      expect(first).toMatchObject({
        imported: 40,
        adjudicated: 0,
        awaitingAdjudication: disagreements,
        failed: [],
      });
      const second = await runReaderStudyImport(config, {
        folder,
        primaries: ['r1', 'r2'],
        adjudicator: 'r3',
      });
      expect(second).toMatchObject({
        imported: disagreements,
        skipped: 40 - disagreements,
        adjudicated: disagreements,
        failed: [],
      });
      const after = await events();
      const third = await runReaderStudyImport(config, {
        folder,
        primaries: ['r1', 'r2'],
        adjudicator: 'r3',
      });
      expect(third).toMatchObject({ imported: 0, eventsWritten: 0 });
      expect(await events()).toEqual(after);
    } finally {
      await database.drop();
    }
  }, 120_000);

  it('reads a single primary as a single second read (readsRequired 1, no adjudication)', async () => {
    const { database, config } = await importDatabase();
    try {
      const summary = await runReaderStudyImport(config, { folder, primaries: ['r2'], adjudicator: 'r3' });
      expect(summary).toMatchObject({ imported: 40, adjudicated: 0, awaitingAdjudication: 0, failed: [] });
      expectMetricsMatchLabels(summary.metrics, new Map([['r2', labels('r2')]]), labels('groundtruth'));
      expect(summary.metrics.map((item) => item.readerId)).toEqual(['r2']);
    } finally {
      await database.drop();
    }
  }, 120_000);
});
