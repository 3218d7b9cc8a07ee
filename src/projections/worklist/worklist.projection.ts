import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isCaseEventType } from '../../domain/case/case.events.js';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import { CaseAggregate } from '../../application/case/case.aggregate.js';
import type { Projection } from '../runner/projection.js';
import type { Queryable } from '../runner/projection-control.js';
import { RegisteredProjection } from '../runner/registered-projection.js';
import { applyToWorklistRow, fromStoredWorklistRow, type StoredWorklistRow } from './worklist-row.js';
import { addSearchColumns, createSearchIndexes, WORKLIST } from './worklist.upgrade.js';

/**
 * The case worklist: one row per case. A batch loads the rows it touches, folds its events in
 * memory and writes each changed row once (one upsert per batch, not per event).
 *
 * Upgrades: before its first batch on a generation (and WorklistUpgrade at start) it adds the
 * search columns a generation of an older engine lacks, so the worklist keeps serving; a rebuild
 * fills them in for the rows written before (docs/operations.md "Upgrades").
 */
@Injectable()
@RegisteredProjection()
export class WorklistProjection implements Projection {
  readonly name = WORKLIST;
  private readonly upgraded = new Set<string>();

  constructor(private readonly aggregate: CaseAggregate) {}

  async createTables(manager: EntityManager, schema: string): Promise<void> {
    await manager.query(`
      CREATE TABLE "${schema}".worklist (
        case_id         uuid PRIMARY KEY,
        status          text        NOT NULL,
        patient_ref     text,
        study_uid       text,
        body_region     text,
        requester       jsonb,
        priority        text        NOT NULL,
        due_at          timestamptz,
        round           int         NOT NULL,
        readers         jsonb       NOT NULL,
        requested_at    timestamptz NOT NULL,
        consensus_at    timestamptz,
        outcome         text,
        sla_breached_at timestamptz
      )`);
    await manager.query(`CREATE INDEX ON "${schema}".worklist (requested_at, case_id)`);
    await manager.query(`CREATE INDEX ON "${schema}".worklist USING gin (readers jsonb_path_ops)`);
    await manager.query(
      `CREATE INDEX ON "${schema}".worklist (due_at) WHERE status NOT IN ('consensus', 'closed', 'withdrawn')`,
    );
    await createSearchIndexes(manager, schema);
    this.upgraded.add(schema);
  }

  async apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void> {
    const caseEvents = events.filter(
      (event) => event.streamId.startsWith('case-') && isCaseEventType(event.type),
    );
    if (caseEvents.length === 0) return;
    await this.upgrade(manager, schema);
    const caseIds = [...new Set(caseEvents.map((event) => event.streamId.slice('case-'.length)))];
    const stored: StoredWorklistRow[] = await manager.query(
      `SELECT * FROM "${schema}".worklist WHERE case_id = ANY($1::uuid[])`,
      [caseIds],
    );
    const rows = new Map(stored.map((row) => [row.case_id, fromStoredWorklistRow(row)]));
    const changed = new Set<string>();
    for (const event of caseEvents) {
      const caseId = event.streamId.slice('case-'.length);
      const occurredAt =
        typeof event.metadata.occurredAt === 'string'
          ? event.metadata.occurredAt
          : event.recordedAt.toISOString();
      const next = applyToWorklistRow(rows.get(caseId), this.aggregate.fromStored(event), occurredAt);
      if (next) {
        rows.set(caseId, next);
        changed.add(caseId);
      }
    }
    const updates = [...changed].map((caseId) => rows.get(caseId)!);
    await manager.query(
      `INSERT INTO "${schema}".worklist
         (case_id, status, patient_ref, study_uid, body_region, requester, priority, due_at, round, readers,
          requested_at, consensus_at, outcome, sla_breached_at)
       SELECT r."caseId", r.status, r."patientRef", r."studyInstanceUid", r."bodyRegion", r.requester, r.priority,
              r."dueAt", r.round, r.readers, r."requestedAt", r."consensusAt", r.outcome, r."slaBreachedAt"
         FROM jsonb_to_recordset($1::jsonb) AS r("caseId" uuid, status text, "patientRef" text,
              "studyInstanceUid" text, "bodyRegion" text, requester jsonb, priority text, "dueAt" timestamptz,
              round int, readers jsonb, "requestedAt" timestamptz, "consensusAt" timestamptz, outcome text,
              "slaBreachedAt" timestamptz)
       ON CONFLICT (case_id) DO UPDATE SET
         status = EXCLUDED.status, patient_ref = EXCLUDED.patient_ref, study_uid = EXCLUDED.study_uid,
         body_region = EXCLUDED.body_region, requester = EXCLUDED.requester, priority = EXCLUDED.priority,
         due_at = EXCLUDED.due_at, round = EXCLUDED.round, readers = EXCLUDED.readers,
         consensus_at = EXCLUDED.consensus_at, outcome = EXCLUDED.outcome, sla_breached_at = EXCLUDED.sla_breached_at`,
      [JSON.stringify(updates)],
    );
  }

  /** Once per generation and process: a check of the catalogue, not an ALTER per batch. */
  private async upgrade(db: Queryable, schema: string): Promise<void> {
    if (this.upgraded.has(schema)) return;
    await addSearchColumns(db, schema);
    this.upgraded.add(schema);
  }
}
