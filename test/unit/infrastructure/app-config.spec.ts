import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, loadConfig } from '../../../src/infrastructure/config/app-config.js';

describe('loadConfig', () => {
  it('starts on the embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      eventStore: 'postgres',
      dataDir: '.data',
      databaseUrl: undefined,
    });
    expect(config.auth).toEqual({
      jwtSecret: undefined,
      jwksUrl: undefined,
      issuer: undefined,
      audience: undefined,
    });
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: 'kurrentdb://kurrentdb:2113?tls=false',
      DATABASE_URL: 'postgres://engine@db:5432/engine',
      AUTH_JWT_SECRET: 'x'.repeat(32),
      AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
      AUTH_JWT_ISSUER: 'https://idp.example/',
      AUTH_JWT_AUDIENCE: 'engine',
    });
    expect(config).toMatchObject({
      port: 8080,
      eventStore: 'kurrentdb',
      kurrentDbUrl: 'kurrentdb://kurrentdb:2113?tls=false',
      databaseUrl: 'postgres://engine@db:5432/engine',
      auth: {
        jwtSecret: 'x'.repeat(32),
        jwksUrl: 'https://idp.example/.well-known/jwks.json',
        issuer: 'https://idp.example/',
        audience: 'engine',
      },
    });
  });

  it('accepts a KurrentDB cluster connection string', () => {
    const url = 'kurrentdb://node1:2113,node2:2113,node3:2113?tls=true&nodePreference=leader';
    expect(loadConfig({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: url }).kurrentDbUrl).toBe(url);
  });

  it('has the security defaults of api.md: 50,000 a minute per user, 300 per IP, 30 s handler timeout, CORS closed', () => {
    expect(loadConfig({})).toMatchObject({
      rateLimits: { perUserPerMinute: 50_000, perIpPerMinute: 300 },
      requestHandlerTimeoutMs: 30_000,
      corsOrigins: [],
    });
  });

  it('reads the rate limits, 0 turning a limit off', () => {
    expect(
      loadConfig({ RATE_LIMIT_PER_USER_PER_MINUTE: '0', RATE_LIMIT_PER_IP_PER_MINUTE: '12' }).rateLimits,
    ).toEqual({ perUserPerMinute: 0, perIpPerMinute: 12 });
  });

  it('reads the request handler timeout, 0 turning it off', () => {
    expect(loadConfig({ REQUEST_HANDLER_TIMEOUT_MS: '0' }).requestHandlerTimeoutMs).toBe(0);
    expect(loadConfig({ REQUEST_HANDLER_TIMEOUT_MS: '5000' }).requestHandlerTimeoutMs).toBe(5000);
  });

  it('reads CORS_ORIGINS as a comma-separated list of exact origins', () => {
    expect(
      loadConfig({
        CORS_ORIGINS:
          ' https://app.example.org, http://localhost:5173/ ,https://B.example:8443,https://c.example:443',
      }).corsOrigins,
    ).toEqual([
      'https://app.example.org',
      'http://localhost:5173',
      'https://b.example:8443',
      'https://c.example',
    ]);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ EVENT_STORE: 'mongo' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'kurrentdb' }, 'KURRENTDB_URL'],
    [{ KURRENTDB_URL: 'http://x' }, 'KURRENTDB_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_JWKS_URL: 'ftp://idp/jwks' }, 'AUTH_JWKS_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RATE_LIMIT_PER_USER_PER_MINUTE: '-1' }, 'RATE_LIMIT_PER_USER_PER_MINUTE'],
    [{ RATE_LIMIT_PER_USER_PER_MINUTE: '1.5' }, 'RATE_LIMIT_PER_USER_PER_MINUTE'],
    [{ RATE_LIMIT_PER_USER_PER_MINUTE: 'lots' }, 'RATE_LIMIT_PER_USER_PER_MINUTE'],
    [{ RATE_LIMIT_PER_IP_PER_MINUTE: '300/min' }, 'RATE_LIMIT_PER_IP_PER_MINUTE'],
    [{ RATE_LIMIT_PER_IP_PER_MINUTE: '100000001' }, 'RATE_LIMIT_PER_IP_PER_MINUTE'],
    [{ REQUEST_HANDLER_TIMEOUT_MS: '30s' }, 'REQUEST_HANDLER_TIMEOUT_MS'],
    [{ REQUEST_HANDLER_TIMEOUT_MS: '600001' }, 'REQUEST_HANDLER_TIMEOUT_MS'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'app.example.org' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.org/path' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'ftp://app.example.org' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.org?x=1' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://bad host.example' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.org:99999' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://ok.example, https://user@bad.example' }, 'CORS_ORIGINS'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });
});

describe('loadCasePolicy (through loadConfig)', () => {
  it('uses the domain defaults', () => {
    expect(loadConfig({}).casePolicy.slaHours).toEqual({ stat: 4, urgent: 24, routine: 72 });
  });

  it('takes SLA hours, reads required and escalation from the environment', () => {
    const policy = loadConfig({
      SLA_HOURS_STAT: '2',
      SLA_HOURS_URGENT: '12.5',
      SLA_HOURS_ROUTINE: '48',
      DEFAULT_READS_REQUIRED: '1',
      SLA_BREACH_ESCALATES: 'true',
    }).casePolicy;
    expect(policy).toMatchObject({
      slaHours: { stat: 2, urgent: 12.5, routine: 48 },
      defaultReadsRequired: 1,
      slaBreachEscalates: true,
    });
  });

  it.each([
    [{ SLA_HOURS_STAT: '0' }, 'SLA_HOURS_STAT'],
    [{ SLA_HOURS_URGENT: 'soon' }, 'SLA_HOURS_URGENT'],
    [{ DEFAULT_READS_REQUIRED: '3' }, 'DEFAULT_READS_REQUIRED'],
    [{ SLA_BREACH_ESCALATES: 'yes' }, 'SLA_BREACH_ESCALATES'],
    [{ CASE_POLICY_FILE: '/nonexistent/policy.json' }, 'CASE_POLICY_FILE'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
