import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type * as BrowserPrerequisitesModule from '../browser/support/prerequisites.js';
import type * as EmbeddedPostgresModule from '../../src/infrastructure/persistence/embedded-postgres.js';

/**
 * The PostgreSQL server the tests create their databases on: TEST_ADMIN_DATABASE_URL, else the
 * local server on 127.0.0.1:5432, else — so that `npm test` runs on a machine without one, as
 * `npm start` does — the engine's embedded PostgreSQL, started here and stopped by
 * global-teardown.ts. The workers, started after this, find its URL in TEST_ADMIN_DATABASE_URL.
 *
 * TEST_EMBEDDED_POSTGRES: `auto` (the default: embedded only when TEST_ADMIN_DATABASE_URL is unset
 * and nothing answers on 127.0.0.1:5432), `fallback` (embedded also when the TEST_ADMIN_DATABASE_URL
 * server does not answer), `always`, or `never` (fail at once when the server does not answer).
 */

const LOCAL_ADMIN_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const MODES = ['auto', 'fallback', 'always', 'never'] as const;
type Mode = (typeof MODES)[number];
/** Where global-teardown.ts finds what to stop (jest runs both hooks in its parent process). */
const EMBEDDED_SERVER_KEY = Symbol.for('xray-engine.test.embedded-postgres');
/** Per run, named by the jest process, so a later run can tell a dead run's leftovers from a live one's. */
const FOLDER_PREFIX = 'xray-engine-test-postgres-';
// jest loads this file as CommonJS without the module mapper, so the sources' `.js` import paths
// do not resolve here: the module is required by its extension-less name, which jest transpiles.
const EMBEDDED_POSTGRES_MODULE = '../../src/infrastructure/persistence/embedded-postgres';
const BROWSER_PREREQUISITES_MODULE = '../browser/support/prerequisites';

const say = (line: string): boolean => process.stderr.write(`${line}\n`);

/** Why nothing answers at `url`, or undefined when a server does. */
async function whyUnreachable(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function modeFrom(value: string | undefined): Mode {
  const mode = value?.trim() || 'auto';
  if ((MODES as readonly string[]).includes(mode)) return mode as Mode;
  throw new Error(`TEST_EMBEDDED_POSTGRES must be one of ${MODES.join(', ')}, got "${mode}"`);
}

/** A killed test run leaves its folder, and perhaps its server, behind: both go once their run is dead. */
async function removeLeftovers(embedded: typeof EmbeddedPostgresModule): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    const runPid = Number(name.slice(FOLDER_PREFIX.length).split('-')[0]);
    if (
      !name.startsWith(FOLDER_PREFIX) ||
      !Number.isInteger(runPid) ||
      runPid <= 0 ||
      embedded.isProcessAlive(runPid)
    ) {
      continue;
    }
    const folder = join(tmpdir(), name);
    const found = await embedded.findEmbeddedPostgres(folder);
    if (found.state === 'running') {
      if (found.owner.kind !== 'orphan') continue; // someone else's server: never stopped
      process.kill(found.postmasterPid, 'SIGINT');
      for (let waited = 0; embedded.isProcessAlive(found.postmasterPid) && waited < 15_000; waited += 100) {
        await new Promise((done) => setTimeout(done, 100));
      }
    }
    await rm(folder, { recursive: true, force: true });
  }
}

async function startEmbedded(reason: string): Promise<void> {
  const embedded = (await import(EMBEDDED_POSTGRES_MODULE)) as typeof EmbeddedPostgresModule;
  await removeLeftovers(embedded);
  const folder = await mkdtemp(join(tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
  say(`${reason}: the tests run on an embedded PostgreSQL under ${folder}, stopped when they end.`);
  const quiet = { log: () => undefined, warn: say };
  let server: EmbeddedPostgresModule.EmbeddedDatabase;
  try {
    // Trust on loopback, as the machine's server: tests log in as roles they create, without passwords.
    server = await embedded.startEmbeddedPostgres(folder, quiet, { authentication: 'trust' });
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  const url = new URL(server.url);
  url.password = '';
  url.pathname = '/postgres';
  process.env.TEST_ADMIN_DATABASE_URL = url.toString();
  (globalThis as Record<symbol, unknown>)[EMBEDDED_SERVER_KEY] = {
    async stop(): Promise<void> {
      await server.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

export default async function globalSetup(): Promise<void> {
  const browser = (await import(BROWSER_PREREQUISITES_MODULE)) as typeof BrowserPrerequisitesModule;
  browser.ensureBrowserPrerequisites();
  const mode = modeFrom(process.env.TEST_EMBEDDED_POSTGRES);
  if (mode === 'always') return startEmbedded('TEST_EMBEDDED_POSTGRES=always');
  const configured = process.env.TEST_ADMIN_DATABASE_URL;
  const adminUrl = configured ?? LOCAL_ADMIN_DATABASE_URL;
  const failure = await whyUnreachable(adminUrl);
  if (failure === undefined) return;
  if (mode === 'fallback' || (mode === 'auto' && configured === undefined)) {
    const shown = new URL(adminUrl);
    return startEmbedded(`No PostgreSQL answers at ${shown.host} (${String(failure)})`);
  }
  throw new Error(
    `Tests need PostgreSQL at ${adminUrl} (${configured ? 'TEST_ADMIN_DATABASE_URL' : 'TEST_EMBEDDED_POSTGRES=never'}). ` +
      'Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), or unset ' +
      `TEST_ADMIN_DATABASE_URL / set TEST_EMBEDDED_POSTGRES=fallback to run on the embedded PostgreSQL. Cause: ${String(failure)}`,
    { cause: failure },
  );
}
