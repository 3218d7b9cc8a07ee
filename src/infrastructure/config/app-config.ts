import { ConfigurationError } from './configuration-error.js';
import type { CasePolicy } from '../../domain/case/case.policy.js';
import { loadCasePolicy } from './case-policy.config.js';
/**
 * Configuration comes only from environment variables (README "Configuration"). Parsing is a pure
 * function so that every rule is unit-tested; an invalid value stops start-up with a message that
 * names the variable.
 */
export type EventStoreKind = 'postgres' | 'kurrentdb';

export interface AppConfig {
  port: number;
  host: string;
  eventStore: EventStoreKind;
  kurrentDbUrl?: string;
  /** Read models, and events when eventStore is postgres. Absent: the embedded PostgreSQL is started. */
  databaseUrl?: string;
  dataDir: string;
  auth: {
    jwtSecret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** SLA per priority, reading policy, vocabulary … (case-policy.config.ts). */
  casePolicy: CasePolicy;
  /** How often the SLA process manager looks for overdue cases (0 turns it off). */
  slaWatchIntervalMs: number;
  /** How long SIGTERM waits for in-flight requests before closing pools anyway. */
  shutdownGraceMs: number;
  /** Requests a minute (README "Security"); 0 turns a limit off. */
  rateLimits: {
    /** Per verified token subject (`sub`). */
    perUserPerMinute: number;
    /** Per client IP, for requests without a valid token (public routes included, probes exempt). */
    perIpPerMinute: number;
  };
  /** Longest a request may take from routing to response before it is answered 503; 0 turns it off. */
  requestHandlerTimeoutMs: number;
  /** Browser origins allowed by CORS; empty: CORS stays closed (no Access-Control-Allow-Origin). */
  corsOrigins: string[];
}

export { ConfigurationError };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Readonly<Record<string, string | undefined>>;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigurationError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigurationError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigurationError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigurationError(name, `must use one of ${protocols.join(', ')} (got ${parsed.protocol})`);
  }
  return raw;
}

/** Scheme, host and optional port: what a browser sends as `Origin`. */
const ORIGIN_PATTERN = /^https?:\/\/[^/?#@\s]+\/?$/i;

/** A comma-separated list of exact origins (`https://host[:port]`); `*` is refused, the list must be explicit. */
function origins(env: Env, name: string): string[] {
  const raw = optional(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const refuse = (): never => {
        throw new ConfigurationError(
          name,
          `must list origins such as https://app.example.org (scheme, host and port only, comma-separated), got "${entry}"`,
        );
      };
      if (!ORIGIN_PATTERN.test(entry)) refuse();
      try {
        return new URL(entry).origin;
      } catch {
        return refuse();
      }
    });
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigurationError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const eventStore = oneOf<EventStoreKind>(env, 'EVENT_STORE', ['postgres', 'kurrentdb'], 'postgres');
  const kurrentDbUrl = optional(env, 'KURRENTDB_URL');
  // Not parsed with URL: cluster strings list several hosts (kurrentdb://h1:2113,h2:2113,h3:2113?…).
  if (kurrentDbUrl !== undefined && !/^(kurrentdb|esdb)(\+discover)?:\/\/[^\s/?#]+/.test(kurrentDbUrl)) {
    throw new ConfigurationError(
      'KURRENTDB_URL',
      'must be a kurrentdb:// (or kurrentdb+discover://) connection string',
    );
  }
  if (eventStore === 'kurrentdb' && !kurrentDbUrl) {
    throw new ConfigurationError('KURRENTDB_URL', 'is required when EVENT_STORE=kurrentdb');
  }
  const jwtSecret = optional(env, 'AUTH_JWT_SECRET');
  // HS256 needs a key at least as long as the hash (RFC 7518 §3.2).
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret, 'utf8') < 32) {
    throw new ConfigurationError('AUTH_JWT_SECRET', 'must be at least 32 bytes long');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: optional(env, 'HOST') ?? '0.0.0.0',
    eventStore,
    kurrentDbUrl,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: optional(env, 'DATA_DIR') ?? '.data',
    auth: {
      jwtSecret,
      jwksUrl: url(env, 'AUTH_JWKS_URL', ['https:', 'http:']),
      issuer: optional(env, 'AUTH_JWT_ISSUER'),
      audience: optional(env, 'AUTH_JWT_AUDIENCE'),
    },
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    slaWatchIntervalMs: integer(env, 'SLA_WATCH_INTERVAL_MS', 30_000, 0, 86_400_000),
    casePolicy: loadCasePolicy(env),
    rateLimits: {
      perUserPerMinute: integer(env, 'RATE_LIMIT_PER_USER_PER_MINUTE', 50_000, 0, 100_000_000),
      perIpPerMinute: integer(env, 'RATE_LIMIT_PER_IP_PER_MINUTE', 300, 0, 100_000_000),
    },
    requestHandlerTimeoutMs: integer(env, 'REQUEST_HANDLER_TIMEOUT_MS', 30_000, 0, 600_000),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
  };
}
