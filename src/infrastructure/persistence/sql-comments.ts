import type { QueryRunner } from 'typeorm';

/** An object and its comment: `TABLE x.y`, `SCHEMA x` or `COLUMN x.y.z`, and plain text. */
export type SqlComment = readonly [object: string, comment: string];

/**
 * `COMMENT ON` statements for each object, its text quoted as an SQL string literal: for
 * migrations whose comments are plain text and may hold an apostrophe.
 */
export function commentStatements(comments: ReadonlyArray<SqlComment>): string[] {
  return comments.map(([object, comment]) => `COMMENT ON ${object} IS '${comment.replace(/'/g, "''")}'`);
}

/** Sends the `COMMENT ON` statements of {@link commentStatements}, in order. */
export async function commentOn(runner: QueryRunner, comments: ReadonlyArray<SqlComment>): Promise<void> {
  for (const statement of commentStatements(comments)) {
    await runner.query(statement);
  }
}
