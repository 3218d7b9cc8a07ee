/**
 * End-to-end benchmark: the engine's speed against the physical limits of this machine.
 *
 *   npm run bench                 full run (~10 min): 1,000,000 events for the rebuild
 *   npm run bench -- --quick      under two minutes: shorter loads, 100,000 events
 *   npm run bench -- --scale      also the scale phase: 10,000,000 events (~15 GB of disk, hours)
 *
 * Options: --out=<file.json> (default docs/benchmarks.json; the Markdown goes beside it with .md),
 * --compare=<earlier.json> (adds a before/after table), --profile[=commands,roles,rebuild,replay]
 * (`node --cpu-prof` of the engine during those phases, summarised into the report),
 * --only=commands,roles,rebuild,replay,peer, --rebuild-events=N, --scale-events=N (a reduced scale check),
 * --engine=<a build's dist/src> (run that engine, with its dist/bench/e2e beside it, instead of this
 * tree's, for a before/after table).
 *
 * It creates a fresh `bench_<random>` database (local PostgreSQL on 127.0.0.1:5432, else
 * BENCH_ADMIN_DATABASE_URL, else the embedded one), runs the engine as a separate process
 * (`node dist/bench/e2e/bench-main.js`: the engine plus bench-routes.module.ts) per phase, and drops
 * the database at the end.
 * Every engine figure is divided by a baseline measured in the same run: a bare route of the same
 * app (same hooks, JWT and validation, no store), raw durable INSERTs at the same concurrency, a
 * raw ordered read of the same table, a raw read of the same stream, idle memory. The peer phase runs
 * the event-store workload through Emmett's PostgreSQL event store beside ours (bench/peer).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { emmettPeerPhase } from '../peer/emmett-peer.bench.js';
import { createBaselineTable, rawInserts, rawOrderedRead, rawStreamReads, sampleEvent } from './baselines.js';
import { createBenchDatabase, serverSettings, withClient, type BenchDatabase } from './database.js';
import {
  CpuWindow,
  DatabaseCpuWindow,
  type EngineOptions,
  EngineProcess,
  machineCpu,
  snapshotEngine,
  waitForQuiet,
} from './engine.js';
import { ADDENDUM_TEXTS, findingsFor, READERS } from './fixtures.js';
import {
  ADMIN,
  call,
  COORDINATOR,
  load,
  type LoadResult,
  MEDICO_LEGAL,
  projectionStatus,
  QUALITY,
  radiologist,
  Tokens,
  waitForProjections,
} from './http.js';
import { LagProbe } from './lag.js';
import { OpinionRequests } from './opinion-requests.js';
import { summariseProfile } from './profile.js';
import { formatMarkdown, machine, markdown, type Report, type Row, textTable } from './report.js';
import {
  type HotCase,
  InProcessCommands,
  replicateTemplates,
  seedHotCases,
  seedLongCase,
  seedTemplateCases,
} from './seed.js';
import { int, log, mib, ms, pick, sleep, summarise } from './util.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const args = process.argv.slice(2);
const flag = (name: string): boolean =>
  args.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
const option = (name: string): string | undefined =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

const quick = flag('quick');
const scale = flag('scale');
const mode: Report['mode'] = scale ? 'scale' : quick ? 'quick' : 'full';
const only = option('only')?.split(',') ?? ['commands', 'roles', 'rebuild', 'replay', 'peer'];
const profiled = new Set(flag('profile') ? (option('profile')?.split(',') ?? ['commands']) : []);
const outJson = resolve(option('out') ?? join(ROOT, 'docs/benchmarks.json'));
const outMarkdown = outJson.replace(/\.json$/, '') + '.md';

const CONNECTIONS = 50;
const settings = quick
  ? {
      loadSeconds: 4,
      opinions: 3_000,
      halfLoad: 800,
      warmup: 400,
      rolesOpinions: 2_000,
      rebuildEvents: 40_000,
      replayRequests: 300,
      querySeconds: 1,
    }
  : {
      loadSeconds: 15,
      opinions: 20_000,
      halfLoad: 5_000,
      warmup: 2_000,
      rolesOpinions: 20_000,
      rebuildEvents: 1_000_000,
      replayRequests: 1_000,
      querySeconds: 5,
    };
const rebuildEvents = Number(option('rebuild-events') ?? settings.rebuildEvents);
const scaleEvents = Number(option('scale-events') ?? 10_000_000);
const HOT_CASES = 10;
const REPLAY_EVENTS = 1_000;
const PROJECTIONS = ['audit-trail', 'worklist', 'reader-metrics', 'opinion-shopping', 'sla-watch'];

const rows: Row[] = [];
/** What the figures say about the limits, with the numbers of this run. */
const analysis: string[] = [];
const engines = new Set<EngineProcess>();
/** Busy cores of the machine measured just before each timed run (other work on a shared machine). */
const background: Record<string, number> = {};

async function quiet(label: string): Promise<void> {
  const busy = await waitForQuiet(quick ? 15_000 : 120_000);
  background[label] = busy;
  if (busy > 0.4) log(`   (the machine is busy with other work: ${busy} cores before ${label})`);
}
const notes: string[] = [];
const details: Record<string, unknown> = {};
const profiles: Report['profiles'] = [];

const within = (value: number, limit: number): boolean => value <= limit;
const atLeast = (ratio: number, limit: number): boolean => ratio >= limit;

function statusesText(result: LoadResult): string {
  const failed = Object.entries(result.statuses).filter(([code]) => !code.startsWith('2'));
  const parts = failed.map(([code, count]) => `${code} × ${int(count)}`);
  if (result.errors > 0) parts.push(`no response × ${int(result.errors)}`);
  return parts.length === 0
    ? `0 of ${int(result.requests)}`
    : `${parts.join(', ')} of ${int(result.requests)}`;
}

interface Context {
  db: BenchDatabase;
  secret: string;
  tokens: Tokens;
  commands: InProcessCommands;
  profileRoot: string;
  /** Where the engine's build is run from (a private copy of dist/src and dist/bench/e2e). */
  engineRoot: string;
  /** Read-query latencies measured after the rebuild, the baseline of the scale phase. */
  queriesAtRebuild?: Record<string, LoadResult>;
  eventsAtRebuild?: number;
  /** SubmitOpinion with one engine process of role `all` (the commands phase), beside the roles phase's figures. */
  allRole?: { rps: number; cpuMsPerRequest: number; caughtUpCpuMsPerRequest: number };
}

/** CPU of the database's backends by application over a window (see DatabaseCpuWindow). */
async function databaseCpu(
  context: Context,
): Promise<{ stop(seconds: number): Promise<Record<string, number>> }> {
  const client = new pg.Client({ connectionString: context.db.adminUrl, application_name: 'bench-cpu' });
  await client.connect();
  const window = new DatabaseCpuWindow(
    async (sql, values) => (await client.query<{ pid: number; app: string }>(sql, values)).rows,
    context.db.name,
  );
  await window.start();
  return {
    async stop(seconds: number) {
      try {
        return await window.stop(seconds);
      } finally {
        await client.end();
      }
    },
  };
}

