import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningApp, startTestApp } from '../support/app.js';

const run = promisify(execFile);

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer?: string }>;
}

/** Redocly CLI's `--format json` report. */
interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

/**
 * The served document passes Redocly CLI's recommended rules with no error, as an integrator's
 * tooling would lint it (redocly.yaml at the root configures the rules, each exception with its reason).
 */
describe('the served OpenAPI document', () => {
  let running: RunningApp;
  let folder: string;
  beforeAll(async () => {
    // One tokenless request per operation: the per-address limit (0: none) must not answer 429 first.
    running = await startTestApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '0' });
    folder = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
  });
  afterAll(async () => {
    await running.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('has 0 errors under Redocly lint --extends recommended', async () => {
    const document = await (await fetch(`${running.baseUrl}/openapi.json`)).text();
    // Run where redocly.yaml and its ignore file (keyed by the file name openapi.json) sit beside the document.
    await writeFile(join(folder, 'openapi.json'), document);
    for (const config of ['redocly.yaml', '.redocly.lint-ignore.yaml'])
      await copyFile(config, join(folder, config));
    // Redocly exits 1 when it finds errors; the JSON report on stdout says which either way.
    const { stdout } = await run(
      resolve('node_modules/.bin/redocly'),
      ['lint', 'openapi.json', '--extends', 'recommended', '--format', 'json', '--max-problems', '1000'],
      {
        cwd: folder,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 60_000,
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as LintReport;
    const describe = (problem: LintProblem) =>
      `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`;
    // Warnings are reported, not failed on: they show in the test's output.
    if (report.totals.warnings > 0)
      console.warn(
        `Redocly: ${report.totals.warnings} warning(s), ${report.totals.ignored} ignored (.redocly.lint-ignore.yaml)\n` +
          report.problems
            .filter((p) => p.severity === 'warn')
            .map(describe)
            .join('\n'),
      );
    expect(report.problems.filter((problem) => problem.severity === 'error').map(describe)).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 90_000);

  it('says truly which operations need a token: without one, `security: []` is never 401, bearer always is', async () => {
    const document = (await (await fetch(`${running.baseUrl}/openapi.json`)).json()) as OpenApi;
    const answers: string[] = [];
    const expected: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!HTTP_METHODS.has(method)) continue;
        const security = operation.security;
        expect({ operation: `${method} ${path}`, declared: Array.isArray(security) }).toEqual({
          operation: `${method} ${path}`,
          declared: true,
        });
        const needsToken = security!.some((requirement) => 'bearer' in requirement);
        // Path parameters get a value of the right shape; the answer only has to show the guard.
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
          name === 'treeSize' ? '1' : name === 'code' ? 'not-found' : /Id$/.test(name) ? randomUUID() : 'x',
        );
        const response = await fetch(`${running.baseUrl}${url}`, { method: method.toUpperCase() });
        await response.arrayBuffer();
        const refused = response.status === 401;
        answers.push(`${method} ${path}: ${refused ? '401' : 'answered without a token'}`);
        expected.push(`${method} ${path}: ${needsToken ? '401' : 'answered without a token'}`);
      }
    }
    expect(answers).toEqual(expected);
    // The public ones include at least these (the rest of the document needs a token).
    for (const path of [
      '/health',
      '/ready',
      '/metrics',
      '/problems',
      '/problems/{code}',
      '/api/v1/auth/configuration',
    ])
      expect(document.paths[path]?.get?.security).toEqual([]);
  });

  it('frames the document: a relative server, the licence, a description on every tag, unique operationIds', async () => {
    const document = (await (await fetch(`${running.baseUrl}/openapi.json`)).json()) as OpenApi;
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect(document.info.license).toEqual({ name: 'Proprietary' });
    const operations = Object.values(document.paths).flatMap((item) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([, operation]) => operation),
    );
    const ids = operations.map((operation) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[A-Za-z][A-Za-z0-9_]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const used = new Set(operations.flatMap((operation) => operation.tags ?? []));
    expect(document.tags.map((tag) => tag.name).sort()).toEqual([...used].sort());
    // A new tag gets its description in src/infrastructure/http/openapi/document-frame.ts.
    expect(document.tags.filter((tag) => !tag.description).map((tag) => tag.name)).toEqual([]);
  });
});

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

interface OpenApi {
  servers: Array<{ url: string; description?: string }>;
  info: { license?: { name: string; url?: string } };
  tags: Array<{ name: string; description?: string }>;
  paths: Record<
    string,
    Record<string, { operationId?: string; tags?: string[]; security?: Array<Record<string, string[]>> }>
  >;
}
