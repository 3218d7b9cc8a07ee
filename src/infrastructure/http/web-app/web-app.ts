import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { problem } from '../problem/problem-details.js';
import { sendProblem } from '../problem/problem.filter.js';

/** Where the web app is served. Everything under it that is not an asset answers the app shell. */
export const APP_PREFIX = '/app';

/** The project root: the nearest folder above this module holding a package.json (src/ or dist/src/). */
function projectRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) return process.cwd();
    folder = parent;
  }
  return folder;
}

/** The built app (`npm run build:web` writes it; `npm start` and `npm test` run that first). */
export const defaultWebAppDir = (): string => join(projectRoot(), 'web', 'dist');

/**
 * The committee's and the lawyer's web app, a static single-page app served at /app: hashed assets
 * under /app/assets/ (cached for a year), and the shell for every other /app path, so that a
 * bookmarked deep link opens its screen. The app reads only the authenticated JSON API, so these
 * routes carry no access action and no data. Their Content-Security-Policy is set with the other
 * security headers (security-headers.ts).
 */
export async function registerWebApp(fastify: FastifyInstance, dir = defaultWebAppDir()): Promise<void> {
  const shellPath = join(resolve(dir), 'index.html');
  const shell = existsSync(shellPath) ? await readFile(shellPath, 'utf8') : undefined;
  const answerShell = async (request: FastifyRequest, reply: FastifyReply) => {
    if (shell === undefined) {
      const detail =
        'The web app is not built: run `npm run build:web` (npm start does), then restart the engine.';
      sendProblem(reply, {
        body: problem(503, 'web-app-not-built', detail, request.url.split('?')[0] ?? '/'),
        headers: {},
      });
      return reply;
    }
    // The shell names its hashed assets: it must be fetched again after an upgrade.
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(shell);
  };
  for (const url of [APP_PREFIX, `${APP_PREFIX}/`, `${APP_PREFIX}/*`]) {
    fastify.get(url, answerShell);
  }
  if (shell === undefined) return;
  await fastify.register(fastifyStatic, {
    root: join(resolve(dir), 'assets'),
    prefix: `${APP_PREFIX}/assets/`,
    decorateReply: false,
    index: false,
    // Vite names assets by content hash: a name never changes content.
    immutable: true,
    maxAge: '365d',
  });
}
