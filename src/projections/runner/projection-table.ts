import { type Queryable, quoteIdentifier } from './projection-control.js';

/** PostgreSQL takes at most 65535 parameters per statement; stay well below. */
const MAX_PARAMETERS = 30_000;

/** A column's SQL type and constraints, type first: `'bigint PRIMARY KEY'`, `'text NOT NULL'`, `'jsonb'`. */
export type ColumnDefinition = string;

export interface TableOptions {
  /** A key over several columns, e.g. `['flag_id', 'revision']`. */
  primaryKey?: readonly string[];
  /** Each index's column list and any predicate, e.g. `'(case_id, position)'`. */
  indexes?: readonly string[];
  /** Created only if missing: a table added after generations existed. */
  ifNotExists?: boolean;
}

/**
 * One table of a projection's generation, declared once: its CREATE TABLE and indexes, and the
 * multi-row INSERTs of a batch (one statement per few thousand rows, not one per row), whose
 * columns, in declaration order, and parameter casts follow from the same declaration.
 */
export class ProjectionTable {
  private readonly names: readonly string[];
  private readonly casts: readonly string[];

  constructor(
    readonly name: string,
    private readonly columns: Readonly<Record<string, ColumnDefinition>>,
    private readonly options: TableOptions = {},
  ) {
    this.names = Object.keys(columns);
    // A text parameter needs no cast; any other type is cast to the column's.
    this.casts = Object.values(columns).map((definition) => {
      const type = definition.split(' ')[0]!;
      return type === 'text' ? '' : `::${type}`;
    });
  }

  async create(db: Queryable, schema: string): Promise<void> {
    const table = this.in(schema);
    const lines = Object.entries(this.columns).map(([name, definition]) => `${name} ${definition}`);
    if (this.options.primaryKey) lines.push(`PRIMARY KEY (${this.options.primaryKey.join(', ')})`);
    const ifNotExists = this.options.ifNotExists ? 'IF NOT EXISTS ' : '';
    await db.query(`CREATE TABLE ${ifNotExists}${table} (\n  ${lines.join(',\n  ')}\n)`);
    for (const index of this.options.indexes ?? []) await db.query(`CREATE INDEX ON ${table} ${index}`);
  }

  /** Rows hold one value per column, in declaration order. */
  insert(db: Queryable, schema: string, rows: readonly unknown[][]): Promise<void> {
    return this.write(db, schema, rows, '');
  }

  /** Rows whose key is already there are left as they are. */
  insertNew(db: Queryable, schema: string, rows: readonly unknown[][]): Promise<void> {
    return this.write(db, schema, rows, ' ON CONFLICT DO NOTHING');
  }

  /** Rows whose primary key is already there replace `update` (by default, every other column). */
  upsert(
    db: Queryable,
    schema: string,
    rows: readonly unknown[][],
    update: readonly string[] = this.names.filter((name) => !this.isKey(name)),
  ): Promise<void> {
    const key = this.names.filter((name) => this.isKey(name));
    const set = update.map((name) => `${name} = EXCLUDED.${name}`).join(', ');
    return this.write(db, schema, rows, ` ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set}`);
  }

  /** `"schema".name`, for the queries that read the table. */
  in(schema: string): string {
    return `${quoteIdentifier(schema)}.${this.name}`;
  }

  private isKey(name: string): boolean {
    return this.options.primaryKey?.includes(name) ?? this.columns[name]!.includes('PRIMARY KEY');
  }

  private async write(
    db: Queryable,
    schema: string,
    rows: readonly unknown[][],
    suffix: string,
  ): Promise<void> {
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / this.names.length));
    const into = `INSERT INTO ${this.in(schema)} (${this.names.join(', ')}) VALUES `;
    for (let start = 0; start < rows.length; start += perStatement) {
      const parameters: unknown[] = [];
      const values = rows.slice(start, start + perStatement).map((row) => {
        const placeholders = this.casts.map((cast, index) => {
          parameters.push(row[index]);
          return `$${parameters.length}${cast}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      await db.query(`${into}${values.join(', ')}${suffix}`, parameters);
    }
  }
}
