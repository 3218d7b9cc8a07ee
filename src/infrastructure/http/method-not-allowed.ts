import type { FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';
import { problem } from './problem/problem-details.js';
import { sendProblem } from './problem/problem.filter.js';

/**
 * Every route the application registers, in a second router (fastify's own is not exposed), so
 * that `Allow` names what is served, HEAD and CORS preflights included, never a hand list.
 */
export class RouteMethods {
  private readonly routes: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  private readonly methods = new Set<string>();
  /** Methods served on every path (CORS preflights: `OPTIONS *`): in Allow, but they make no path known. */
  private readonly everywhere = new Set<string>();
  private readonly registered = new Set<string>();

  private constructor(fastify: FastifyInstance) {
    // The same matching rules as fastify's router (its default semicolon handling is find-my-way's).
    const { caseSensitive, ignoreTrailingSlash, ignoreDuplicateSlashes, maxParamLength } =
      fastify.initialConfig;
    this.routes = FindMyWay({ caseSensitive, ignoreTrailingSlash, ignoreDuplicateSlashes, maxParamLength });
  }

  /** Call before anything registers a route: routes registered earlier are not seen. */
  static record(fastify: FastifyInstance): RouteMethods {
    const table = new RouteMethods(fastify);
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) table.add(method, route.url);
    });
    return table;
  }

  private add(method: string, url: string): void {
    const key = `${method} ${url}`;
    if (this.registered.has(key)) return;
    this.registered.add(key);
    if (url === '*' || url === '/*') this.everywhere.add(method);
    else {
      this.methods.add(method);
      this.routes.on(method as FindMyWay.HTTPMethod, url, () => undefined);
    }
  }

  /** The methods served on `url`, sorted; empty when no route knows the path. */
  allowedOn(url: string): string[] {
    const served = [...this.methods].filter((method) =>
      this.routes.find(method as FindMyWay.HTTPMethod, url),
    );
    return served.length === 0 ? [] : [...new Set([...served, ...this.everywhere])].sort();
  }
}

/**
 * 405 with `Allow` for a method a known path does not accept (RFC 9110 §15.5.6), instead of the
 * router's 404. Register it after the other onRequest hooks: like a 404, it comes after the rate
 * limit and needs no token, and it carries the security headers and the correlation id.
 */
export function registerMethodNotAllowed(fastify: FastifyInstance, routes: RouteMethods): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404 || !request.url.startsWith('/')) return;
    const allowed = routes.allowedOn(request.url);
    if (allowed.length === 0) return;
    const instance = request.url.split('?')[0] ?? '/';
    const allow = allowed.join(', ');
    sendProblem(reply, {
      body: problem(
        405,
        'method-not-allowed',
        `${instance} does not accept ${request.method}; it accepts ${allow}.`,
        instance,
      ),
      headers: { allow },
    });
    return reply;
  });
}
