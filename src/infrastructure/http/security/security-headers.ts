import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { PROBLEM_PAGE_STYLE_HASH } from '../problem/problem-pages.js';

/** The API answers JSON only: nothing may load, frame or submit anything (OWASP REST Security). */
export const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * A page served by the engine (the web app, Swagger UI): scripts, stylesheets, fonts and images
 * from this origin only — no inline or remote script, no eval — and calls to this origin plus
 * `connectOrigins`. Both style inline (Observable Plot and Swagger UI write <style> elements and
 * style attributes), so styles may be inline; nothing else is. No upgrade-insecure-requests: the
 * engine may serve plain HTTP behind a TLS-terminating proxy, or on a laptop.
 */
export const appCsp = (connectOrigins: readonly string[] = []) => ({
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'", ...connectOrigins],
  fontSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
});

/** Swagger UI at /docs: as the web app, and its icon font comes as a data: URL. */
export const DOCS_CSP = { ...appCsp(), fontSrc: ["'self'", 'data:'] };

/** The problem-type pages: the API's policy, and their one inline stylesheet by its hash; no script. */
export const PROBLEM_PAGES_CSP = { ...API_CSP, styleSrc: [PROBLEM_PAGE_STYLE_HASH] };

const isDocsRoute = (url: string): boolean => url === '/docs' || url.startsWith('/docs/');
const isAppRoute = (url: string): boolean => url === '/app' || url.startsWith('/app/');
const isProblemsRoute = (url: string): boolean => url === '/problems' || url.startsWith('/problems/');

/**
 * Security headers on every response (helmet's defaults: HSTS, nosniff, no referrer, same-origin
 * COOP/CORP, …) with the strict API policy, the Swagger UI policy on the /docs routes, the web
 * app's on /app and the problem pages' on /problems.
 * Registered before the hooks that may answer early (rate limit, auth), so 401 and 429 carry them too.
 */
export async function registerSecurityHeaders(
  fastify: FastifyInstance,
  options: { appConnectOrigins?: readonly string[] } = {},
): Promise<void> {
  const APP_CSP = appCsp(options.appConnectOrigins);
  fastify.addHook('onRoute', (route) => {
    const directives = isDocsRoute(route.url)
      ? DOCS_CSP
      : isAppRoute(route.url)
        ? APP_CSP
        : isProblemsRoute(route.url)
          ? PROBLEM_PAGES_CSP
          : undefined;
    if (!directives) return;
    // @fastify/helmet reads a route's own options from its config at request time.
    route.config = Object.assign(route.config ?? {}, {
      helmet: { contentSecurityPolicy: { useDefaults: false, directives } },
    });
  });
  await fastify.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    frameguard: { action: 'deny' },
  });
}
