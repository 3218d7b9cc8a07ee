import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { defaultCasePolicy } from '../../../src/domain/case/case.policy.js';
import { ConfigurationError, loadConfig } from '../../../src/infrastructure/config/app-config.js';

const folder = mkdtempSync(join(tmpdir(), 'app-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
/** A CASE_POLICY_FILE holding `content` (JSON-encoded unless it is already text). */
function policyFile(content: unknown): string {
  const file = join(folder, `policy-${++files}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

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
      signingMaxAgeSeconds: 300,
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

  it('names every refused variable at once, with a stable code', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', EVENT_STORE: 'kurrentdb' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'invalid-configuration', variable: 'PORT' });
    expect((error as ConfigurationError).problems.map(({ variable }) => variable)).toEqual([
      'PORT',
      'LOG_LEVEL',
      'KURRENTDB_URL',
    ]);
    expect((error as Error).message.split('\n')).toEqual([
      'Invalid configuration: PORT must be a whole number, got "abc"',
      'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'Invalid configuration: KURRENTDB_URL is required when EVENT_STORE=kurrentdb',
    ]);
  });

  it('takes a blank variable as unset', () => {
    expect(loadConfig({ PORT: '  ', HOST: '', LOG_LEVEL: ' ', DATABASE_URL: '' })).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      databaseUrl: undefined,
    });
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

describe('CASE_POLICY_FILE', () => {
  it('overrides the fields it names, slaHours priority by priority, under the single-value variables', () => {
    const vocabulary = [
      { code: 'fracture', significant: true },
      { code: 'nodule', significant: false },
    ];
    const file = policyFile({
      slaHours: { stat: 2, urgent: 12 },
      findingVocabulary: vocabulary,
      panelMinSize: 5,
      slaBreachEscalates: true,
    });
    const policy = loadConfig({ CASE_POLICY_FILE: file, SLA_HOURS_URGENT: '6' }).casePolicy;
    expect(policy).toEqual({
      ...defaultCasePolicy,
      slaHours: { stat: 2, urgent: 6, routine: 72 },
      findingVocabulary: vocabulary,
      panelMinSize: 5,
      slaBreachEscalates: true,
    });
  });

  it.each([
    ['not JSON', '{"slaHours": ', /is not valid JSON/],
    ['not an object', '[]', /policy must be a JSON object/],
    ['an unknown field', { slaHour: { stat: 2 } }, /has unknown key\(s\) policy\.slaHour$/],
    ['an unknown priority', { slaHours: { asap: 1 } }, /has unknown key\(s\) slaHours\.asap$/],
    [
      'zero SLA hours',
      { slaHours: { stat: 0 } },
      /slaHours\.stat must be a positive number of hours, got 0$/,
    ],
    ['a reading policy of 3', { defaultReadsRequired: 3 }, /defaultReadsRequired must be 1 or 2, got 3$/],
    [
      'a vocabulary entry without significance',
      { findingVocabulary: [{ code: 'fracture' }] },
      /findingVocabulary\[0\]\.significant must be true or false, got undefined$/,
    ],
    [
      'a finding code listed twice',
      {
        findingVocabulary: [
          { code: 'fracture', significant: true },
          { code: 'fracture', significant: false },
        ],
      },
      /findingVocabulary must not list a finding code twice$/,
    ],
    ['no body region', { bodyRegions: [] }, /bodyRegions must list at least one body region$/],
    [
      'an unknown RADPEER score',
      { radpeerScoresForcingAdjudication: ['2b', '4'] },
      /radpeerScoresForcingAdjudication\[1\] must be one of 1, 2a, 2b, 3a, 3b, got "4"$/,
    ],
    ['a panel of 0', { panelMinSize: 0 }, /panelMinSize must be a whole number from 1 to 100, got 0$/],
    [
      'escalation as text',
      { slaBreachEscalates: 'yes' },
      /slaBreachEscalates must be true or false, got "yes"$/,
    ],
  ])('refuses %s, naming the variable, the file and the field', (_, content, problem) => {
    const file = policyFile(content);
    const load = () => loadConfig({ CASE_POLICY_FILE: file });
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(`Invalid configuration: CASE_POLICY_FILE (${file}): `);
    expect(load).toThrow(problem);
  });

  it('refuses a file it cannot read, naming it', () => {
    expect(() => loadConfig({ CASE_POLICY_FILE: join(folder, 'absent.json') })).toThrow(
      `Invalid configuration: CASE_POLICY_FILE cannot be read (ENOENT: no such file or directory, open '${join(folder, 'absent.json')}')`,
    );
  });
});
