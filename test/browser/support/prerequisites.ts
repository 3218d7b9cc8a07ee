import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Debian's Chromium, which playwright-core drives (its own browser download is unreachable here). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Loaded by jest's global setup as CommonJS (__dirname) and by the suites as ESM (jest runs from the root).
const ROOT = typeof __dirname === 'string' ? resolve(__dirname, '../../..') : process.cwd();
export const WEB_APP_DIST = join(ROOT, 'web', 'dist');

const say = (line: string): boolean => process.stderr.write(`${line}\n`);

function newestChange(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * What the browser tests need, so that `npm test` on a fresh machine needs no manual step: Debian's
 * Chromium, installed as `.ci/run` installs it when it is missing, and the built web app (`npm
 * test` builds it first; a single test file run from an editor builds it here when the sources
 * are newer). When Chromium cannot be installed the browser suites fail, naming why: never skipped.
 */
export function ensureBrowserPrerequisites(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    if (root && existsSync('/usr/bin/apt-get')) {
      say(`Chromium is not at ${CHROMIUM_PATH}: installing Debian's package (apt-get install -y chromium)…`);
      const installed = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      if (installed.status !== 0) say('apt-get could not install chromium: the browser suites will fail.');
    } else {
      say(`Chromium is not at ${CHROMIUM_PATH} and cannot be installed here (not root, or no apt-get).`);
    }
  }
  const shell = join(WEB_APP_DIST, 'index.html');
  const sources = join(ROOT, 'web', 'src');
  if (!existsSync(shell) || newestChange(sources) > statSync(shell).mtimeMs) {
    say('Building the web app (npm run build:web)…');
    const built = spawnSync('npm', ['run', 'build:web'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (built.status !== 0) throw new Error('npm run build:web failed');
  }
}