async function startEngine(
  context: Context,
  phase: string,
  profile = profiled.has(phase),
  roles: Pick<EngineOptions, 'role' | 'apiProcesses'> = {},
): Promise<EngineProcess> {
  const profileDir = profile ? join(context.profileRoot, phase) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const engine = await EngineProcess.start({
    root: context.engineRoot,
    databaseUrl: context.db.url,
    jwtSecret: context.secret,
    profileDir,
    ...roles,
  });
  engines.add(engine);
  log(`engine for ${phase}: pid ${engine.pid} on ${engine.baseUrl}${profileDir ? ' (CPU-profiled)' : ''}`);
  return engine;
}

async function stopEngine(
  engine: EngineProcess,
  phase: string,
  /** null: no memory row (the figure would be of one process of several, or of the profiler). */
  idleKiB: number | null,
  /** Summarise the profile from the first sample in a file matching `pattern` on, `what` naming that moment. */
  profileFrom?: { pattern: RegExp; what: string },
): Promise<void> {
  const { peakKiB } = engine.memory();
  const { profile } = await engine.stop();
  engines.delete(engine);
  if (idleKiB !== null)
    rows.push({
      id: `memory.${phase}`,
      measure: `Engine peak RSS, ${phase} phase`,
      engine: mib(peakKiB * 1024),
      baseline: `idle after start ${mib(idleKiB * 1024)}`,
      ratio: peakKiB / idleKiB,
      target: '',
      ok: null,
      values: { peakKiB, idleKiB },
    });
  if (profile) {
    const summary = await summariseProfile(profile, 20, profileFrom?.pattern);
    const span = profileFrom
      ? `the ${phase} phase from ${profileFrom.what} on (start-up left out)`
      : `the whole ${phase} phase`;
    const lines = [
      `\`node --cpu-prof\` of the engine process for ${span}: ${summary.seconds} s, of which ${summary.busySeconds} s busy; shares are of the busy time.`,
      '',
      '| self time | function | where |',
      '| ---: | --- | --- |',
      ...summary.functions.map((f) => `| ${f.percent}% | ${f.name.replace(/\|/g, '\\|')} | ${f.where} |`),
      '',
      '| self time | module |',
      '| ---: | --- |',
      ...summary.modules.map((m) => `| ${m.percent}% | ${m.module} |`),
      '',
      '| inclusive | engine area |',
      '| ---: | --- |',
      ...summary.inclusive.map((a) => `| ${a.percent}% | ${a.area} |`),
    ];
    profiles.push({ phase, text: lines.join('\n') });
    details[`profile.${phase}`] = { file: profile, ...summary };
    log(`profile of ${phase}: ${profile}`);
    for (const f of summary.functions.slice(0, 12))
      log(`  ${String(f.percent).padStart(5)}%  ${f.name}  ${f.where}`);
  }
}

async function idleRss(engine: EngineProcess): Promise<number> {
  await sleep(1_000);
  return engine.memory().rssKiB;
}

// ---------------------------------------------------------------------------------------------
// 1 and 2: commands over HTTP, projection lag under that load

/** The warm-up SubmitOpinion requests of a run; each must succeed, or the run would measure errors. */
async function warmUp(url: string, opinions: OpinionRequests): Promise<void> {
  const warm = await load({
    url,
    connections: CONNECTIONS,
    amount: settings.warmup,
    next: () => opinions.next(),
  });
  if (warm.non2xx > 0) throw new Error(`warm-up answered ${JSON.stringify(warm.statuses)}`);
}

