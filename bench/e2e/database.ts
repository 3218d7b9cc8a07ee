import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { log } from './util.js';

/** The PostgreSQL server the benchmark creates its database in, and that database. */
export interface BenchDatabase {
  name: string;
  url: string;
  adminUrl: string;
  /** `local` (a server at BENCH_ADMIN_DATABASE_URL or 127.0.0.1:5432) or `embedded`. */
  server: 'local' | 'embedded';
  serverVersion: string;
  drop(): Promise<void>;
}

const LOCAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh `bench_<random>` database with durable commits: on the server of BENCH_ADMIN_DATABASE_URL,
 * else the local one on 127.0.0.1:5432, else (or with BENCH_EMBEDDED=true) the engine's embedded
 * PostgreSQL (started under the temporary folder, stopped again by drop()).
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  let adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? LOCAL_ADMIN_URL;
  let server: BenchDatabase['server'] = 'local';
  let stopServer = async (): Promise<void> => undefined;
  const forceEmbedded = process.env.BENCH_EMBEDDED === 'true';
  if (forceEmbedded || !(await answers(adminUrl))) {
    if (!forceEmbedded && process.env.BENCH_ADMIN_DATABASE_URL) {
      throw new Error(`BENCH_ADMIN_DATABASE_URL does not answer`);
    }
    log(
      `${forceEmbedded ? 'BENCH_EMBEDDED=true' : 'No PostgreSQL on 127.0.0.1:5432'}: starting the embedded one under ${join(tmpdir(), 'xray-bench-embedded')}`,
    );
    const { startEmbeddedPostgres } =
      await import('../../src/infrastructure/persistence/embedded-postgres.js');
    // Under the temporary folder: as root, the server runs as the postgres user, which must reach it.
    const embedded = await startEmbeddedPostgres(join(tmpdir(), 'xray-bench-embedded'), { log, warn: log });
    const url = new URL(embedded.url);
    url.pathname = '/postgres';
    adminUrl = url.toString();
    server = 'embedded';
    stopServer = embedded.stop;
  }
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const serverVersion = await withClient(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE "${name}"`);
    // Durable commits whatever the server's default: every figure is for fsynced writes.
    await client.query(`ALTER DATABASE "${name}" SET synchronous_commit = on`);
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    adminUrl,
    server,
    serverVersion,
    async drop() {
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      await stopServer();
    },
  };
}

/** Server settings that decide what "durable" costs, for the report. */
export async function serverSettings(url: string): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name = ANY($1::text[]) ORDER BY name`,
      [
        [
          'fsync',
          'synchronous_commit',
          'wal_sync_method',
          'shared_buffers',
          'max_connections',
          'commit_delay',
        ],
      ],
    );
    return Object.fromEntries(
      rows.map((row) => [
        row.name,
        row.unit === '8kB'
          ? `${(Number(row.setting) * 8) / 1024} MB`
          : row.unit
            ? `${row.setting} ${row.unit}`
            : row.setting,
      ]),
    );
  });
}
