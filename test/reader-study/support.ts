import { expect } from '@jest/globals';
import pg from 'pg';
import type { ReaderMetrics } from '../../src/domain/metrics/reader-metrics.js';
import { loadConfig } from '../../src/infrastructure/config/app-config.js';
import type { RuntimeConfig } from '../../src/infrastructure/config/runtime-config.js';
import { TEST_JWT_SECRET } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { countsOf, type Labels, OBSERVATIONS, textbook } from './independent-labels.js';

/** A fresh database and the engine's configuration for it, as the e2e harness builds it. */
export async function importDatabase(): Promise<{
  database: TestDatabase;
  config: RuntimeConfig;
  events(): Promise<{ count: number; last: number }>;
}> {
  const database = await createTestDatabase('readerstudy');
  const config: RuntimeConfig = {
    ...loadConfig({ LOG_LEVEL: 'silent', AUTH_JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: database.url }),
    databaseUrl: database.url,
    embeddedDatabase: false,
    developmentSecret: false,
  };
  return {
    database,
    config,
    async events() {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: string; last: string | null }>(
          'SELECT count(*) AS count, max(global_position) AS last FROM event_store.events',
        );
        return { count: Number(rows[0]!.count), last: Number(rows[0]!.last ?? 0) };
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * For each reader and each of the 14 observations: the engine's TP/FP/FN/TN against the reference
 * standard equal the counts taken straight from the CSVs, and its sensitivity, specificity and
 * kappa equal the textbook formulas on those counts.
 */
export function expectMetricsMatchLabels(
  metrics: readonly ReaderMetrics[],
  readers: ReadonlyMap<string, Labels>,
  reference: Labels,
): void {
  for (const [readerId, labels] of readers) {
    const figures = metrics.find((item) => item.readerId === readerId);
    expect({ readerId, found: figures !== undefined }).toEqual({ readerId, found: true });
    expect({ readerId, reads: figures!.reads }).toEqual({ readerId, reads: reference.size });
    for (const [name, code] of OBSERVATIONS) {
      const expected = countsOf(labels, reference, name);
      const engine = figures!.byFinding.find(
        (finding) => finding.code === code && finding.reference === 'reference-standard',
      );
      expect({
        readerId,
        code,
        counts: engine && { tp: engine.tp, fp: engine.fp, fn: engine.fn, tn: engine.tn },
      }).toEqual({
        readerId,
        code,
        counts: expected,
      });
      const formulas = textbook(expected);
      for (const [statistic, value] of [
        ['sensitivity', engine!.sensitivity.value],
        ['specificity', engine!.specificity.value],
        ['kappa', engine!.kappa],
      ] as const) {
        const want = formulas[statistic];
        if (want === null)
          expect({ readerId, code, statistic, value }).toEqual({ readerId, code, statistic, value: null });
        else expect(value).toBeCloseTo(want, 12);
      }
    }
  }
}