async function commandsPhase(context: Context): Promise<void> {
  log('== commands: seeding cases with started reads (command path, in process)');
  // The measured engine is never profiled; --profile=commands profiles a second one below.
  const engine = await startEngine(context, 'commands', false);
  const idle = await idleRss(engine);
  const admin = await context.tokens.for(ADMIN);
  const profiling = profiled.has('commands');
  const total = (settings.opinions + settings.warmup) * (profiling ? 2 : 1) + settings.halfLoad + 1_000;
  const opinions = await OpinionRequests.seed(context.commands, context.tokens, total);
  const hot = await seedHotCases(context.commands, HOT_CASES);
  await waitForProjections(engine.baseUrl, admin, 600_000);
  const url = engine.baseUrl;

  log(`== warm-up: ${settings.warmup} SubmitOpinion and bare requests`);
  await warmUp(url, opinions);
  const bareRequest = () => opinions.bare();
  await load({ url, connections: CONNECTIONS, duration: 2, next: bareRequest });

  log('== bare endpoint (same hooks, JWT, validation; no store)');
  await quiet('bare route');
  const bareWindow = new CpuWindow(engine.pid);
  bareWindow.start();
  const bare = await load({
    url,
    connections: CONNECTIONS,
    duration: settings.loadSeconds,
    next: bareRequest,
  });
  const bareCpu = bareWindow.stop();
  log(
    `   ${int(bare.rps)} req/s, p50 ${ms(bare.p50)}, p99 ${ms(bare.p99)}; engine ${bareCpu.engineCores.toFixed(2)} cores (${((bareCpu.engineCores * 1000) / bare.rps).toFixed(2)} ms CPU a request), machine ${bareCpu.machineBusyCores.toFixed(2)}`,
  );

  log(
    `== SubmitOpinion spread over ${int(opinions.cases)} cases, ${int(settings.opinions)} requests, with lag probe`,
  );
  await waitForProjections(engine.baseUrl, admin, 120_000);
  await quiet('SubmitOpinion run');
  const probe = new LagProbe(context.db.url, ['audit-trail', 'worklist']);
  await probe.start();
  const cpu = new CpuWindow(engine.pid);
  const dbCpu = await databaseCpu(context);
  cpu.start();
  const spread = await load({
    url,
    connections: CONNECTIONS,
    amount: settings.opinions,
    next: () => opinions.next(),
  });
  const spreadCpu = { ...cpu.stop(), postgresCoresByApplication: {} as Record<string, number> };
  spreadCpu.postgresCoresByApplication = await dbCpu.stop(spreadCpu.seconds);
  const lag = await probe.stop(30_000);
  // The engine's CPU until every projection has applied the run: what the roles phase's API + projector compare with.
  await waitForProjections(engine.baseUrl, admin, 120_000);
  const caughtUpCpu = cpu.stop();
  const otherTransactionsMs = probe.otherTransactionsMs;
  log(
    `   ${int(spread.rps)} req/s, p50 ${ms(spread.p50)}, p99 ${ms(spread.p99)}, p99.9 ${ms(spread.p999)}; ${statusesText(spread)}; engine ${spreadCpu.engineCores.toFixed(2)} cores, machine ${spreadCpu.machineBusyCores.toFixed(2)} cores busy; PostgreSQL cores ${JSON.stringify(spreadCpu.postgresCoresByApplication)}`,
  );

  // The same requests at half the rate just measured: lag when the engine is not saturated.
  const halfRate = Math.max(10, Math.round(spread.rps / 2));
  log(`== SubmitOpinion at half that rate (${halfRate} req/s), with lag probe`);
  await waitForProjections(engine.baseUrl, admin, 120_000);
  const halfProbe = new LagProbe(context.db.url, ['audit-trail', 'worklist']);
  await halfProbe.start();
  const half = await load({
    url,
    connections: CONNECTIONS,
    amount: settings.halfLoad,
    overallRate: halfRate,
    next: () => opinions.next(),
  });
  const halfLag = await halfProbe.stop(30_000);
  log(
    `   ${int(half.rps)} req/s, p50 ${ms(half.p50)}, p99 ${ms(half.p99)}; lag p99 audit-trail ${ms(halfLag['audit-trail'].p99)}, worklist ${ms(halfLag.worklist.p99)}`,
  );

  log(`== hot-case mix: addenda and reference standards on ${HOT_CASES} cases`);
  await waitForProjections(engine.baseUrl, admin, 120_000);
  await quiet('hot mix');
  const hotResult = await hotMix(context, url, hot);
  log(
    `   ${int(hotResult.rps)} req/s, p50 ${ms(hotResult.p50)}, p99 ${ms(hotResult.p99)}; ${statusesText(hotResult)}`,
  );
  await stopEngine(engine, 'commands', idle);
  if (profiling) {
    // A CPU profile of exactly the SubmitOpinion load: a fresh engine, warm-up, the same run again.
    const profiledEngine = await startEngine(context, 'commands', true);
    const profiledIdle = await idleRss(profiledEngine);
    const profiledUrl = profiledEngine.baseUrl;
    await load({
      url: profiledUrl,
      connections: CONNECTIONS,
      amount: settings.warmup,
      next: () => opinions.next(),
    });
    const again = await load({
      url: profiledUrl,
      connections: CONNECTIONS,
      amount: settings.opinions,
      next: () => opinions.next(),
    });
    log(`   profiled run: ${int(again.rps)} req/s, p99 ${ms(again.p99)} (slower under the profiler)`);
    const before = rows.length;
    await stopEngine(profiledEngine, 'commands (profiled SubmitOpinion run)', profiledIdle);
    rows.splice(before); // its memory row measures the profiler too
  }

  // With the engine stopped: PostgreSQL and the disk alone, and its connection slots free.
  log('== raw durable single-row INSERTs, 50 clients');
  const event = await withClient(context.db.url, async (client) => {
    await createBaselineTable(client);
    return sampleEvent(client);
  });
  await quiet('raw inserts');
  const rawStarted = machineCpu();
  const raw = await rawInserts(context.db.url, CONNECTIONS, settings.loadSeconds, event);
  const rawEnded = machineCpu();
  const rawMachine = { machineBusyCores: (rawEnded.busy - rawStarted.busy) / raw.seconds };
  log(
    `   ${int(raw.rps)} inserts/s, p50 ${ms(raw.p50)}, p99 ${ms(raw.p99)}; machine ${rawMachine.machineBusyCores.toFixed(2)} cores busy`,
  );
  const cpuPerRequest = (spreadCpu.engineCores * 1000) / spread.rps;
  const bareCpuPerRequest = (bareCpu.engineCores * 1000) / bare.rps;
  context.allRole = {
    rps: spread.rps,
    cpuMsPerRequest: cpuPerRequest,
    caughtUpCpuMsPerRequest: (caughtUpCpu.engineCores * caughtUpCpu.seconds * 1000) / spread.requests,
  };
  const gate = lag['audit-trail'];
  analysis.push(
    `**Commands.** The engine is one Node.js process: its event loop is one core. During the SubmitOpinion run it used ${spreadCpu.engineCores.toFixed(2)} cores (${cpuPerRequest.toFixed(2)} ms of CPU a request; the bare route costs ${bareCpuPerRequest.toFixed(2)} ms of it: HTTP, JWT check, validation), so one process tops out near ${int(1000 / cpuPerRequest)} requests/s whatever the disk allows, while PostgreSQL used ${Object.values(
      spreadCpu.postgresCoresByApplication,
    )
      .reduce((a, b) => a + b, 0)
      .toFixed(
        2,
      )} cores for this database. The raw INSERT baseline is ${int(raw.rps)}/s because PostgreSQL alone, with ${CONNECTIONS} clients, batches the fsyncs of concurrent commits; 0.5× of it would need about ${((raw.rps * 0.5 * cpuPerRequest) / 1000).toFixed(1)} cores of engine at this cost per request — more than the machine has. With ${CONNECTIONS} connections and one saturated event loop, latency is queueing: p50 ≈ connections ÷ throughput = ${ms((CONNECTIONS * 1000) / spread.rps)}.`,
    `**Projection lag** under full load is queueing too: the projections run in the engine's event loop, behind the requests. Of the audit trail's p99 of ${ms(gate.p99)}, ${ms(gate.gatedP99)} (p99) is spent before the event is readable at all: the log is gated on the cluster's transaction horizon, which the engine's own projection transactions and group-committed appends hold back while the event loop is saturated. At half load the audit trail's p99 is ${ms(halfLag['audit-trail'].p99)}.`,
  );

  const latencyRows = (id: string, label: string, result: LoadResult): void => {
    rows.push(
      {
        id: `${id}.rps`,
        measure: `${label}: requests/s`,
        engine: int(result.rps),
        baseline: `raw INSERT ${int(raw.rps)}/s`,
        ratio: result.rps / raw.rps,
        target: '≥ 0.50×',
        ok: atLeast(result.rps / raw.rps, 0.5),
        values: { rps: result.rps, rawRps: raw.rps },
      },
      {
        id: `${id}.p50`,
        measure: `${label}: p50 latency`,
        engine: ms(result.p50),
        baseline: `raw INSERT ${ms(raw.p50)}`,
        ratio: result.p50 / raw.p50,
        target: '',
        ok: null,
        values: { p50: result.p50, rawP50: raw.p50 },
      },
      {
        id: `${id}.p99`,
        measure: `${label}: p99 latency`,
        engine: ms(result.p99),
        baseline: `raw INSERT ${ms(raw.p99)}`,
        ratio: result.p99 / raw.p99,
        target: '≤ 25 ms',
        ok: within(result.p99, 25),
        values: { p99: result.p99, rawP99: raw.p99 },
      },
      {
        id: `${id}.p999`,
        measure: `${label}: p99.9 latency`,
        engine: ms(result.p999),
        baseline: `raw INSERT ${ms(raw.p999)}`,
        ratio: result.p999 / raw.p999,
        target: '',
        ok: null,
        values: { p999: result.p999, rawP999: raw.p999 },
      },
      {
        id: `${id}.errors`,
        measure: `${label}: non-2xx`,
        engine: statusesText(result),
        baseline: 'raw INSERT: 0 errors',
        ratio: null,
        target: id === 'commands.spread' ? '0' : '',
        ok: id === 'commands.spread' ? result.non2xx + result.errors === 0 : null,
        values: { non2xx: result.non2xx, errors: result.errors },
      },
    );
  };
  latencyRows('commands.spread', `SubmitOpinion, ${int(opinions.cases)} cases, ${CONNECTIONS} conn.`, spread);
  rows.push({
    id: 'commands.spread.vsBare',
    measure: 'SubmitOpinion vs the bare route: requests/s',
    engine: int(spread.rps),
    baseline: `bare route ${int(bare.rps)}/s (p99 ${ms(bare.p99)})`,
    ratio: spread.rps / bare.rps,
    target: '',
    ok: null,
    values: { rps: spread.rps, bareRps: bare.rps, bareP50: bare.p50, bareP99: bare.p99 },
  });
  latencyRows('commands.hot', `Hot mix, ${HOT_CASES} cases, ${CONNECTIONS} conn.`, hotResult);

  for (const [name, summary] of Object.entries(halfLag)) {
    rows.push({
      id: `lag.half.${name}.p99`,
      measure: `Projection lag at half load (${int(half.rps)} req/s), ${name}: p99`,
      engine: ms(summary.p99),
      baseline: `raw INSERT ${ms(raw.p99)}`,
      ratio: summary.p99 / raw.p99,
      target: '',
      ok: null,
      values: { p99: summary.p99, p50: summary.p50, events: summary.count, rps: half.rps },
    });
  }
  for (const [name, summary] of Object.entries(lag)) {
    for (const p of ['p50', 'p99'] as const) {
      rows.push({
        id: `lag.${name}.${p}`,
        measure: `Projection lag under full load, ${name}: ${p}`,
        engine: ms(summary[p]),
        baseline: `raw INSERT ${ms(raw[p])}`,
        ratio: summary[p] / raw[p],
        target: p === 'p99' ? '≤ 250 ms' : '',
        ok: p === 'p99' ? within(summary.p99, 250) : null,
        values: { [p]: summary[p], events: summary.count, rawInsert: raw[p] },
      });
    }
    rows.push({
      id: `lag.${name}.gated`,
      measure: `… of which until readable (cluster xmin passed), ${name}: p50 / p99`,
      engine: `${ms(summary.gatedP50)} / ${ms(summary.gatedP99)}`,
      baseline: `lag ${ms(summary.p50)} / ${ms(summary.p99)}`,
      ratio: summary.gatedP99 / summary.p99,
      target: '',
      ok: null,
      values: { gatedP50: summary.gatedP50, gatedP99: summary.gatedP99, otherTransactionsMs },
    });
  }
  details.commands = {
    spread,
    bare,
    raw,
    hot: hotResult,
    lag,
    half: { result: half, lag: halfLag },
    longestTransactionInOtherDatabasesMs: otherTransactionsMs,
    cpu: {
      spread: { ...spreadCpu, engineCpuMsPerRequest: (spreadCpu.engineCores * 1000) / spread.rps },
      bare: { ...bareCpu, engineCpuMsPerRequest: (bareCpu.engineCores * 1000) / bare.rps },
      rawInserts: rawMachine,
    },
  };
  notes.push(
    `**Commands.** ${int(opinions.cases)} cases, each with two blinded primaries whose reads have started, are seeded through the engine's own command path (in the benchmark's process). autocannon then sends ${int(settings.opinions)} real SubmitOpinion requests (${CONNECTIONS} connections, radiologist HS256 tokens, 3–5 findings and a paragraph of impression each) after a warm-up of ${int(settings.warmup)}; every request consumes one started assignment, so each one succeeds. Half the cases have no prior report, so their second opinion also appends the discordance check and escalation or consensus (30% disagree). Baselines: the bare route \`POST /api/v1/bench/cases/{id}/opinions\` (added by the benchmark's engine entry: same hooks, JWT verification, role check, JSON parsing and DTO validation, 201 without the store) for ${settings.loadSeconds} s, and durable single-row INSERTs (one fsynced commit each) by ${CONNECTIONS} \`pg\` clients into \`bench_baseline.events\` (LIKE event_store.events INCLUDING ALL) with a stored OpinionSubmitted's data and metadata, for ${settings.loadSeconds} s.`,
    `**Hot mix.** ${settings.loadSeconds} s of AppendAddendum (by the opinion's author) and RecordReferenceStandard (coordinator), half each, spread at random over ${HOT_CASES} cases by ${CONNECTIONS} connections: about ${CONNECTIONS / HOT_CASES} writers per stream at once, each command reading and folding a stream that grows during the run. Within the engine, commands on one stream take turns (CommandPath) and hand the folded state on; before that change they raced, re-read and re-decided on every conflict, and gave up with 409 \`concurrency-conflict\` after 10 attempts.`,
    `**Raw INSERTs** run after the engine of this phase has stopped: PostgreSQL and the disk alone.`,
    `**Projection lag.** During the SubmitOpinion run (full load), and again during ${int(settings.halfLoad)} more at half the rate it reached (open loop, autocannon \`overallRate\`), a probe reads the serving generation's checkpoint of \`audit-trail\` and \`worklist\` every 10 ms (the checkpoint moves in the transaction that writes the rows); for every event newly covered it takes (time seen − recordedAt) on the database clock. recordedAt is the start of the append transaction; the 10 ms polling adds 5 ms on average. "Until readable" is the part of it spent before the cluster's transaction horizon (\`pg_snapshot_xmin\`, sampled by the same probe) passed the event's transaction: the log is read with transaction-visibility gating, so an event waits for every transaction that began before it, the engine's own projection batches included. The longest transaction open in other databases of the server during the run is in the details.`,
  );
}

