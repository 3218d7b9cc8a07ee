import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** Wall time of the profile, in seconds. */
  seconds: number;
  /** Busy (non-idle) sampled time, in seconds; the shares below are of it. */
  busySeconds: number;
  /** Share of samples (per cent) by function, self time, highest first. */
  functions: Array<{ name: string; where: string; percent: number }>;
  /** Share of samples by module: a package under node_modules, a folder of the engine, node internals, GC, idle. */
  modules: Array<{ module: string; percent: number }>;
  /** Share of samples inside each engine area, inclusive (callees counted). */
  inclusive: Array<{ area: string; percent: number }>;
}

function moduleOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(program)';
    return '(native)';
  }
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1];
  if (url.startsWith('node:')) return 'node internals';
  const source = /dist\/(src\/[^/]+(?:\/[^/]+)?)/.exec(url);
  return source ? source[1] : url.replace(/^file:\/\//, '');
}

/** Engine areas measured inclusively: time spent under any function of these files. */
const AREAS: Array<[string, RegExp]> = [
  ['command path (read, fold, decide, hash)', /application\/command-path\/command-path\.js/],
  ['hash chain (JCS + SHA-256)', /application\/integrity\/hash-chain\.js/],
  ['event store adapter (append, read)', /event-store\/postgres\/postgres\.event-store\.js/],
  ['projection worker', /projections\/runner\/projection-worker\.js/],
  ['body validation (class-validator/transformer)', /http\/validation\/body-validation\.pipe\.js/],
  ['JWT verification (jose)', /node_modules\/jose\//],
  ['pg protocol and parsing', /node_modules\/(pg|pg-protocol|pg-types)\//],
  ['projections (runner, workers, apply)', /dist\/src\/projections\//],
  ['HTTP framework (fastify, Nest)', /node_modules\/(fastify|@nestjs|@fastify|find-my-way|avvio)\//],
  ['class-validator / class-transformer', /node_modules\/class-(validator|transformer)\//],
  ['TypeORM', /node_modules\/typeorm\//],
  ['logging (pino)', /node_modules\/(pino|pino-http|nestjs-pino)\//],
];

export async function summariseProfile(
  file: string,
  top = 20,
  /** Leave out the samples before the first with a frame of a file matching this (the process's start-up). */
  from?: RegExp,
): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const onStack = (id: number, pattern: RegExp): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      if (pattern.test(byId.get(at)!.callFrame.url)) return true;
    return false;
  };
  let first = 0;
  if (from) {
    while (first < profile.samples.length && !onStack(profile.samples[first], from)) first++;
  }
  const skipped = profile.timeDeltas.slice(0, first).reduce((sum, delta) => sum + delta, 0);
  // Samples carry the time since the previous one: weigh each by it.
  const selfTime = new Map<number, number>();
  for (let i = first; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    // Busy time only: an idle engine (between phases) says nothing about where requests go.
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfTime.values()].reduce((sum, value) => sum + value, 0) || 1;
  const functions = new Map<string, { name: string; where: string; time: number }>();
  const modules = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*?\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName}|${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, time: 0 };
    entry.time += time;
    functions.set(key, entry);
    const module = moduleOf(node);
    modules.set(module, (modules.get(module) ?? 0) + time);
    // Inclusive: each area counts a sample once if any frame on its stack belongs to it.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frameUrl = byId.get(at)!.callFrame.url;
      for (const [area, pattern] of AREAS) {
        if (!seen.has(area) && pattern.test(frameUrl)) {
          seen.add(area);
          inclusive.set(area, (inclusive.get(area) ?? 0) + time);
        }
      }
    }
  }
  const percent = (time: number): number => Math.round((time / total) * 1000) / 10;
  return {
    seconds: Math.round((profile.endTime - profile.startTime - skipped) / 1e5) / 10,
    busySeconds: Math.round(total / 1e5) / 10,
    functions: [...functions.values()]
      .sort((a, b) => b.time - a.time)
      .slice(0, top)
      .map(({ name, where, time }) => ({ name, where, percent: percent(time) })),
    modules: [...modules]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, time]) => ({ module, percent: percent(time) })),
    inclusive: [...inclusive]
      .sort((a, b) => b[1] - a[1])
      .map(([area, time]) => ({ area, percent: percent(time) })),
  };
}
