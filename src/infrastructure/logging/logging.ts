import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from '../config/app-config.js';
import type { Params } from './pino-logging.module.js';

/** Paths of values that must never reach a log line (tokens, secrets, patient references). */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-on-behalf-of-name"]',
  'res.headers["set-cookie"]',
];

/** Query strings may carry patient references (`?patientRef=`): log the path only. */
export function pathWithoutQuery(url: string | undefined): string {
  if (!url) return '';
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

const PROBES = new Set(['/health', '/ready', '/metrics']);

export function loggerParams(config: Pick<AppConfig, 'logLevel'>): Params {
  return {
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: {
          id: unknown;
          method: string;
          url: string;
          headers: Record<string, unknown>;
          remoteAddress?: string;
          raw?: { ip?: string };
        }) => ({
          id: req.id,
          method: req.method,
          url: pathWithoutQuery(req.url),
          userAgent: req.headers['user-agent'],
          // fastify's request.ip (copied by its middleware layer): a forwarded address only from a trusted proxy.
          remoteAddress: req.raw?.ip ?? req.remoteAddress,
        }),
      },
      customProps: () => ({ service: 'xray-second-opinion-engine' }),
      // Probes every few seconds would drown the log.
      autoLogging: {
        // Only the bare probe URLs: anything with a query string is logged (without it).
        ignore: (req: IncomingMessage) => PROBES.has(req.url ?? ''),
      },
    },
  };
}
