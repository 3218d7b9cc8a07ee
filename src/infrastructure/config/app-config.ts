import { isIP } from 'node:net';
import { z } from 'zod';
import { casePolicyFileVariable, casePolicyFrom, hours, readsRequired } from './case-policy.config.js';
import { ConfigurationError, type ConfigurationProblem } from './configuration-error.js';
import { shoppingPolicyFrom, shoppingPolicyVariable } from './opinion-shopping-config.js';
import {
  INTEGRITY_VARIABLES,
  integritySettings,
  witnessesOverHttps,
  witnessVariablesRead,
} from '../integrity/integrity-config.js';
import { WEBHOOK_DELIVERY_VARIABLES, webhookDeliverySettings } from '../webhooks/delivery/delivery-config.js';
import { WEBHOOK_URL_VARIABLES, webhookUrlSettings } from '../webhooks/webhooks-config.js';
import { ENGINE_ROLES } from '../runtime/engine-role.js';

/**
 * Configuration comes only from environment variables (README "Configuration"), which the process
 * entry points hand to `loadConfig` once. One schema names every variable with its default and its
 * validation; an invalid value stops start-up with a message that names the variable.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export { ConfigurationError };

const EVENT_STORES = ['postgres', 'kurrentdb'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** SIGNING_MAX_AGE's default: a signature needs a sign-in within the last five minutes. */
export const DEFAULT_SIGNING_MAX_AGE_SECONDS = 300;

/** A variable set to blanks is unset; a value is read trimmed. */
const variable = <T extends z.ZodType>(schema: T) =>
  z.preprocess((raw) => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined), schema);

const got = (issue: { input?: unknown }): string =>
  typeof issue.input === 'string' ? `"${issue.input}"` : String(issue.input);

const text = (fallback: string) => variable(z.string().default(fallback));
const optionalText = variable(z.string().optional());

const wholeNumber = (fallback: number, min: number, max: number) => {
  const range = {
    error: (issue: { input?: unknown }) => `must be between ${min} and ${max}, got ${got(issue)}`,
  };
  return variable(
    z
      .string()
      .regex(/^\d+$/, { error: (issue) => `must be a whole number, got ${got(issue)}` })
      .transform(Number)
      .pipe(z.number().min(min, range).max(max, range))
      .default(fallback),
  );
};

const oneOf = <const T extends readonly [string, ...string[]]>(allowed: T, fallback: T[number]) =>
  variable(
    z
      .enum(allowed, { error: (issue) => `must be one of ${allowed.join(', ')}, got ${got(issue)}` })
      .default(fallback),
  );

const url = (protocols: readonly string[]) =>
  variable(
    z
      .string()
      .refine((raw) => URL.canParse(raw), { error: 'is not a valid URL', abort: true })
      .refine((raw) => protocols.includes(new URL(raw).protocol), {
        error: (issue) =>
          `must use one of ${protocols.join(', ')} (got ${new URL(String(issue.input)).protocol})`,
      })
      .optional(),
  );

/** Hosts on which an OpenID issuer may be plain http (a provider on the same machine, in tests and development). */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * OIDC_ISSUER: https, or http on a loopback host; no query or fragment (OpenID Connect Discovery
 * §3). Kept as written: a token's `iss` and the discovery document's `issuer` must equal it exactly.
 */
const issuerUrl = variable(
  z
    .string()
    .refine((raw) => URL.canParse(raw), { error: 'is not a valid URL', abort: true })
    .refine(
      (raw) => {
        const url = new URL(raw);
        return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
      },
      { error: 'must use https: (http: only on localhost, 127.0.0.1 or [::1])', abort: true },
    )
    .refine((raw) => !raw.includes('?') && !raw.includes('#') && new URL(raw).username === '', {
      error: 'must be an issuer URL without query, fragment or credentials',
    })
    .optional(),
);

/** OAuth scope syntax (RFC 6749 §3.3): space-separated tokens of printable ASCII but `"` and `\`. */
const SCOPE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

