import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as nest from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { format } from 'prettier';
import ts from 'typescript';
import { CASE_ERROR_CODES } from '../../../src/domain/case/case.errors.js';
import { STEP_UP_PROBLEM_CODE } from '../../../src/infrastructure/auth/recent-authentication.js';
import {
  PROBLEM_CATALOGUE,
  PROBLEM_SECTIONS,
  type ProblemSection,
  problemTypeUri,
} from '../../../src/infrastructure/http/problem/problem-catalogue.js';
import { problem } from '../../../src/infrastructure/http/problem/problem-details.js';
import { problemTable } from '../../../src/infrastructure/http/problem/problem-pages.js';
import { CODE_BY_STATUS } from '../../../src/infrastructure/http/problem/problem.filter.js';

/**
 * Where a problem code is decided in the source: the constructor or function, which argument is
 * the code and which (if any) the status. Anything sent as problem+json passes through one of them.
 */
const SITES: ReadonlyArray<{
  callee: string;
  isNew: boolean;
  code: number;
  status?: number;
  minArgs: number;
}> = [
  { callee: 'DomainError', isNew: true, code: 0, minArgs: 1 },
  { callee: 'caseError', isNew: false, code: 0, minArgs: 1 },
  { callee: 'IntegrityLogError', isNew: true, code: 0, minArgs: 1 },
  { callee: 'ProblemException', isNew: true, status: 0, code: 1, minArgs: 2 },
  // problem(status, code, detail, instance): read-route.decorator.ts has a one-argument `problem` of its own.
  { callee: 'problem', isNew: false, status: 0, code: 1, minArgs: 4 },
  // auth.hook.ts: reject(reply, request, status, code, detail).
  { callee: 'reject', isNew: false, status: 2, code: 3, minArgs: 5 },
];

/**
 * Sites whose code is not written at the site, each with the codes it can carry (none: it passes
 * on a code already checked where it was decided). A new one fails the test until it is listed here.
 */
const DYNAMIC_SITES: Readonly<Record<string, readonly string[]>> = {
  // A ProblemException's or DomainError's code, checked where each is constructed.
  'src/infrastructure/http/problem/problem.filter.ts: error.code': [],
  // A code named by an HttpException's payload (checked below as `Exception({code})`), else by status.
  'src/infrastructure/http/problem/problem.filter.ts: code': [
    ...Object.values(CODE_BY_STATUS),
    'bad-request',
    'internal-error',
  ],
  // caseError()'s parameter: its callers are sites.
  'src/domain/case/case.errors.ts: code': [],
  // The FHIR facade passes on a domain code it maps to an element, checked where it is thrown.
  'src/infrastructure/http/fhir/fhir.controller.ts: error.code': [],
  // reject()'s parameter: its callers are sites.
  'src/infrastructure/auth/auth.hook.ts: code': [],
  'src/infrastructure/auth/auth.hook.ts: STEP_UP_PROBLEM_CODE': [STEP_UP_PROBLEM_CODE],
  // IntegrityLogError's code: its constructions are sites.
  'src/infrastructure/http/integrity/integrity.controller.ts: error.code': [],
};

