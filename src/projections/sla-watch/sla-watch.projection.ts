import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import type { Projection } from '../runner/projection.js';
import { RegisteredProjection } from '../runner/registered-projection.js';

/** Events after which a case can no longer breach its SLA (consensus reached, or the case ended). */
const SETTLED_BY = new Set(['ConsensusReached', 'CaseClosed', 'CaseWithdrawn', 'SlaBreached']);

/**
 * The SLA process manager's memory: which cases have a due time and are not settled. The timer in
 * SlaWatch reads it; breaches go through the command path like every other change.
 */
@Injectable()
@RegisteredProjection()
export class SlaWatchProjection implements Projection {
  readonly name = 'sla-watch';

  async createTables(manager: EntityManager, schema: string): Promise<void> {
    await manager.query(`
      CREATE TABLE "${schema}".sla_due (
        case_id uuid PRIMARY KEY,
        due_at  timestamptz NOT NULL,
        settled boolean     NOT NULL DEFAULT false
      )`);
    await manager.query(`CREATE INDEX ON "${schema}".sla_due (due_at) WHERE NOT settled`);
  }

  /**
   * Two statements per batch, whatever its size (not one per event): the due times of the cases
   * requested, then the cases settled. The same rows as event by event, since a case is requested
   * before anything settles it and `settled` never goes back.
   */
  async apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void> {
    const requested: Array<[string, string]> = [];
    const settled = new Set<string>();
    for (const event of events) {
      if (!event.streamId.startsWith('case-')) continue;
      const caseId = event.streamId.slice('case-'.length);
      if (event.type === 'SecondOpinionRequested' && typeof event.data.dueAt === 'string') {
        requested.push([caseId, event.data.dueAt]);
      } else if (SETTLED_BY.has(event.type)) {
        settled.add(caseId);
      }
    }
    if (requested.length > 0) {
      await manager.query(
        `INSERT INTO "${schema}".sla_due (case_id, due_at)
         SELECT r.case_id, r.due_at FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS r(case_id, due_at, ord)
         ORDER BY r.ord
         ON CONFLICT DO NOTHING`,
        [requested.map(([caseId]) => caseId), requested.map(([, dueAt]) => dueAt)],
      );
    }
    if (settled.size > 0) {
      await manager.query(`UPDATE "${schema}".sla_due SET settled = true WHERE case_id = ANY($1::uuid[])`, [
        [...settled],
      ]);
    }
  }
}