const oidcScope = variable(
  z
    .string()
    .regex(SCOPE_PATTERN, { error: (issue) => `must be space-separated scope tokens, got ${got(issue)}` })
    .refine((scope) => scope.split(' ').includes('openid'), {
      error: (issue) => `must include openid, got ${got(issue)}`,
    })
    .optional(),
);

/** A resource indicator (RFC 8707 §2): an absolute URI without a fragment. */
const resourceIndicator = variable(
  z
    .string()
    .refine((raw) => URL.canParse(raw) && !raw.includes('#'), {
      error: (issue) => `must be an absolute URI without a fragment, got ${got(issue)}`,
    })
    .optional(),
);

/** Scheme, host and optional port: what a browser sends as `Origin`. */
const ORIGIN_PATTERN = /^https?:\/\/[^/?#@\s]+\/?$/i;

/** A comma-separated list of exact origins (`https://host[:port]`); `*` is refused, the list must be explicit. */
const origins = variable(
  z
    .string()
    .transform((raw, context) => {
      const entries = raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      const refused = entries.find((entry) => !ORIGIN_PATTERN.test(entry) || !URL.canParse(entry));
      if (refused === undefined) return entries.map((entry) => new URL(entry).origin);
      context.addIssue({
        code: 'custom',
        message: `must list origins such as https://app.example.org (scheme, host and port only, comma-separated), got "${refused}"`,
      });
      return z.NEVER;
    })
    .default([]),
);

/** Ranges proxy-addr (fastify's `trustProxy`) knows by name, besides addresses and CIDR ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const MAX_PROXY_HOPS = 20;

/** An IPv4 or IPv6 address, optionally with a prefix length of 1 or more (`10.0.0.0/8`), or a range name. */
function isProxyRange(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return (
    prefix === undefined || (/^[1-9]\d{0,2}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128))
  );
}

/**
 * Which peers may tell the client's address in `X-Forwarded-For`: a number of proxy hops in front
 * of the engine, or the proxies' addresses and CIDR ranges; unset (or 0), nobody.
 */
const trustedProxies = variable(
  z
    .string()
    .transform((raw, context): number | string[] => {
      if (/^\d+$/.test(raw) && Number(raw) <= MAX_PROXY_HOPS) return Number(raw);
      const entries = raw.split(',').map((entry) => entry.trim());
      if (!/^\d+$/.test(raw) && entries.every(isProxyRange)) return entries;
      context.addIssue({
        code: 'custom',
        message:
          `must be a number of proxy hops (0 to ${MAX_PROXY_HOPS}) or a comma-separated list of proxy addresses ` +
          `and CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1), got ${got({ input: raw })}`,
      });
      return z.NEVER;
    })
    .optional(),
);

/** SLA hours as text (decimals allowed); unset, the case policy file's or the domain's value stands. */
const slaHours = variable(
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, { error: (issue) => `must be a positive number of hours, got ${got(issue)}` })
    .transform(Number)
    .pipe(hours)
    .optional(),
);

