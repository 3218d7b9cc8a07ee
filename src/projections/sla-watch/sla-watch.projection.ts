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

  async apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (!event.streamId.startsWith('case-')) continue;
      const caseId = event.streamId.slice('case-'.length);
      if (event.type === 'SecondOpinionRequested' && typeof event.data.dueAt === 'string') {
        await manager.query(
          `INSERT INTO "${schema}".sla_due (case_id, due_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [caseId, event.data.dueAt],
        );
      } else if (SETTLED_BY.has(event.type)) {
        await manager.query(`UPDATE "${schema}".sla_due SET settled = true WHERE case_id = $1`, [caseId]);
      }
    }
  }
}
