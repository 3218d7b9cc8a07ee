import type { Position } from '../../application/ports/event-store.port.js';

/** Anything TypeORM can send SQL through: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

export type ProjectionState = 'running' | 'rebuilding' | 'failed' | 'stopped';

export interface GenerationRow {
  generation: number;
  schema: string;
  checkpoint: Position | undefined;
}

export interface ControlRow {
  name: string;
  activeGeneration: number;
  rebuildGeneration: number | null;
  rebuildRequested: boolean;
  state: ProjectionState;
  error: string | null;
  /** Backend pid of the worker session that last wrote the state (null once it stopped). */
  workerPid: number | null;
  updatedAt: Date;
  generations: Map<number, GenerationRow>;
}

interface StoredControlRow {
  name: string;
  active_generation: number;
  rebuild_generation: number | null;
  rebuild_requested: boolean;
  state: ProjectionState;
  error: string | null;
  worker_pid: number | null;
  updated_at: Date;
  generation: number | null;
  schema_name: string | null;
  checkpoint: string | null;
}

const CONTROL_SQL = `SELECT s.name, s.active_generation, s.rebuild_generation, s.rebuild_requested, s.state, s.error,
       s.worker_pid, s.updated_at, g.generation, g.schema_name, g.checkpoint
FROM projections.projection_state s
LEFT JOIN projections.projection_generations g ON g.name = s.name
WHERE s.name = ANY($1::text[])
ORDER BY s.name, g.generation`;

/** The bookkeeping rows of the named projections (absent: never initialised). */
export async function readControl(db: Queryable, names: readonly string[]): Promise<Map<string, ControlRow>> {
  const rows = (await db.query(CONTROL_SQL, [names])) as StoredControlRow[];
  const result = new Map<string, ControlRow>();
  for (const row of rows) {
    let control = result.get(row.name);
    if (!control) {
      control = {
        name: row.name,
        activeGeneration: row.active_generation,
        rebuildGeneration: row.rebuild_generation,
        rebuildRequested: row.rebuild_requested,
        state: row.state,
        error: row.error,
        workerPid: row.worker_pid,
        updatedAt: row.updated_at,
        generations: new Map(),
      };
      result.set(row.name, control);
    }
    if (row.generation !== null && row.schema_name !== null) {
      control.generations.set(row.generation, {
        generation: row.generation,
        schema: row.schema_name,
        checkpoint: (row.checkpoint ?? undefined) as Position | undefined,
      });
    }
  }
  return result;
}

/** Key of the session advisory lock that makes one worker the only writer of a projection. */
export const workerLockKey = (name: string): string => `projection:${name}`;
/** Key of the transaction lock under which a projection's first generation is created. */
export const initLockKey = (name: string): string => `projection-init:${name}`;

export const quoteIdentifier = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