const environment = z
  .object({
    // What this process does: serve the API, run the projections and background work, or both.
    ENGINE_ROLE: oneOf(ENGINE_ROLES, 'all'),
    // More than 1: a cluster of that many API processes sharing PORT (docs/operations.md).
    ENGINE_API_PROCESSES: wholeNumber(1, 1, 64),
    PORT: wholeNumber(3000, 0, 65535),
    HOST: text('0.0.0.0'),
    EVENT_STORE: oneOf(EVENT_STORES, 'postgres'),
    // Not parsed with URL: cluster strings list several hosts (kurrentdb://h1:2113,h2:2113,h3:2113?…).
    KURRENTDB_URL: variable(
      z
        .string()
        .regex(/^(kurrentdb|esdb)(\+discover)?:\/\/[^\s/?#]+/, {
          error: 'must be a kurrentdb:// (or kurrentdb+discover://) connection string',
        })
        .optional(),
    ),
    DATABASE_URL: url(['postgres:', 'postgresql:']),
    DATA_DIR: text('.data'),
    // HS256 needs a key at least as long as the hash (RFC 7518 §3.2).
    AUTH_JWT_SECRET: variable(
      z
        .string()
        .refine((secret) => Buffer.byteLength(secret, 'utf8') >= 32, {
          error: 'must be at least 32 bytes long',
        })
        .optional(),
    ),
    AUTH_JWKS_URL: url(['https:', 'http:']),
    AUTH_JWT_ISSUER: optionalText,
    AUTH_JWT_AUDIENCE: optionalText,
    OIDC_ISSUER: issuerUrl,
    OIDC_CLIENT_ID: variable(
      z
        .string()
        .regex(/^[\x20-\x7E]{1,255}$/, {
          error: 'must be 1 to 255 printable ASCII characters (the client id registered with the issuer)',
        })
        .optional(),
    ),
    OIDC_SCOPE: oidcScope,
    OIDC_RESOURCE: resourceIndicator,
    // 21 CFR 11.200: how recent the sign-in behind a signing command must be (docs/operations.md).
    SIGNING_MAX_AGE: wholeNumber(DEFAULT_SIGNING_MAX_AGE_SECONDS, 1, 86_400),
    // Read only to refuse the development sign-in in production (docs/operations.md).
    NODE_ENV: optionalText,
    LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
    SHUTDOWN_GRACE_MS: wholeNumber(10_000, 0, 600_000),
    SLA_WATCH_INTERVAL_MS: wholeNumber(30_000, 0, 86_400_000),
    RATE_LIMIT_PER_USER_PER_MINUTE: wholeNumber(50_000, 0, 100_000_000),
    RATE_LIMIT_PER_IP_PER_MINUTE: wholeNumber(300, 0, 100_000_000),
    REQUEST_HANDLER_TIMEOUT_MS: wholeNumber(30_000, 0, 600_000),
    CORS_ORIGINS: origins,
    TRUST_PROXY: trustedProxies,
    CASE_POLICY_FILE: variable(casePolicyFileVariable.optional()),
    SLA_HOURS_STAT: slaHours,
    SLA_HOURS_URGENT: slaHours,
    SLA_HOURS_ROUTINE: slaHours,
    DEFAULT_READS_REQUIRED: variable(
      z
        .string()
        .regex(/^\d+$/, { error: (issue) => `must be 1 or 2, got ${got(issue)}` })
        .transform(Number)
        .pipe(readsRequired)
        .optional(),
    ),
    SLA_BREACH_ESCALATES: variable(
      z
        .enum(['true', 'false'], { error: (issue) => `must be true or false, got ${got(issue)}` })
        .transform((value) => value === 'true')
        .optional(),
    ),
    OPINION_SHOPPING_POLICY: variable(shoppingPolicyVariable.optional()),
    OPINION_SHOPPING_REEVALUATION_INTERVAL_MS: wholeNumber(60_000, 0, 86_400_000),
    // The verifiable log's signing key, checkpoint cadence and witnesses (docs/integrity.md).
    ...INTEGRITY_VARIABLES,
    // Webhook delivery: time-out, retries, disabling (docs/operations.md "Webhooks").
    ...WEBHOOK_DELIVERY_VARIABLES,
    // Webhook receivers on loopback addresses, over http too: development and tests only.
    ...WEBHOOK_URL_VARIABLES,
  })
  .superRefine(witnessesOverHttps, { when: witnessVariablesRead })
  .superRefine(
    (env, context) => {
      // OIDC settings are one group: the issuer and its client together, the rest only with them.
      const issuer = env.OIDC_ISSUER !== undefined;
      if (issuer && env.OIDC_CLIENT_ID === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['OIDC_CLIENT_ID'],
          message: 'is required with OIDC_ISSUER (the client id the web app signs in with)',
        });
      }
      for (const name of ['OIDC_CLIENT_ID', 'OIDC_SCOPE', 'OIDC_RESOURCE'] as const) {
        if (!issuer && env[name] !== undefined) {
          context.addIssue({ code: 'custom', path: [name], message: 'is set, but OIDC_ISSUER is not' });
        }
      }
      // RS256 tokens are verified against one key set: the issuer's (discovered) or AUTH_JWKS_URL.
      if (issuer && env.AUTH_JWKS_URL !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['AUTH_JWKS_URL'],
          message: "must not be set with OIDC_ISSUER (the issuer's discovery names its JWKS)",
        });
      }
    },
    {
      when: ({ issues }) => !issues.some(({ path }) => /^(OIDC_|AUTH_JWKS_URL$)/.test(String(path?.[0]))),
    },
  )
  .superRefine(
    (env, context) => {
      // Processes with a part each share one database; the embedded one lives and dies with its process.
      if (env.ENGINE_ROLE !== 'all' && env.DATABASE_URL === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['DATABASE_URL'],
          message: `is required when ENGINE_ROLE=${env.ENGINE_ROLE} (processes with a role share one database)`,
        });
      }
      // The cluster's processes share PORT; the projector runs as a process of its own.
      if (env.ENGINE_ROLE !== 'api' && env.ENGINE_API_PROCESSES > 1) {
        context.addIssue({
          code: 'custom',
          path: ['ENGINE_API_PROCESSES'],
          message: `must be 1 unless ENGINE_ROLE=api, got ${env.ENGINE_API_PROCESSES} (run the projections in a process of their own: ENGINE_ROLE=projector)`,
        });
      }
    },
    {
      when: ({ issues }) =>
        !issues.some(({ path }) =>
          ['ENGINE_ROLE', 'ENGINE_API_PROCESSES', 'DATABASE_URL'].includes(String(path?.[0])),
        ),
    },
  )
  .superRefine(
    (env, context) => {
      if (env.EVENT_STORE === 'kurrentdb' && env.KURRENTDB_URL === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['KURRENTDB_URL'],
          message: 'is required when EVENT_STORE=kurrentdb',
        });
      }
    },
    // Also when other variables are refused, so that one start-up names every problem.
    {
      when: ({ issues }) =>
        !issues.some(({ path }) => ['EVENT_STORE', 'KURRENTDB_URL'].includes(String(path?.[0]))),
    },
  );

