/**
 * Replays a reader study (CheXpert test-set layout) through the engine's public command path and
 * prints the per-reader accuracy table from the engine's reader-metrics read model:
 *
 *   npm run import:reader-study -- <folder> [--primaries bc4,bc6] [--adjudicator bc8|none]
 *                                           [--database-url postgres://…] [--concurrency 12]
 *
 * Database: --database-url, else DATABASE_URL, else the embedded PostgreSQL under DATA_DIR: the
 * running engine's, used as it is, or one started for the run. Idempotent: a second run writes
 * nothing and says so.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigurationError, loadConfig } from '../src/infrastructure/config/app-config.js';
import { resolveRuntimeConfig } from '../src/infrastructure/config/resolve-runtime-config.js';
import { runReaderStudyImport } from '../src/infrastructure/reader-study/import-reader-study.js';
import { metricsTable } from '../src/infrastructure/reader-study/metrics-table.js';
import { ReaderStudyError } from '../src/infrastructure/reader-study/reader-study.js';
import { openEngineDatabase } from './engine-database.js';

const USAGE =
  'Usage: npm run import:reader-study -- <folder> [--primaries bc4,bc6] [--adjudicator bc8|none] ' +
  '[--database-url postgres://…] [--concurrency 12] [--progress-every 100]\n';

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const count = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!/^[1-9]\d{0,3}$/.test(value))
    fail(`--${name} must be a whole number from 1 to 9999, got "${value}"\n${USAGE}`);
  return Number(value);
};

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      primaries: { type: 'string', default: 'bc4,bc6' },
      adjudicator: { type: 'string', default: 'bc8' },
      'database-url': { type: 'string' },
      concurrency: { type: 'string' },
      'progress-every': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) fail(USAGE);
const folder = positionals[0]!;
const primaries = values.primaries
  .split(',')
  .map((reader) => reader.trim())
  .filter(Boolean);
const adjudicator =
  values.adjudicator === 'none' || values.adjudicator === '' ? undefined : values.adjudicator;

let config;
try {
  config = loadConfig({
    LOG_LEVEL: 'warn', // unless LOG_LEVEL says otherwise
    ...process.env,
    ...(values['database-url'] !== undefined && { DATABASE_URL: values['database-url'] }),
  });
} catch (error) {
  if (error instanceof ConfigurationError) fail(error.message, 78);
  throw error;
}
const database = await openEngineDatabase(config, {
  existing: false,
  warn: (line) => void process.stderr.write(`${line}\n`),
});
// With a database URL, start-up starts no embedded server of its own (it would take the engine's).
const runtime = await resolveRuntimeConfig({ ...config, databaseUrl: database.url });
const log = (line: string): void => void process.stdout.write(`${line}\n`);
let exitCode = 0;
try {
  const summary = await runReaderStudyImport(runtime.config, {
    folder,
    primaries,
    adjudicator,
    concurrency: count(values.concurrency, 'concurrency', 12),
    progressEvery: count(values['progress-every'], 'progress-every', 100),
    log,
  });
  log('');
  if (summary.eventsWritten === 0 && summary.failed.length === 0) {
    log(`Nothing to write: all ${summary.studies} studies were already imported (0 events written).`);
  } else {
    log(
      `Imported ${summary.imported} of ${summary.studies} studies in ${summary.seconds.toFixed(1)} s ` +
        `(${summary.skipped} already there, ${summary.adjudicated} adjudicated, ` +
        `${summary.awaitingAdjudication} awaiting adjudication): ${summary.eventsWritten} events written.`,
    );
  }
  for (const { study, error } of summary.failed) log(`  failed: ${study}: ${error}`);
  log('');
  log(
    "Accuracy against the reference standard (the consensus file, recorded as external-panel), from the engine's reader-metrics read model:",
  );
  log(metricsTable(summary.metrics));
  log(`\nTotal ${summary.seconds.toFixed(1)} s.`);
  if (summary.failed.length > 0) exitCode = 1;
} catch (error) {
  if (!(error instanceof ReaderStudyError)) throw error;
  process.stderr.write(`${error.message}\n`);
  exitCode = 2;
} finally {
  await runtime.stop();
  await database.close();
}
process.exit(exitCode);
