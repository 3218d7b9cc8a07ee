import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { EngineRole } from '../../src/infrastructure/runtime/engine-role.js';
import { sleep } from './util.js';

/** The compiled engine as `npm start` runs it, plus the baseline routes (bench-main.ts). */
export function engineEntry(root: string): string {
  return join(root, 'dist/bench/e2e/bench-main.js');
}

/**
 * A private copy of the compiled engine (dist/src and dist/bench/e2e, package.json, a link to
 * node_modules), so that every phase runs the same build even when someone rebuilds dist/ in a
 * shared work tree meanwhile.
 */
export async function snapshotEngine(
  root: string,
  /** Another build's dist/src to run instead (e.g. the one before a change, for a before/after table). */
  source = join(root, 'dist/src'),
): Promise<{ root: string; remove(): Promise<void> }> {
  const benchSource = join(source, '../bench/e2e');
  for (const file of [join(source, 'main.js'), join(benchSource, 'bench-main.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first`);
  }
  const copy = await mkdtemp(join(tmpdir(), 'bench-engine-'));
  await cp(source, join(copy, 'dist/src'), { recursive: true });
  await cp(benchSource, join(copy, 'dist/bench/e2e'), { recursive: true });
  await cp(join(root, 'package.json'), join(copy, 'package.json'));
  await symlink(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return { root: copy, remove: () => rm(copy, { recursive: true, force: true }) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resident memory of a process from /proc (KiB): now and its peak (VmHWM) since it started. */
export function memoryOf(pid: number): { rssKiB: number; hwmKiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
  } catch {
    return null;
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** The processes a process started, and theirs (an API cluster's workers), from /proc. */
export function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    let children: string;
    try {
      children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter(Boolean).map(Number)) {
      found.push(child, ...descendantsOf(child));
    }
  }
  return found;
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

/**
 * CPU used between start() and stop(): the engine's cores and the machine's, averaged over the
 * window. The engine is one process, or several (an API cluster: its primary and workers, listed
 * at start and stop; a process that began meanwhile counts from zero).
 */
export class CpuWindow {
  private engineAt = new Map<number, number>();
  private machineAt = { busy: 0, total: 0 };
  private startedAt = 0;

  constructor(private readonly engine: number | (() => number[])) {}

  private pids(): number[] {
    return typeof this.engine === 'number' ? [this.engine] : this.engine();
  }

  start(): void {
    this.engineAt = new Map(this.pids().map((pid) => [pid, cpuSecondsOf(pid)]));
    this.machineAt = machineCpu();
    this.startedAt = performance.now();
  }

  stop(): { engineCores: number; machineBusyCores: number; seconds: number } {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const machine = machineCpu();
    let used = 0;
    for (const pid of new Set([...this.engineAt.keys(), ...this.pids()])) {
      const now = cpuSecondsOf(pid);
      // A process that ended meanwhile reads 0: its CPU since start is lost, not negative.
      if (now > 0) used += now - (this.engineAt.get(pid) ?? 0);
    }
    return {
      engineCores: used / seconds,
      machineBusyCores: (machine.busy - this.machineAt.busy) / seconds,
      seconds,
    };
  }
}

export interface EngineOptions {
  root: string;
  databaseUrl: string;
  jwtSecret: string;
  /** Directory for `node --cpu-prof`; the profile is written when the engine exits. */
  profileDir?: string;
  /** ENGINE_ROLE (the engine's default, `all`, when absent). */
  role?: EngineRole;
  /** ENGINE_API_PROCESSES: with role `api`, a node:cluster primary forking that many API processes. */
  apiProcesses?: number;
  env?: Record<string, string>;
}

/** The engine in a process of its own (`node dist/bench/e2e/bench-main.js`), so that its CPU and memory are its own. */
export class EngineProcess {
  private output = '';
  private peakRssKiB = 0;
  private sampler: NodeJS.Timeout | null = null;
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly profileDir: string | undefined,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.remember(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.remember(chunk));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(options: EngineOptions): Promise<EngineProcess> {
    const entry = engineEntry(options.root);
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
    const port = await freePort();
    const args = options.profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, '--cpu-prof-interval=500', entry]
      : [entry];
    const child = spawn(process.execPath, args, {
      cwd: options.root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        DATABASE_URL: options.databaseUrl,
        AUTH_JWT_SECRET: options.jwtSecret,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_USER_PER_MINUTE: '0',
        RATE_LIMIT_PER_IP_PER_MINUTE: '0',
        // Radiologists' tokens are minted when their reads are seeded, minutes before a later load run
        // signs with them: the signing check (auth_time) still runs, over a window the run fits in.
        SIGNING_MAX_AGE: '86400',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...(options.role ? { ENGINE_ROLE: options.role } : {}),
        ...(options.apiProcesses ? { ENGINE_API_PROCESSES: String(options.apiProcesses) } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const engine = new EngineProcess(child, `http://127.0.0.1:${port}`, options.profileDir);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`engine exited with ${child.exitCode}:\n${engine.output}`);
      try {
        const response = await fetch(`${engine.baseUrl}/ready`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await engine.kill();
        throw new Error(`engine not ready within 120 s:\n${engine.output}`);
      }
      await sleep(200);
    }
    engine.sampler = setInterval(() => engine.sample(), 250);
    engine.sampler.unref();
    return engine;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The engine's processes: this one and those it forked (an API cluster's workers). */
  pids(): number[] {
    return [this.pid, ...descendantsOf(this.pid)];
  }

  /** Peak RSS: the kernel's VmHWM (exact) and the sampled VmRSS maximum. */
  memory(): { rssKiB: number; peakKiB: number } {
    const now = memoryOf(this.pid);
    this.sample();
    return { rssKiB: now?.rssKiB ?? 0, peakKiB: Math.max(now?.hwmKiB ?? 0, this.peakRssKiB) };
  }

  log(): string {
    return this.output;
  }

  /**
   * SIGTERM (graceful: in-flight requests finish, pools close; the CPU profile is written). An API
   * cluster's primary passes it on to its workers and exits after them; whatever is still running
   * after 60 s, or after the primary, is killed.
   */
  async stop(): Promise<{ profile?: string }> {
    if (this.sampler) clearInterval(this.sampler);
    const forked = descendantsOf(this.pid);
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      const timeout = sleep(60_000).then(() => 'timeout' as const);
      if ((await Promise.race([this.exited, timeout])) === 'timeout') await this.kill();
    }
    killStragglers(forked);
    if (!this.profileDir) return {};
    const files = (await readdir(this.profileDir)).filter((file) => file.endsWith('.cpuprofile'));
    // An API cluster writes one profile per process: the largest is a busy worker's, not the idle primary's.
    const largest = files
      .map((file) => join(this.profileDir!, file))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0];
    return { profile: largest };
  }

  /** SIGKILL to the engine and every process it forked. */
  private async kill(): Promise<void> {
    const forked = descendantsOf(this.pid);
    this.child.kill('SIGKILL');
    killStragglers(forked);
    await this.exited;
  }

  private sample(): void {
    const memory = memoryOf(this.pid);
    if (memory) this.peakRssKiB = Math.max(this.peakRssKiB, memory.rssKiB);
  }

  private remember(chunk: Buffer): void {
    this.output += chunk.toString();
    if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
  }
}

/** SIGKILL to those of `pids` still running the engine (a pid reused since by another program is left alone). */
function killStragglers(pids: number[]): void {
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bench-main.js')) continue;
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Waits until the machine is quiet (other work below `thresholdCores` busy over a second), at most
 * `maxWaitMs`; returns the busy cores last measured. On a shared machine a load run started while
 * someone else compiles measures them, not the engine.
 */
export async function waitForQuiet(maxWaitMs: number, thresholdCores = 0.4): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const before = machineCpu();
    await sleep(1_000);
    const after = machineCpu();
    const busy = (after.busy - before.busy) / 1;
    if (busy <= thresholdCores || Date.now() >= deadline) return Math.round(busy * 100) / 100;
  }
}

/**
 * CPU of the PostgreSQL backends serving one database, by application_name (event-store,
 * engine-read-models, bench-…), over a window: where the server's share goes.
 */
export class DatabaseCpuWindow {
  private before = new Map<number, number>();

  constructor(
    private readonly adminQuery: (
      sql: string,
      values: unknown[],
    ) => Promise<Array<{ pid: number; app: string }>>,
    private readonly database: string,
  ) {}

  private backends(): Promise<Array<{ pid: number; app: string }>> {
    return this.adminQuery(
      `SELECT pid, coalesce(nullif(application_name, ''), backend_type) AS app FROM pg_stat_activity WHERE datname = $1`,
      [this.database],
    );
  }

  async start(): Promise<void> {
    this.before = new Map((await this.backends()).map(({ pid }) => [pid, cpuSecondsOf(pid)]));
  }

  /** Cores used per application over `seconds` (backends started meanwhile count from zero). */
  async stop(seconds: number): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const { pid, app } of await this.backends()) {
      const used = cpuSecondsOf(pid) - (this.before.get(pid) ?? 0);
      result[app] = (result[app] ?? 0) + used / seconds;
    }
    for (const key of Object.keys(result)) result[key] = Math.round(result[key] * 100) / 100;
    return result;
  }
}
