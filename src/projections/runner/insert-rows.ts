import type { EntityManager } from 'typeorm';

/** PostgreSQL takes at most 65535 parameters per statement; stay well below. */
const MAX_PARAMETERS = 30_000;

export interface InsertColumn {
  name: string;
  /** Cast for the parameter, e.g. `::jsonb`; empty when the column type is inferred. */
  cast?: string;
}

/** Multi-row INSERTs for a projection's batch: one statement per few thousand rows, not one per row. */
export async function insertRows(
  manager: EntityManager,
  table: string,
  columns: readonly InsertColumn[],
  rows: readonly unknown[][],
  suffix = '',
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const names = columns.map((column) => column.name).join(', ');
  for (let start = 0; start < rows.length; start += perStatement) {
    const parameters: unknown[] = [];
    const values = rows.slice(start, start + perStatement).map((row) => {
      const placeholders = columns.map((column, index) => {
        parameters.push(row[index]);
        return `$${parameters.length}${column.cast ?? ''}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await manager.query(`INSERT INTO ${table} (${names}) VALUES ${values.join(', ')}${suffix}`, parameters);
  }
}