/** Sign-in through an OpenID provider (OIDC_*): what the web app needs, and what tokens must carry. */
export interface OidcSettings {
  /** Tokens' `iss` must equal it. */
  issuer: string;
  clientId: string;
  scope: string;
  /** The resource indicator the app asks tokens for; when set, tokens' `aud` must include it. */
  resource?: string;
  /** The issuer's JWKS, from its discovery document: filled in at start-up (resolveRuntimeConfig). */
  jwksUri?: string;
}

/**
 * Each may be unset: resolveRuntimeConfig generates a development secret when no key is set and
 * no OIDC issuer either. `issuer` and `audience` (AUTH_JWT_*) apply to HS256 tokens and to those
 * of AUTH_JWKS_URL; tokens of the OIDC issuer are checked against its own.
 */
interface AuthSettings {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  oidc?: OidcSettings;
  /** Signing commands need a token whose `auth_time` is at most this many seconds old (SIGNING_MAX_AGE). */
  signingMaxAgeSeconds?: number;
}

export const DEFAULT_OIDC_SCOPE = 'openid profile';

const appConfig = environment.transform((env) => {
  const auth: AuthSettings = {
    jwtSecret: env.AUTH_JWT_SECRET,
    jwksUrl: env.AUTH_JWKS_URL,
    issuer: env.AUTH_JWT_ISSUER,
    audience: env.AUTH_JWT_AUDIENCE,
    signingMaxAgeSeconds: env.SIGNING_MAX_AGE,
    oidc:
      env.OIDC_ISSUER === undefined || env.OIDC_CLIENT_ID === undefined
        ? undefined
        : {
            issuer: env.OIDC_ISSUER,
            clientId: env.OIDC_CLIENT_ID,
            scope: env.OIDC_SCOPE ?? DEFAULT_OIDC_SCOPE,
            ...(env.OIDC_RESOURCE !== undefined && { resource: env.OIDC_RESOURCE }),
          },
  };
  const casePolicy = casePolicyFrom(env.CASE_POLICY_FILE ?? {}, {
    slaHours: { stat: env.SLA_HOURS_STAT, urgent: env.SLA_HOURS_URGENT, routine: env.SLA_HOURS_ROUTINE },
    defaultReadsRequired: env.DEFAULT_READS_REQUIRED,
    slaBreachEscalates: env.SLA_BREACH_ESCALATES,
  });
  return {
    /** api, projector or all (runtime/engine-role.ts). */
    role: env.ENGINE_ROLE,
    /** API processes in this engine's cluster; 1: this process alone. */
    apiProcesses: env.ENGINE_API_PROCESSES,
    port: env.PORT,
    host: env.HOST,
    eventStore: env.EVENT_STORE,
    kurrentDbUrl: env.KURRENTDB_URL,
    /** Read models, and events when eventStore is postgres. Absent: the embedded PostgreSQL is started. */
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    auth,
    /** NODE_ENV=production: the development sign-in is never offered. */
    production: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    /** SLA per priority, reading policy, vocabulary … (case-policy.config.ts). */
    casePolicy,
    /** How often the SLA process manager looks for overdue cases (0 turns it off). */
    slaWatchIntervalMs: env.SLA_WATCH_INTERVAL_MS,
    /** How long SIGTERM waits for in-flight requests before closing pools anyway. */
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    /** Requests a minute (README "Security"); 0 turns a limit off. */
    rateLimits: {
      /** Per verified token subject (`sub`). */
      perUserPerMinute: env.RATE_LIMIT_PER_USER_PER_MINUTE,
      /** Per client IP, for requests without a valid token (public routes included, probes exempt). */
      perIpPerMinute: env.RATE_LIMIT_PER_IP_PER_MINUTE,
    },
    /** Longest a request may take from routing to response before it is answered 503; 0 turns it off. */
    requestHandlerTimeoutMs: env.REQUEST_HANDLER_TIMEOUT_MS,
    /** Browser origins allowed by CORS; empty: CORS stays closed (no Access-Control-Allow-Origin). */
    corsOrigins: env.CORS_ORIGINS,
    /**
     * Whom `X-Forwarded-For` is believed from (per-IP limits, access log, request log): that many
     * proxy hops, or peers in these ranges; false: nobody, the socket's address is the client's.
     */
    trustProxy: env.TRUST_PROXY === undefined || env.TRUST_PROXY === 0 ? (false as const) : env.TRUST_PROXY,
    /** Opinion-shopping thresholds (significance of findings from the case policy) and the OS-3 timer (0: off). */
    opinionShopping: {
      policy: shoppingPolicyFrom(env.OPINION_SHOPPING_POLICY ?? {}, casePolicy.findingVocabulary),
      reevaluationIntervalMs: env.OPINION_SHOPPING_REEVALUATION_INTERVAL_MS,
    },
    /** The verifiable log: signing key file, origin, checkpoint cadence, witnesses (docs/integrity.md). */
    integrity: integritySettings(env),
    /** Webhook delivery: attempt time-out, backoff, when failing endpoints are disabled. */
    webhookDelivery: webhookDeliverySettings(env),
    /** Which webhook URLs the SSRF guard allows (WEBHOOKS_ALLOW_LOOPBACK). */
    webhookUrls: webhookUrlSettings(env),
  };
});

export type AppConfig = z.output<typeof appConfig>;

/** Each issue's path starts at its variable; the first issue of each variable is reported. */
function problemsOf(issues: readonly z.core.$ZodIssue[]): ConfigurationProblem[] {
  const problems = new Map<string, string>();
  for (const issue of issues) {
    const name = String(issue.path[0] ?? 'environment');
    if (!problems.has(name)) problems.set(name, issue.message);
  }
  return [...problems].map(([name, problem]) => ({ variable: name, problem }));
}

/** Throws ConfigurationError naming every refused variable. */
export function loadConfig(env: Env): AppConfig {
  const result = appConfig.safeParse(env);
  if (result.success) return result.data;
  const [first, ...rest] = problemsOf(result.error.issues);
  throw new ConfigurationError([first!, ...rest]);
}
