import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';

/**
 * A read model built from the ordered log of all events. Each projection owns a set of tables
 * that live in a PostgreSQL schema of their own per *generation* (`<prefix>_g<n>`), so a rebuild
 * (blue-green) fills generation n+1 from position zero while generation n keeps serving, then
 * switches. Projections write with raw SQL through TypeORM's EntityManager, qualifying every table
 * with the schema they are given.
 *
 * To register one, decorate its class with `@RegisteredProjection()` (registered-projection.ts) and
 * list it in any Nest module's providers: the ProjectionsModule discovers it at bootstrap and runs
 * it. Its queries find the generation to read with `ProjectionSchemas.withActiveSchema(name, …)`.
 */
export interface Projection {
  /** Name used in /api/v1/projections/{name}: audit-trail, worklist, reader-metrics, opinion-shopping, sla-watch. */
  readonly name: string;
  /** Creates the generation's tables (and indexes) in `schema`, which exists and is empty. */
  createTables(manager: EntityManager, schema: string): Promise<void>;
  /**
   * Applies a batch, in log order, inside the transaction that also stores the checkpoint
   * (exactly-once effect). Throwing stops the projection with the error in its status: a poison
   * event is never skipped. Must be deterministic: a rebuild gives exactly the rows the live
   * generation holds.
   */
  apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void>;
}

/** Resolves the schema a projection currently serves from (its active generation). */
export interface ProjectionSchemas {
  activeSchema(name: string): Promise<string>;
  /**
   * Runs a read against the active generation; when a switch dropped that generation between the
   * lookup and the read, looks it up again and retries once.
   */
  withActiveSchema<T>(name: string, read: (schema: string) => Promise<T>): Promise<T>;
}

/** Generation n of a projection lives in this schema, e.g. `proj_audit_trail_g3`. */
export function generationSchema(name: string, generation: number): string {
  return `proj_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_g${generation}`;
}

/** Nest token of the ProjectionSchemas the query side reads through. */
export const PROJECTION_SCHEMAS = Symbol('ProjectionSchemas');
