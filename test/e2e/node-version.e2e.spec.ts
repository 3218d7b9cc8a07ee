import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ENGINE_ENTRY } from '../support/engine-process.js';

const range = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines
  .node;

// process.version is configurable: a preload module (test-only, given with --import) makes the
// compiled engine believe it runs on another Node.js, with no hook in the engine itself.
const PRETEND_VERSION = `data:text/javascript,${encodeURIComponent(
  "Object.defineProperty(process, 'version', { value: process.env.PRETEND_NODE_VERSION });",
)}`;

/** `node dist/src/main.js` (pretending to be Node.js `version` when given) until it exits. */
function runEngineEntry(version?: string): Promise<{ code: number | null; output: string }> {
  if (!existsSync(ENGINE_ENTRY)) throw new Error(`${ENGINE_ENTRY} is missing: run "npm run build" first`);
  // An invalid PORT: an engine that got past the Node.js check stops at once on its configuration (also 78).
  const env = {
    PATH: process.env.PATH ?? '',
    PORT: 'not-a-port',
    ...(version && { PRETEND_NODE_VERSION: version }),
  };
  const args = version ? ['--import', PRETEND_VERSION, ENGINE_ENTRY] : [ENGINE_ENTRY];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, output })));
}

describe('the engine on an unsupported Node.js (node dist/src/main.js)', () => {
  it.each(['v18.20.4', 'v20.18.0', 'v22.12.0'])(
    'refuses to start on Node.js %s, naming it and the required range, before reading its configuration',
    async (version) => {
      const { code, output } = await runEngineEntry(version);
      expect({ code, output }).toEqual({
        code: 78,
        output:
          `Node.js ${version} is not supported: this engine runs on Node.js ${range} ("engines" in package.json). ` +
          'Switch to a Node.js version in that range and start it again.\n',
      });
    },
  );

  it(`starts on this Node.js (${process.version}): the same run stops only at the invalid PORT`, async () => {
    const { code, output } = await runEngineEntry();
    expect(code).toBe(78);
    expect(output).toMatch(/PORT/);
    expect(output).not.toMatch(/is not supported/);
  });
});
