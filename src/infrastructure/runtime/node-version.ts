import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

/** EX_CONFIG, the exit code of every configuration error (src/infrastructure/http/run-engine.ts). */
export const UNSUPPORTED_NODE_EXIT_CODE = 78;

/**
 * Why this engine will not run on Node.js `version`, or null when `range` accepts it. Pre-releases
 * count as their release line (a 20.x release candidate is a Node 20).
 */
export function unsupportedNodeMessage(version: string, range: string): string | null {
  if (semver.validRange(range) === null) throw new Error(`"${range}" is not a semver range`);
  if (semver.satisfies(version, range, { includePrerelease: true })) return null;
  return (
    `Node.js ${version} is not supported: this engine runs on Node.js ${range} ` +
    `("engines" in package.json). Switch to a Node.js version in that range and start it again.`
  );
}

/**
 * The `engines.node` range of the nearest package.json above `fromDir`: the engine's own, whether
 * it runs from src/ (tests) or dist/src/ (npm start, the container image).
 */
export function requiredNodeRange(fromDir = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { engines?: { node?: unknown } };
      const range = manifest.engines?.node;
      if (typeof range !== 'string') throw new Error(`${file} names no "engines.node" range`);
      return range;
    }
    if (dirname(dir) === dir) throw new Error(`No package.json above ${fromDir}`);
  }
}

/** Prints why and exits 78 when this process's Node.js is outside package.json's `engines.node`. */
export function exitOnUnsupportedNode(): void {
  const message = unsupportedNodeMessage(process.version, requiredNodeRange());
  if (message === null) return;
  process.stderr.write(`${message}\n`);
  process.exit(UNSUPPORTED_NODE_EXIT_CODE);
}
