import { expect } from '@jest/globals';
import { PROBLEM_CATALOGUE } from '../../src/infrastructure/http/problem/problem-catalogue.js';

/** What an answer needs for these checks; both ApiResponse and RawResponse have it. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'instance', 'code', 'errors'];

function jsonOf(answer: Answer): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(answer.text);
    return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every error answer of the API: problem+json `{type, title, status, detail, instance, code,
 * errors?}` with the exact status and code (and the request's path as instance, when given); the
 * code is catalogued with that status, `type` is its page and `title` its title.
 */
export function expectProblem(answer: Answer, status: number, code: string, path?: string): void {
  const body = jsonOf(answer);
  // Status and code together, so that a failure shows both (and the detail).
  expect({ status: answer.status, code: body?.code, detail: body?.detail }).toEqual({
    status,
    code,
    detail: expect.any(String),
  });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  // Its type is the code's page on the engine, and the catalogue has the code, with this status.
  expect({ code, catalogued: PROBLEM_CATALOGUE[code]?.status }).toEqual({ code, catalogued: status });
  expect(body).toEqual(
    expect.objectContaining({
      type: `/problems/${code}`,
      title: PROBLEM_CATALOGUE[code]!.title,
      status,
      detail: expect.any(String),
      instance: expect.any(String),
      code,
    }),
  );
  for (const key of Object.keys(body!)) expect(PROBLEM_KEYS).toContain(key);
  if (path !== undefined) expect(body!.instance).toBe(path.split('?')[0]);
  // Never a stack trace.
  expect(answer.text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
}

/** The fields a validation problem names, each error being exactly `{field, message}`. */
export function fieldsOf(answer: Answer): string[] {
  const errors = jsonOf(answer)?.errors as Array<{ field: string; message: string }> | undefined;
  expect(Array.isArray(errors)).toBe(true);
  for (const error of errors!)
    expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  return errors!.map((error) => error.field);
}