async function hotMix(context: Context, url: string, hot: HotCase[]): Promise<LoadResult> {
  const coordinator = await context.tokens.for(COORDINATOR);
  const authorTokens = new Map<string, string>();
  for (const c of hot)
    for (const o of c.opinions)
      authorTokens.set(o.readerId, await context.tokens.for(radiologist(o.readerId)));
  return load({
    url,
    connections: CONNECTIONS,
    duration: settings.loadSeconds,
    next: () => {
      const target = pick(hot);
      if (Math.random() < 0.5) {
        const opinion = pick(target.opinions);
        return {
          path: `/api/v1/cases/${target.caseId}/opinions/${opinion.opinionId}/addenda`,
          headers: {
            authorization: `Bearer ${authorTokens.get(opinion.readerId)!}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ text: pick(ADDENDUM_TEXTS), reason: 'Reviewed additional views' }),
        };
      }
      return {
        path: `/api/v1/cases/${target.caseId}/reference-standard`,
        headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          source: pick(['pathology', 'follow-up-imaging', 'clinical-outcome']),
          findings: findingsFor(target.plan, Math.random() < 0.2),
          note: 'Result received from the referring hospital.',
        }),
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Process roles: a projector process, the API in 1 and then 2 processes of its own

interface RolesRun {
  processes: number;
  result: LoadResult;
  /** Engine CPU per request (ms): the API processes (with the cluster's primary), the projector. */
  apiCpuMs: number;
  /** Of apiCpuMs, the cluster's primary (which hands connections to the workers); 0 with one process. */
  primaryCpuMs: number;
  projectorCpuMs: number;
  apiCores: number;
  machineBusyCores: number;
}

async function rolesPhase(context: Context): Promise<void> {
  log('== roles: a projector process, and the API in 1 then 2 processes (ENGINE_ROLE=api)');
  const profiling = profiled.has('roles');
  const perRun = settings.warmup + settings.rolesOpinions;
  const opinions = await OpinionRequests.seed(
    context.commands,
    context.tokens,
    perRun * (profiling ? 3 : 2) + 200,
  );
  const admin = await context.tokens.for(ADMIN);
  const projector = await startEngine(context, 'roles: projector', false, { role: 'projector' });
  const runs: RolesRun[] = [];
  for (const processes of [1, 2]) {
    const api = await startEngine(context, `roles: ${processes} API`, false, {
      role: 'api',
      apiProcesses: processes,
    });
    const url = api.baseUrl;
    await waitForProjections(url, admin, 600_000);
    await warmUp(url, opinions);
    await waitForProjections(url, admin, 120_000);
    await quiet(`roles, ${processes} API processes`);
    const apiWindow = new CpuWindow(() => api.pids());
    const primaryWindow = new CpuWindow(api.pid);
    const projectorWindow = new CpuWindow(projector.pid);
    apiWindow.start();
    primaryWindow.start();
    projectorWindow.start();
    const result = await load({
      url,
      connections: CONNECTIONS,
      amount: settings.rolesOpinions,
      next: () => opinions.next(),
    });
    const apiCpu = apiWindow.stop();
    const primaryCpu = primaryWindow.stop();
    // The projector's share of this run includes the events it applies after the load has ended.
    await waitForProjections(url, admin, 300_000);
    const projectorCpu = projectorWindow.stop();
    const perRequest = (window: { engineCores: number; seconds: number }): number =>
      (window.engineCores * window.seconds * 1000) / result.requests;
    const run: RolesRun = {
      processes,
      result,
      apiCpuMs: perRequest(apiCpu),
      primaryCpuMs: processes > 1 ? perRequest(primaryCpu) : 0,
      projectorCpuMs: perRequest(projectorCpu),
      apiCores: apiCpu.engineCores,
      machineBusyCores: apiCpu.machineBusyCores,
    };
    runs.push(run);
    log(
      `   ${processes} API process(es): ${int(result.rps)} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}; ${statusesText(result)}; CPU a request: API ${run.apiCpuMs.toFixed(2)} ms (${apiCpu.engineCores.toFixed(2)} cores, ${api.pids().length} processes; primary ${run.primaryCpuMs.toFixed(2)} ms), projector ${run.projectorCpuMs.toFixed(2)} ms; machine ${apiCpu.machineBusyCores.toFixed(2)} cores busy`,
    );
    await stopEngine(api, `roles: ${processes} API`, null);
  }
  await stopEngine(projector, 'roles: projector', null);

  if (profiling) {
    // A CPU profile of one API process under the same load, apart from the measured runs (the profiler slows it).
    const profiledProjector = await startEngine(context, 'roles: projector', false, { role: 'projector' });
    const api = await startEngine(context, 'roles', true, { role: 'api', apiProcesses: 1 });
    await load({
      url: api.baseUrl,
      connections: CONNECTIONS,
      amount: settings.warmup,
      next: () => opinions.next(),
    });
    const again = await load({
      url: api.baseUrl,
      connections: CONNECTIONS,
      amount: settings.rolesOpinions,
      next: () => opinions.next(),
    });
    log(`   profiled API process: ${int(again.rps)} req/s, p99 ${ms(again.p99)} (slower under the profiler)`);
    await stopEngine(api, 'roles (profiled API process, SubmitOpinion run)', null, {
      pattern: /application\/command-path\/command-path\.js/,
      what: 'its first command',
    });
    await stopEngine(profiledProjector, 'roles: projector', null);
  }

  const [one, two] = runs;
  const all = context.allRole;
  const plural = (n: number): string => `${n} API process${n === 1 ? '' : 'es'}`;
  for (const run of runs) {
    const id = `roles.api${run.processes}`;
    const label = `SubmitOpinion, ${plural(run.processes)} + a projector, ${CONNECTIONS} conn.`;
    const total = run.apiCpuMs + run.projectorCpuMs;
    // The API side beside the all-role engine over its load; the projector and the sum beside it until caught up.
    const versusAll = (value: number, caughtUp: boolean) =>
      all
        ? caughtUp
          ? {
              baseline: `one process, role all, until caught up ${all.caughtUpCpuMsPerRequest.toFixed(2)} ms`,
              ratio: value / all.caughtUpCpuMsPerRequest,
            }
          : {
              baseline: `one process, role all, over the load ${all.cpuMsPerRequest.toFixed(2)} ms`,
              ratio: value / all.cpuMsPerRequest,
            }
        : { baseline: '— (commands phase not run)', ratio: null };
    const rpsBaseline =
      run === one
        ? all
          ? { baseline: `one process, role all ${int(all.rps)}/s`, ratio: run.result.rps / all.rps }
          : { baseline: '— (commands phase not run)', ratio: null }
        : {
            baseline: `${plural(one.processes)} ${int(one.result.rps)}/s`,
            ratio: run.result.rps / one.result.rps,
          };
    rows.push(
      {
        id: `${id}.rps`,
        measure: `${label}: requests/s`,
        engine: int(run.result.rps),
        ...rpsBaseline,
        target: '',
        ok: null,
        values: { rps: run.result.rps, p50: run.result.p50, p99: run.result.p99 },
      },
      {
        id: `${id}.errors`,
        measure: `${label}: non-2xx`,
        engine: statusesText(run.result),
        baseline: '',
        ratio: null,
        target: '0',
        ok: run.result.non2xx + run.result.errors === 0,
        values: { non2xx: run.result.non2xx, errors: run.result.errors },
      },
      {
        id: `${id}.cpu.api`,
        measure: `Engine CPU per SubmitOpinion, ${plural(run.processes)}: the API side${run.processes > 1 ? ' (workers and primary)' : ''}`,
        engine: `${run.apiCpuMs.toFixed(2)} ms`,
        ...versusAll(run.apiCpuMs, false),
        target: '',
        ok: null,
        values: { cpuMs: run.apiCpuMs, primaryCpuMs: run.primaryCpuMs, cores: run.apiCores },
      },
      {
        id: `${id}.cpu.projector`,
        measure: `Engine CPU per SubmitOpinion, ${plural(run.processes)}: the projector`,
        engine: `${run.projectorCpuMs.toFixed(2)} ms`,
        ...versusAll(run.projectorCpuMs, true),
        target: '',
        ok: null,
        values: { cpuMs: run.projectorCpuMs },
      },
      {
        id: `${id}.cpu.total`,
        measure: `Engine CPU per SubmitOpinion, ${plural(run.processes)}: API side + projector`,
        engine: `${total.toFixed(2)} ms`,
        ...versusAll(total, true),
        target: '',
        ok: null,
        values: { cpuMs: total },
      },
    );
  }
  details.roles = runs;
  notes.push(
    `**Process roles.** On the same database, one engine process with \`ENGINE_ROLE=projector\` (projections, process managers, background workers) runs throughout; the API runs beside it as \`ENGINE_ROLE=api\` with \`ENGINE_API_PROCESSES=1\`, then as a fresh engine with \`=2\` (a node:cluster primary and two workers sharing the port). Each gets ${int(settings.warmup)} SubmitOpinion requests of warm-up, then ${int(settings.rolesOpinions)} measured ones, from the same kind of pool as the commands phase (${int(opinions.cases)} cases with two started reads; every request consumes one, so each succeeds), ${CONNECTIONS} connections. CPU per request: the API side is the user + system time of every process of the API engine (the primary and its workers, from /proc) over the load; the projector's is its time from the start of the load until every projection has caught up after it, so it covers all the events of the run. The API side is set beside the commands phase's engine (role \`all\`, one process) over its load, when its projections run behind the requests; the projector and the sum beside the same engine's time until its projections had caught up after the load.`,
  );
  analysis.push(
    `**Process roles.** One API process with the projector elsewhere: ${int(one.result.rps)} SubmitOpinion/s at ${one.apiCpuMs.toFixed(2)} ms of API CPU a request; two: ${int(two.result.rps)}/s (${(two.result.rps / one.result.rps).toFixed(2)}×) at ${two.apiCpuMs.toFixed(2)} ms, the API side using ${two.apiCores.toFixed(2)} cores while the machine had ${two.machineBusyCores.toFixed(2)} of ${machine('', '', {}).cores} busy. A second API process adds throughput only as far as a core is free: the projector (${two.projectorCpuMs.toFixed(2)} ms a request) and PostgreSQL share the same cores.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 3: rebuild from N events; read queries at that size

async function storedEvents(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows: counted } = await client.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM event_store.events',
    );
    return counted[0].count;
  });
}

async function seedEvents(context: Context, target: number): Promise<number> {
  const templates = await seedTemplateCases(context.commands, 64);
  return withClient(context.db.url, (client) => replicateTemplates(client, templates, target));
}

async function rebuildPhase(context: Context): Promise<void> {
  log(
    `== rebuild: seeding ${int(rebuildEvents)} events (64 template lifecycles through the command path, copied in SQL)`,
  );
  const before = await storedEvents(context.db.url);
  const events = await seedEvents(context, rebuildEvents);
  const engine = await startEngine(context, 'rebuild');
  const idle = engine.memory().rssKiB;
  const admin = await context.tokens.for(ADMIN);
  const catchUpStarted = performance.now();
  await waitForProjections(engine.baseUrl, admin, 4 * 3600_000, 'catch-up');
  const catchUpSeconds = (performance.now() - catchUpStarted) / 1000;
  log(
    `   live projections caught up on ${int(events - before)} new events in ${catchUpSeconds.toFixed(1)} s`,
  );

  log('== raw ordered read of event_store.events');
  await quiet('raw ordered read');
  const raw = await rawOrderedRead(context.db.url);
  log(`   ${int(raw.events)} events in ${raw.seconds.toFixed(1)} s: ${int(raw.rate)} events/s`);

  log(`== rebuild of all ${PROJECTIONS.length} projections from ${int(events)} events`);
  const generations = new Map(
    (await projectionStatus(engine.baseUrl, admin)).map((item) => [item.name, item.generation]),
  );
  await quiet('rebuild');
  const cpu = new CpuWindow(engine.pid);
  const dbCpu = await databaseCpu(context);
  cpu.start();
  const started = performance.now();
  for (const name of PROJECTIONS) {
    const { status } = await call(engine.baseUrl, admin, 'POST', `/api/v1/projections/${name}/rebuild`);
    if (status !== 202) throw new Error(`rebuild of ${name} answered ${status}`);
  }
  const done = new Map<string, number>();
  let lastReport = performance.now();
  while (done.size < PROJECTIONS.length) {
    for (const item of await projectionStatus(engine.baseUrl, admin)) {
      if (item.state === 'failed') throw new Error(`projection ${item.name} failed: ${item.error ?? '?'}`);
      if (
        !done.has(item.name) &&
        !item.rebuild &&
        item.generation !== generations.get(item.name) &&
        item.state === 'running'
      ) {
        done.set(item.name, (performance.now() - started) / 1000);
        log(`   ${item.name} rebuilt in ${done.get(item.name)!.toFixed(1)} s`);
      }
    }
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      const items = await projectionStatus(engine.baseUrl, admin);
      log(
        `   rebuilding: ${items
          .filter((i) => i.rebuild)
          .map((i) => `${i.name} ${int(i.rebuild!.lagEvents)} to go`)
          .join(', ')}`,
      );
    }
    await sleep(100);
  }
  const seconds = Math.max(...done.values());
  const rebuildCpu = { ...cpu.stop(), postgresCoresByApplication: {} as Record<string, number> };
  rebuildCpu.postgresCoresByApplication = await dbCpu.stop(rebuildCpu.seconds);
  log(
    `   engine ${rebuildCpu.engineCores.toFixed(2)} cores, machine ${rebuildCpu.machineBusyCores.toFixed(2)}; PostgreSQL cores ${JSON.stringify(rebuildCpu.postgresCoresByApplication)}`,
  );
  const rate = events / seconds;
  const [slowest] = [...done].sort((a, b) => b[1] - a[1]);
  rows.push(
    {
      id: 'rebuild.all',
      measure: `Rebuild of all ${PROJECTIONS.length} projections from ${int(events)} events: events/s`,
      engine: `${int(rate)} (${seconds.toFixed(1)} s)`,
      baseline: `raw ordered read ${int(raw.rate)}/s (${raw.seconds.toFixed(1)} s)`,
      ratio: rate / raw.rate,
      target: '≥ 0.50×',
      ok: atLeast(rate / raw.rate, 0.5),
      values: { rate, seconds, rawRate: raw.rate, rawSeconds: raw.seconds, events },
    },
    {
      id: 'rebuild.catchUp',
      measure: `Catch-up of the live projections on ${int(events - before)} new events: events/s`,
      engine: `${int((events - before) / catchUpSeconds)} (${catchUpSeconds.toFixed(1)} s)`,
      baseline: `raw ordered read ${int(raw.rate)}/s`,
      ratio: (events - before) / catchUpSeconds / raw.rate,
      target: '',
      ok: null,
      values: { rate: (events - before) / catchUpSeconds, seconds: catchUpSeconds },
    },
  );
  details.rebuild = {
    events,
    seconds,
    perProjectionSeconds: Object.fromEntries(done),
    slowest: slowest?.[0],
    raw,
    catchUpSeconds,
    cpu: rebuildCpu,
  };
  notes.push(
    `**Rebuild.** 64 complete case lifecycles (double reads, prior-report reviews, discordance and adjudication, closure, reference standards, addenda, reads of case data) are written through the command path, then copied in SQL (\`INSERT … SELECT\`, every UUID's last 12 hex digits replaced by the copy number) up to ${int(events)} events. The engine starts and its live projections catch up (timed: the catch-up row); then \`POST /api/v1/projections/{name}/rebuild\` for all ${PROJECTIONS.length} projections at once, timed until the last new generation serves. Events/s = events in the store ÷ that time (each projection reads them all, concurrently). Baseline: one client reading the whole table with \`SELECT * … WHERE global_position > $1 ORDER BY global_position LIMIT 500\` pages.`,
  );
  analysis.push(
    `**Rebuild.** During it the engine used ${rebuildCpu.engineCores.toFixed(2)} cores and PostgreSQL ${Object.values(
      rebuildCpu.postgresCoresByApplication,
    )
      .reduce((a, b) => a + b, 0)
      .toFixed(
        2,
      )} for this database (machine ${rebuildCpu.machineBusyCores.toFixed(2)} of ${machine('', '', {}).cores} busy): each projection is a sequential loop (read a batch, apply it in a transaction with its checkpoint, commit durably, read the next), five of them reading the whole log each, and writing every event as one or more indexed rows (the audit trail alone keeps seven indexes). The raw read does none of that: it is one client parsing rows. The slowest projection sets the figure: ${slowest ? `${slowest[0]} (${slowest[1].toFixed(1)} s)` : '—'}.`,
  );
  context.queriesAtRebuild = await readQueries(context, engine, 'rebuild');
  context.eventsAtRebuild = events;
  await stopEngine(engine, 'rebuild', idle);
}

/** `count` requests one after the other, timed here (for queries too slow for a timed autocannon run). */
async function timedRequests(
  url: string,
  next: () => { method: string; path: string; headers: Record<string, string> },
  count: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const request = next();
    const sent = performance.now();
    const response = await fetch(`${url}${request.path}`, {
      method: request.method,
      headers: request.headers,
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - sent);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = summarise(latencies);
  const non2xx = Object.entries(statuses)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  return { requests: count, seconds, rps: count / seconds, ...sorted, statuses, non2xx, errors: 0 };
}

/** p50/p99 of the worklist, audit-trail and metrics queries at the current size. */
async function readQueries(
  context: Context,
  engine: EngineProcess,
  label: string,
): Promise<Record<string, LoadResult>> {
  const quality = await context.tokens.for(QUALITY);
  const coordinator = await context.tokens.for(COORDINATOR);
  const caseIds = await withClient(context.db.url, async (client) => {
    const { rows: sample } = await client.query<{ id: string }>(
      `SELECT substr(stream_id, 6) AS id FROM event_store.streams WHERE stream_id LIKE 'case-%' ORDER BY random() LIMIT 500`,
    );
    return sample.map((row) => row.id);
  });
  const queries: Record<string, () => { method: string; path: string; headers: Record<string, string> }> = {
    'worklist (status filter)': () => ({
      method: 'GET',
      path: `/api/v1/cases?status=${pick(['in-review', 'closed', 'awaiting-adjudication'])}&limit=50`,
      headers: { authorization: `Bearer ${coordinator}` },
    }),
    'worklist (reader filter)': () => ({
      method: 'GET',
      path: `/api/v1/cases?readerId=${pick(READERS)}&limit=50`,
      headers: { authorization: `Bearer ${coordinator}` },
    }),
    'audit trail of a case': () => ({
      method: 'GET',
      path: `/api/v1/cases/${pick(caseIds)}/audit-trail`,
      headers: { authorization: `Bearer ${quality}` },
    }),
    'audit search by actor': () => ({
      method: 'GET',
      path: `/api/v1/audit-trail?actorId=${pick(READERS)}&limit=50`,
      headers: { authorization: `Bearer ${quality}` },
    }),
    'reader metrics': () => ({
      method: 'GET',
      path: '/api/v1/metrics/readers',
      headers: { authorization: `Bearer ${quality}` },
    }),
    "a reader's metrics": () => ({
      method: 'GET',
      path: `/api/v1/metrics/readers/${pick(READERS)}`,
      headers: { authorization: `Bearer ${quality}` },
    }),
  };
  const results: Record<string, LoadResult> = {};
  for (const [name, next] of Object.entries(queries)) {
    // A query that takes seconds would complete no request in a short timed run: time a few in a row instead.
    const probe = await timedRequests(engine.baseUrl, next, 1);
    const result =
      probe.p50 > 1_000
        ? await timedRequests(engine.baseUrl, next, 4)
        : await load({ url: engine.baseUrl, connections: 4, duration: settings.querySeconds, next });
    results[name] = result;
    log(
      `   ${label} ${name}: ${int(result.rps)} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}; ${statusesText(result)}`,
    );
  }
  details[`queries.${label}`] = results;
  return results;
}

// ---------------------------------------------------------------------------------------------
// 4: replay

async function replayPhase(context: Context): Promise<void> {
  log(`== replay: a case with ${REPLAY_EVENTS} events (addenda through the command path)`);
  const caseId = await seedLongCase(context.commands, REPLAY_EVENTS);
  const engine = await startEngine(context, 'replay');
  const idle = await idleRss(engine);
  const token = await context.tokens.for(MEDICO_LEGAL);
  const request = () => ({
    method: 'GET',
    path: `/api/v1/cases/${caseId}/history?revision=${Math.floor(Math.random() * REPLAY_EVENTS)}`,
    headers: { authorization: `Bearer ${token}` },
  });
  await load({ url: engine.baseUrl, connections: 1, amount: 50, next: request });
  await quiet('replay');
  const replay = await load({
    url: engine.baseUrl,
    connections: 1,
    amount: settings.replayRequests,
    next: request,
  });
  const raw = await rawStreamReads(context.db.url, `case-${caseId}`, settings.replayRequests);
  log(
    `   history: p50 ${ms(replay.p50)}, p99 ${ms(replay.p99)}; raw stream read p50 ${ms(raw.p50)}, p99 ${ms(raw.p99)}`,
  );
  rows.push(
    {
      id: 'replay.p50',
      measure: `History replay at a random revision of ${int(REPLAY_EVENTS)} events: p50`,
      engine: ms(replay.p50),
      baseline: `raw stream SELECT ${ms(raw.p50)}`,
      ratio: replay.p50 / raw.p50,
      target: '',
      ok: null,
      values: { p50: replay.p50, rawP50: raw.p50 },
    },
    {
      id: 'replay.p99',
      measure: `History replay at a random revision of ${int(REPLAY_EVENTS)} events: p99`,
      engine: ms(replay.p99),
      baseline: `raw stream SELECT ${ms(raw.p99)}`,
      ratio: replay.p99 / raw.p99,
      target: '≤ 20 ms',
      ok: within(replay.p99, 20) && replay.non2xx === 0,
      values: { p99: replay.p99, rawP99: raw.p99, non2xx: replay.non2xx },
    },
  );
  details.replay = { replay, raw };
  notes.push(
    `**Replay.** \`GET /api/v1/cases/{id}/history?revision=<random>\` (medico-legal token, one connection, ${int(settings.replayRequests)} requests after 50 of warm-up) on a case of ${int(REPLAY_EVENTS)} events (995 addenda). Each request reads the stream, verifies the whole hash chain and the log's leaves, folds the stream once, and records a durable CaseDataAccessed event (an fsynced append). Baseline: \`SELECT * FROM event_store.events WHERE stream_id = $1 ORDER BY stream_revision\` of the same stream with \`pg\`.`,
  );
  analysis.push(
    `**Replay** reads the whole stream (${int(REPLAY_EVENTS)} events) on every request and verifies all of it: its hash chain from the first event and each logged event against the log's leaf (the verdict covers the stream as read now; each event is hashed as read, SHA-256 of its JSON, and canonicalised (RFC 8785) only when that exact content was not seen before, so a changed row is still caught). It folds the stream once (up to the revision, then on to the current state, which decides what the caller may see), reads the log's leaves of its ${int(REPLAY_EVENTS)} events, sends on average ${int(REPLAY_EVENTS / 2)} events as JSON, and appends its own durable access event. The raw read alone takes ${ms(raw.p50)} (p50); see the replay profile (\`--profile=replay\`).`,
  );
  await stopEngine(engine, 'replay', idle);
}

// ---------------------------------------------------------------------------------------------
// 5: scale

async function scalePhase(context: Context): Promise<void> {
  log(`== scale: seeding up to ${int(scaleEvents)} events`);
  const events = await seedEvents(context, scaleEvents);
  const engine = await startEngine(context, 'scale');
  const idle = engine.memory().rssKiB;
  const admin = await context.tokens.for(ADMIN);
  const started = performance.now();
  await waitForProjections(engine.baseUrl, admin, 24 * 3600_000, 'catch-up');
  log(`   projections caught up in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const queries = await readQueries(context, engine, 'scale');
  const baseline = context.queriesAtRebuild;
  for (const [name, result] of Object.entries(queries)) {
    const small = baseline?.[name];
    rows.push({
      id: `scale.${name}`,
      measure: `${name} at ${int(events)} events: p99`,
      engine: ms(result.p99),
      baseline: small ? `at ${int(context.eventsAtRebuild ?? 0)} events ${ms(small.p99)}` : '—',
      ratio: small ? result.p99 / small.p99 : null,
      target: '',
      ok: null,
      values: { p99: result.p99, p50: result.p50, baselineP99: small?.p99 ?? Number.NaN },
    });
  }
  const sizes = await withClient(context.db.url, async (client) => {
    const { rows: table } = await client.query<{ bytes: string }>(
      `SELECT pg_total_relation_size('event_store.events')::text AS bytes`,
    );
    const { rows: models } = await client.query<{ name: string; bytes: string }>(
      `SELECT s.name, sum(pg_total_relation_size(c.oid))::text AS bytes
         FROM projections.projection_state s
         JOIN projections.projection_generations g ON g.name = s.name AND g.generation = s.active_generation
         JOIN pg_namespace n ON n.nspname = g.schema_name
         JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind = 'r'
        GROUP BY s.name`,
    );
    return {
      events: Number(table[0].bytes),
      models: Object.fromEntries(models.map((m) => [m.name, Number(m.bytes)])),
    };
  });
  const perMillion = (bytes: number): number => (bytes / events) * 1e6;
  const { rows: jsonRows } = await withClient(context.db.url, (client) =>
    client.query<{ avg: number }>(
      `SELECT avg(octet_length(data::text) + octet_length(metadata::text))::float8 AS avg FROM event_store.events TABLESAMPLE SYSTEM (0.1)`,
    ),
  );
  const jsonPerMillion = jsonRows[0].avg * 1e6;
  rows.push({
    id: 'scale.disk.events',
    measure: 'event_store.events on disk (table, TOAST, indexes) per million events',
    engine: mib(perMillion(sizes.events)),
    baseline: `event JSON text ${mib(jsonPerMillion)}`,
    ratio: perMillion(sizes.events) / jsonPerMillion,
    target: '',
    ok: null,
    values: { bytesPerMillion: perMillion(sizes.events), jsonPerMillion },
  });
  for (const [name, bytes] of Object.entries(sizes.models)) {
    rows.push({
      id: `scale.disk.${name}`,
      measure: `read model ${name} on disk per million events`,
      engine: mib(perMillion(bytes)),
      baseline: `events table ${mib(perMillion(sizes.events))}`,
      ratio: bytes / sizes.events,
      target: '',
      ok: null,
      values: { bytesPerMillion: perMillion(bytes) },
    });
  }
  details.scale = { events, sizes };
  notes.push(
    `**Scale.** The store is filled to ${int(events)} events the same way as for the rebuild, the live projections catch up, and each read query runs for ${settings.querySeconds} s on 4 connections: its p99 is divided by the same query's p99 measured after the rebuild (${int(context.eventsAtRebuild ?? 0)} events). Sizes are \`pg_total_relation_size\` per million events; the baseline is the events' JSON text.`,
  );
  await stopEngine(engine, 'scale', idle);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = performance.now();
  const date = new Date().toISOString();
  const engineSource = option('engine');
  const snapshot = await snapshotEngine(ROOT, engineSource ? resolve(engineSource) : undefined);
  const db = await createBenchDatabase();
  log(`benchmark (${mode}) on database ${db.name} (${db.server} PostgreSQL ${db.serverVersion})`);
  const context: Context = {
    db,
    secret: randomBytes(48).toString('base64'),
    tokens: undefined as unknown as Tokens,
    commands: undefined as unknown as InProcessCommands,
    profileRoot: await mkdtemp(join(tmpdir(), 'bench-profile-')),
    engineRoot: snapshot.root,
  };
  context.tokens = new Tokens(context.secret);
  let failed: unknown;
  try {
    // The first engine migrates the schemas; the in-process command path writes through them.
    const migrating = await EngineProcess.start({
      root: context.engineRoot,
      databaseUrl: db.url,
      jwtSecret: context.secret,
    });
    engines.add(migrating);
    await waitForProjections(migrating.baseUrl, await context.tokens.for(ADMIN), 60_000);
    await migrating.stop();
    engines.delete(migrating);
    context.commands = await InProcessCommands.open(db.url);
    if (only.includes('commands')) await commandsPhase(context);
    if (only.includes('roles')) await rolesPhase(context);
    if (only.includes('rebuild') || scale) await rebuildPhase(context);
    if (only.includes('replay')) await replayPhase(context);
    if (scale) await scalePhase(context);
    // Last, with no engine running: the store workload alone, ours beside Emmett and raw SQL.
    if (only.includes('peer')) {
      log('== peer: the store workload through Emmett’s PostgreSQL event store, ours and raw SQL');
      const peer = await emmettPeerPhase({ adminUrl: db.adminUrl, quick, log });
      rows.push(...peer.rows);
      analysis.push(peer.analysis);
    }
  } catch (error) {
    failed = error;
  } finally {
    for (const engine of engines) await engine.stop().catch(() => undefined);
    await context.commands?.close().catch(() => undefined);
    details.backgroundBusyCores = background;
    const settingsOfServer = await serverSettings(db.url).catch(() => ({}));
    details.database = { name: db.name, server: db.server };
    // Memory rows last, after the phases' own figures.
    rows.sort((a, b) => Number(a.id.startsWith('memory.')) - Number(b.id.startsWith('memory.')));
    const report: Report = {
      title: `End-to-end benchmark${mode === 'full' ? '' : ` (${mode} run)`}`,
      mode,
      date,
      durationSeconds: (performance.now() - startedAt) / 1000,
      machine: machine(db.serverVersion, db.server, settingsOfServer),
      rows,
      notes: [
        ...notes,
        "**Memory.** The engine runs in a process of its own per phase; peak RSS is the kernel's VmHWM of that process (with VmRSS sampled every 250 ms), divided by its RSS once started and idle.",
      ],
      details,
      profiles,
      analysis,
    };
    await db.drop().catch((error: unknown) => log(`could not drop ${db.name}: ${String(error)}`));
    await snapshot.remove().catch(() => undefined);
    if (rows.length > 0) {
      console.log(`\n${textTable(rows)}\n`);
      if (failed) report.notes.unshift(`**This run failed before its end**: ${String(failed)}`);
      const comparePath = option('compare');
      if (comparePath && existsSync(comparePath)) {
        const before = JSON.parse(await readFile(comparePath, 'utf8')) as Report;
        report.comparedWith = {
          date: before.date,
          mode: before.mode,
          rows: before.rows,
          title: before.title,
        };
      }
      await mkdir(dirname(outJson), { recursive: true });
      await writeFile(outJson, JSON.stringify(report, null, 2) + '\n');
      await writeFile(outMarkdown, await formatMarkdown(markdown(report)));
      log(`wrote ${outJson} and ${outMarkdown}`);
    }
  }
  if (failed) throw failed;
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
