import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';

/**
 * A read model built from the ordered log of all events. Each projection owns a set of tables
 * that live in a PostgreSQL schema of their own per *generation* (`<prefix>_g<n>`), so a rebuild
 * (blue-green) fills generation n+1 from position zero while generation n keeps serving, then
 * switches. Projections write with raw SQL through TypeORM's EntityManager, qualifying every table
 * with the schema they are given.
 */
export interface Projection {
  /** Name used in /api/v1/projections/{name}: audit-trail, worklist, reader-metrics, opinion-shopping, sla-watch. */
  readonly name: string;
  /** Creates the generation's tables (and indexes) in `schema`, which exists and is empty. */
  createTables(manager: EntityManager, schema: string): Promise<void>;
  /**
   * Applies a batch, in log order, inside the transaction that also stores the checkpoint
   * (exactly-once effect). Throwing stops the projection with the error in its status: a poison
   * event is never skipped.
   */
  apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void>;
}

/** Resolves the schema a projection currently serves from (its active generation). */
export interface ProjectionSchemas {
  activeSchema(name: string): Promise<string>;
}

export const PROJECTIONS = Symbol('Projections');
