import { z } from 'zod';

/**
 * The JSON documents configuration accepts (CASE_POLICY_FILE, OPINION_SHOPPING_POLICY): parsed
 * against a schema, a refusal names the field to fix (`burst.minRequests`, `findingVocabulary[2].code`).
 */
export type JsonDocumentResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** `root` names the document itself, e.g. `policy must be a JSON object`. */
export function parseJsonDocument<T extends z.ZodType>(
  text: string,
  schema: T,
  root: string,
): JsonDocumentResult<z.output<T>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `is not valid JSON (${(error as Error).message})` };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problem: result.error.issues.map((issue) => describe(issue, root)).join('; ') };
}

/** A strict object whose type refusal reads like the others. */
export const jsonObject = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.strictObject(shape, { error: 'must be a JSON object' });

const fieldPath = (path: readonly PropertyKey[]): string =>
  path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');

function describe(issue: z.core.$ZodIssue, root: string): string {
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path.length === 0 ? root : fieldPath(issue.path);
    return `has unknown key(s) ${issue.keys.map((key) => `${parent}.${key}`).join(', ')}`;
  }
  return `${issue.path.length === 0 ? root : fieldPath(issue.path)} ${issue.message}`;
}
