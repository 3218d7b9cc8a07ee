/**
 * Brings the PostgreSQL event store's schema (`event_store`) up to date as the user of DATABASE_URL,
 * then exits: `npm run migrate:event-store`. In production that user owns the event store and runs
 * this before each release; the engine itself connects as a login in the `event_store_writer` role,
 * for which its own start-up migration finds nothing to do (README "Security"). Without
 * DATABASE_URL it migrates the embedded database under DATA_DIR: the running engine's, or one
 * started for the run.
 */
import pg from 'pg';
import { ConfigurationError, loadConfig } from '../src/infrastructure/config/app-config.js';
import { migrate } from '../src/infrastructure/event-store/postgres/postgres.migrator.js';
import { openEngineDatabase } from './engine-database.js';

async function run(): Promise<number> {
  const database = await openEngineDatabase(loadConfig(process.env), {
    existing: false,
    warn: (line) => void process.stderr.write(`${line}\n`),
  });
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  pool.on('connect', (client) =>
    // The writer-role migration explains here when it may not create the role.
    client.on('notice', (notice) => process.stderr.write(`NOTICE: ${notice.message ?? ''}\n`)),
  );
  try {
    const { applied } = await migrate(pool);
    process.stdout.write(
      applied.length === 0
        ? 'The event store schema is up to date.\n'
        : `Applied event-store migrations ${applied.join(', ')}.\n`,
    );
    return 0;
  } finally {
    await pool.end();
    await database.close();
  }
}

let exitCode: number;
try {
  exitCode = await run();
} catch (error) {
  process.stderr.write(
    `${error instanceof ConfigurationError ? '' : 'Migration failed: '}${error instanceof Error ? error.message : String(error)}\n`,
  );
  exitCode = error instanceof ConfigurationError ? 2 : 1;
}
process.exit(exitCode);
