import type { ProjectionSchemas } from './projection.js';
import type { Queryable } from './projection-control.js';

/** A projection's tables do not exist yet: its runner has not initialised it. */
export class ProjectionNotReadyError extends Error {
  readonly code = 'projection-not-ready';
  constructor(readonly projection: string) {
    super(`The ${projection} read model is not initialised yet; retry shortly.`);
    this.name = 'ProjectionNotReadyError';
  }
}

const ACTIVE_SCHEMA_SQL = `SELECT g.schema_name
FROM projections.projection_state s
JOIN projections.projection_generations g ON g.name = s.name AND g.generation = s.active_generation
WHERE s.name = $1`;

/** undefined_table / invalid_schema_name: a blue-green switch dropped the generation being read. */
function isDroppedGeneration(error: unknown): boolean {
  const codes = [error, (error as { driverError?: unknown } | null)?.driverError].map(
    (candidate) => (candidate as { code?: unknown } | null)?.code,
  );
  return codes.some((code) => code === '42P01' || code === '3F000');
}

/** The query side's view of generations: which schema serves each projection now. */
export class ProjectionSchemaDirectory implements ProjectionSchemas {
  constructor(private readonly db: Queryable) {}

  async activeSchema(name: string): Promise<string> {
    const rows = (await this.db.query(ACTIVE_SCHEMA_SQL, [name])) as Array<{ schema_name: string }>;
    if (rows.length === 0) throw new ProjectionNotReadyError(name);
    return rows[0].schema_name;
  }

  async withActiveSchema<T>(name: string, read: (schema: string) => Promise<T>): Promise<T> {
    const schema = await this.activeSchema(name);
    try {
      return await read(schema);
    } catch (error) {
      if (!isDroppedGeneration(error)) throw error;
      return read(await this.activeSchema(name));
    }
  }
}
