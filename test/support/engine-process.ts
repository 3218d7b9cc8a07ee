import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { waitFor } from './wait-for.js';

/** The compiled engine; `npm test` builds it (tsc) before jest runs. */
export const ENGINE_ENTRY = resolve('dist/src/main.js');

export async function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface EngineProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `node dist/src/main.js` as `npm start` does, with exactly the given environment. */
export async function spawnEngine(env: Record<string, string>, timeoutMs = 60_000): Promise<EngineProcess> {
  if (!existsSync(ENGINE_ENTRY)) throw new Error(`${ENGINE_ENTRY} is missing: run "npm run build" first`);
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, [ENGINE_ENTRY], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const exitedEarly = () => new Error(`engine exited with ${child.exitCode}:\n${output}`);
  try {
    await waitFor(
      `the engine to serve ${baseUrl}/health`,
      async () => {
        if (child.exitCode !== null) throw exitedEarly();
        try {
          return (await fetch(`${baseUrl}/health`)).ok;
        } catch {
          return false; // not listening yet
        }
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (error) {
    if (child.exitCode !== null) throw exitedEarly();
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}:\n${output}`, { cause: error });
  }
  return { child, baseUrl, output: () => output, exited };
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled tool (`npm run <tool>` runs `node dist/scripts/<tool>.js`) with exactly this environment. */
export async function runTool(script: string, args: string[], env: Record<string, string>): Promise<ToolRun> {
  const entry = resolve('dist/scripts', script);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  const child = spawn(process.execPath, [entry, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', (exitCode) => done(exitCode)));
  return { code, stdout, stderr };
}