interface Sent {
  code: string;
  status?: number;
  where: string;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** The string literals an expression can evaluate to, or undefined when it is not made of literals. */
function literals(node: ts.Expression): string[] | undefined {
  if (ts.isParenthesizedExpression(node)) return literals(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isConditionalExpression(node)) {
    const [whenTrue, whenFalse] = [literals(node.whenTrue), literals(node.whenFalse)];
    return whenTrue && whenFalse ? [...whenTrue, ...whenFalse] : undefined;
  }
  return undefined;
}

const numberOf = (node: ts.Expression | undefined): number | undefined =>
  node && ts.isNumericLiteral(node) ? Number(node.text) : undefined;

/** Nest's HttpException subclasses by name, with the status each answers (`ServiceUnavailableException` → 503). */
function nestExceptionStatus(name: string): number | undefined {
  const candidate = (nest as unknown as Record<string, unknown>)[name];
  if (typeof candidate !== 'function' || !name.endsWith('Exception')) return undefined;
  const instance: unknown = new (candidate as new () => unknown)();
  return instance instanceof nest.HttpException ? instance.getStatus() : undefined;
}

/** Every code the source sends, and the dynamic sites it could not read. */
function scan(): { sent: Sent[]; dynamic: string[] } {
  const sent: Sent[] = [];
  const dynamic: string[] = [];
  for (const file of sourceFiles('src')) {
    const path = relative('.', file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) =>
      `${path}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression)) {
        const name = node.expression.text;
        const args = node.arguments ?? ts.factory.createNodeArray();
        const site = SITES.find(
          (candidate) =>
            candidate.callee === name &&
            candidate.isNew === ts.isNewExpression(node) &&
            args.length >= candidate.minArgs,
        );
        if (site) {
          const codes = literals(args[site.code]!);
          const status = site.status === undefined ? undefined : numberOf(args[site.status]);
          if (codes) sent.push(...codes.map((code) => ({ code, status, where: where(node) })));
          else dynamic.push(`${path}: ${args[site.code]!.getText(source)}`);
        }
        // new ServiceUnavailableException({ code: 'not-ready', … })
        const exceptionStatus = ts.isNewExpression(node) ? nestExceptionStatus(name) : undefined;
        const payload = args[0];
        if (exceptionStatus !== undefined && payload && ts.isObjectLiteralExpression(payload)) {
          for (const property of payload.properties) {
            if (!ts.isPropertyAssignment(property) || property.name.getText(source) !== 'code') continue;
            const codes = literals(property.initializer);
            if (codes)
              sent.push(...codes.map((code) => ({ code, status: exceptionStatus, where: where(node) })));
            else dynamic.push(`${path}: ${property.initializer.getText(source)}`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { sent, dynamic };
}

describe('the problem catalogue', () => {
  const { sent, dynamic } = scan();

  it('the scan finds the codes decided in the source, of every kind of site', () => {
    // Guards the scan itself: were it to find nothing, the tests below could not fail.
    const found = new Set(sent.map(({ code }) => code));
    for (const code of [
      'already-submitted', // caseError
      'note-required', // new DomainError
      'reader-not-found', // new ProblemException
      'rate-limited', // problem(…)
      'forbidden', // reject(…)
      'not-ready', // new ServiceUnavailableException({ code })
      'event-not-in-log', // new IntegrityLogError
    ])
      expect({ code, found: found.has(code) }).toEqual({ code, found: true });
  });

  it('has an entry for every code the source sends, with the status it is sent with', () => {
    const missing = sent
      .filter(({ code }) => !Object.hasOwn(PROBLEM_CATALOGUE, code))
      .map(({ code, where }) => `${code} (${where})`);
    expect(missing).toEqual([]);
    const wrongStatus = sent
      .filter(({ code, status }) => status !== undefined && PROBLEM_CATALOGUE[code]?.status !== status)
      .map(
        ({ code, status, where }) =>
          `${code}: sent ${status}, catalogued ${PROBLEM_CATALOGUE[code]?.status} (${where})`,
      );
    expect(wrongStatus).toEqual([]);
  });

  it('has no entry for a code nothing sends any more', () => {
    const sendable = new Set([
      ...sent.map(({ code }) => code),
      ...Object.values(DYNAMIC_SITES).flat(),
      ...Object.keys(CASE_ERROR_CODES),
    ]);
    expect(Object.keys(PROBLEM_CATALOGUE).filter((code) => !sendable.has(code))).toEqual([]);
  });

  it('knows every site whose code is not written where it is sent, and the codes each carries', () => {
    expect([...new Set(dynamic)].filter((site) => !(site in DYNAMIC_SITES))).toEqual([]);
    const carried = [...new Set(Object.values(DYNAMIC_SITES).flat())];
    expect(carried.filter((code) => !Object.hasOwn(PROBLEM_CATALOGUE, code))).toEqual([]);
  });

  it('has every code a case decider throws, and every fallback code by status with that status', () => {
    expect(Object.keys(CASE_ERROR_CODES).filter((code) => !Object.hasOwn(PROBLEM_CATALOGUE, code))).toEqual(
      [],
    );
    for (const [status, code] of Object.entries(CODE_BY_STATUS))
      expect({ code, status: PROBLEM_CATALOGUE[code]?.status }).toEqual({ code, status: Number(status) });
  });

  it('holds each code in one section only, each with a status, title, meaning and what to do', () => {
    const codes = Object.values(PROBLEM_SECTIONS).flatMap((section) => Object.keys(section));
    expect(codes.length).toBe(new Set(codes).size);
    for (const [code, entry] of Object.entries(PROBLEM_CATALOGUE)) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(entry.status >= 400 && entry.status <= 599).toBe(true);
      for (const text of [entry.title, entry.meaning, entry.action]) expect(text.trim()).not.toBe('');
    }
  });

  it('gives a problem answer its page as `type` and its title', () => {
    expect(
      problem(422, 'already-submitted', 'Assignment a1 holds an opinion.', '/api/v1/cases/c1/opinions'),
    ).toEqual({
      type: '/problems/already-submitted',
      title: 'Already submitted',
      status: 422,
      detail: 'Assignment a1 holds an opinion.',
      instance: '/api/v1/cases/c1/opinions',
      code: 'already-submitted',
    });
    expect(problemTypeUri('rate-limited')).toBe('/problems/rate-limited');
  });

  it.each(Object.keys(PROBLEM_SECTIONS) as ProblemSection[])(
    'docs/api.md shows the %s table rendered from the catalogue',
    async (section) => {
      // The guide is Prettier-formatted: compare with the table as Prettier lays it out.
      const table = (await format(problemTable(section), { parser: 'markdown' })).trim();
      expect(readFileSync('docs/api.md', 'utf8')).toContain(table);
    },
  );
});
