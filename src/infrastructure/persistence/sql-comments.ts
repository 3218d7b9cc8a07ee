import type { QueryRunner } from 'typeorm';

/**
 * `COMMENT ON` each object (`TABLE x.y`, `SCHEMA x`, `COLUMN x.y.z`), its text quoted as an SQL
 * string literal: for migrations whose comments are plain text and may hold an apostrophe.
 */
export async function commentOn(
  runner: QueryRunner,
  comments: ReadonlyArray<readonly [object: string, comment: string]>,
): Promise<void> {
  for (const [object, comment] of comments) {
    await runner.query(`COMMENT ON ${object} IS '${comment.replace(/'/g, "''")}'`);
  }
}
