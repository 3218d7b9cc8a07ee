/**
 * `npm run verify -- --checkpoint saved.json [--key <verifier key>]` (docs/integrity.md): checks
 * the whole log as stored now against a checkpoint saved earlier, e.g. from a witness or from
 * GET /api/v1/integrity/checkpoints/latest. The saved note is verified with `--key` when given,
 * else with the key the file names (only as trustworthy as where the file was kept). Then every
 * event is read in the log's order and re-hashed: the first saved.treeSize of them must hash to the
 * saved root; each logged event must match the receipt the key signed for its place; the newest
 * stored checkpoint must be the key's, the root of the events as stored, and consistent with the
 * saved one (its RFC 9162 proof verified).
 *
 * Exit 0: the log extends the saved checkpoint unchanged; 1: it does not (the first event that
 * differs is named); 2: nothing could be checked (the file, configuration, connection).
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { importCheckpoint } from '../src/application/integrity/checkpoint.js';
import { auditLog, type LeafDifference, type LogAudit } from '../src/application/integrity/log-audit.js';
import { keyIdHex, NoteError, parseVerifierKey } from '../src/application/integrity/signed-note.js';
import type { EventStore } from '../src/application/ports/event-store.port.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { PostgresStoredTree } from '../src/infrastructure/integrity/postgres-stored-tree.js';
import { openEngineDatabase, readOnlyEventStore } from './engine-database.js';

interface Output {
  say(line: string): unknown;
  warn(line: string): unknown;
}

const DIFFERENCE: Record<LeafDifference, string> = {
  altered: 'it no longer matches the leaf the log signed for it (altered in place)',
  'not-signed':
    'its leaf is not signed by the trusted key (rewritten: the event, and its leaf signed with another key or not at all)',
  'out-of-place':
    'another event stands where the log signed this one (an event was removed, inserted or moved)',
  missing: 'the log holds no event here any more (events were removed)',
};

function report(audit: LogAudit, { say }: Output): void {
  const { saved, firstDifference, latest } = audit;
  say(
    `Saved checkpoint: ${saved.origin}, tree size ${saved.treeSize}, signed ${saved.signedAt.toISOString()}`,
  );
  say(`Re-hashed ${audit.events} events from the store (${audit.leaves} logged).`);
  if (firstDifference) {
    const { leafIndex, why, event, logged } = firstDifference;
    const named = event ?? logged;
    const where = named
      ? `event ${named.eventId} (${named.streamId}, revision ${named.revision}, leaf ${leafIndex})`
      : `leaf ${leafIndex}`;
    say(`DIFFERS ${where}: ${DIFFERENCE[why]}`);
    if (why === 'out-of-place' && logged) {
      say(
        `        the log signed event ${logged.eventId} (${logged.streamId}, revision ${logged.revision}) there`,
      );
    }
  }
  say(
    audit.savedRootMatches
      ? `ok      the first ${saved.treeSize} events hash to the saved root`
      : `BROKEN  the first ${saved.treeSize} events no longer hash to the saved root ${saved.rootHash.toString('base64')}`,
  );
  if (!latest) {
    say('BROKEN  the log holds no checkpoint');
  } else if (!latest.trusted) {
    say(
      `BROKEN  the newest stored checkpoint (tree size ${latest.treeSize}) is not signed by the trusted key`,
    );
  } else {
    say(
      latest.consistent
        ? `ok      the newest checkpoint (tree size ${latest.treeSize}) is consistent with the saved one (RFC 9162 proof verified)`
        : `BROKEN  no valid consistency proof from the saved checkpoint to the newest (tree size ${latest.treeSize})`,
    );
    say(
      latest.matchesEvents
        ? "ok      the newest checkpoint's root is the root of the events as stored"
        : "BROKEN  the newest checkpoint's root is not the root of the events as stored",
    );
  }
  say(
    audit.intact
      ? `Verified: the log extends the saved checkpoint unchanged (${audit.events} events).`
      : 'The log does NOT extend the saved checkpoint unchanged.',
  );
}

/** The configured event store, and the engine's PostgreSQL, which keeps the log (whatever the store). */
async function openLog(
  warn: Output['warn'],
): Promise<{ store: EventStore; databaseUrl: string; close(): Promise<void> }> {
  const config = loadConfig(process.env);
  const database = await openEngineDatabase(config, { existing: true, warn: (line) => void warn(line) });
  const store = await readOnlyEventStore(config, () => Promise.resolve(database.url));
  return {
    store,
    databaseUrl: database.url,
    async close() {
      await store.close();
      await database.close();
    },
  };
}

export async function verifyCheckpointFile(
  file: string,
  key: string | undefined,
  output: Output,
): Promise<number> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    output.warn(`Cannot read the saved checkpoint ${file}: ${(error as Error).message}`);
    return 2;
  }
  let imported;
  try {
    imported = importCheckpoint(json, key === undefined ? undefined : parseVerifierKey(key));
  } catch (error) {
    if (!(error instanceof NoteError)) throw error;
    output.warn(`The saved checkpoint ${file} cannot be trusted: ${error.message}`);
    return 2;
  }
  const { checkpoint, verifier } = imported;
  output.say(`Trusted key: ${verifier.name} (key ID ${keyIdHex(verifier.keyId)})`);
  const { store, databaseUrl, close } = await openLog(output.warn);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const [{ present }] = (await pool.query("SELECT to_regclass('integrity.leaves') IS NOT NULL AS present"))
      .rows as Array<{ present: boolean }>;
    if (!present) {
      output.warn('This database holds no verifiable log (the engine creates it when it starts).');
      return 2;
    }
    const tree = new PostgresStoredTree(async (sql, parameters) => (await pool.query(sql, parameters)).rows);
    const audit = await auditLog(store, tree, checkpoint, verifier);
    report(audit, output);
    return audit.intact ? 0 : 1;
  } finally {
    await pool.end();
    await close();
  }
}
