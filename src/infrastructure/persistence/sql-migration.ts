import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What TypeORM's `migrations` list holds: a class it constructs without arguments. */
export type MigrationClass = new () => MigrationInterface;

/**
 * A migration that is only SQL: its statements sent in order going up, and down. `name` ends in the
 * 13-digit timestamp TypeORM orders by; it is what the migrations table records, so it must never
 * change once the migration has run.
 */
export function sqlMigration(
  name: string,
  statements: { readonly up: readonly string[]; readonly down: readonly string[] },
): MigrationClass {
  const send = async (runner: QueryRunner, sql: readonly string[]): Promise<void> => {
    for (const statement of sql) {
      await runner.query(statement);
    }
  };
  return class implements MigrationInterface {
    readonly name = name;
    up = (runner: QueryRunner): Promise<void> => send(runner, statements.up);
    down = (runner: QueryRunner): Promise<void> => send(runner, statements.down);
  };
}
