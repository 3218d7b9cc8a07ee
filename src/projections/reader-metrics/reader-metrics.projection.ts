import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import { CaseAggregate } from '../../application/case/case.aggregate.js';
import { isCaseEventType } from '../../domain/case/case.events.js';
import { defaultCasePolicy } from '../../domain/case/case.policy.js';
import { upcastCaseEvent } from '../../domain/case/case.upcasters.js';
import { evolveMetricsCase, type MetricsCaseRecord } from '../../domain/metrics/metrics-case.js';
import { occurredAtOf } from '../audit-trail/audit-trail.projection.js';
import type { Projection } from '../runner/projection.js';
import { ProjectionTable } from '../runner/projection-table.js';
import { RegisteredProjection } from '../runner/registered-projection.js';
import { applyCaseChanges, createTotalsTables, MetricsBases, writeBasis } from './reader-metrics.totals.js';

export const READER_METRICS = 'reader-metrics';

const CASE_STREAM_PREFIX = 'case-';

const METRICS_CASES_TABLE = new ProjectionTable(
  'metrics_cases',
  {
    case_id: 'uuid PRIMARY KEY',
    body_region: 'text NOT NULL',
    requested_at: 'timestamptz NOT NULL',
    record: 'jsonb NOT NULL',
  },
  { indexes: ['(requested_at)', '(body_region, requested_at)'] },
);

/**
 * Reader accuracy metrics (docs/projections.md): one row per case holding the facts the metrics need
 * (`MetricsCaseRecord`, folded event by event with `evolveMetricsCase`, plain JSON, with each
 * event's recordedAt beside its occurredAt so that queries can leave imported history out of
 * turnaround), and the metrics' counts summed per subject × finding × body region × day, month
 * and all time (reader-metrics.totals.ts), which a batch updates by taking each changed case's old
 * counts out and adding its new ones. A batch loads the rows it touches, folds its events in memory and
 * upserts each changed row once.
 */
@Injectable()
@RegisteredProjection()
export class ReaderMetricsProjection implements Projection {
  readonly name = READER_METRICS;
  /** Read once per generation, not on every batch. */
  private readonly bases = new MetricsBases();
  constructor(@Optional() private readonly cases?: CaseAggregate) {}

  async createTables(manager: EntityManager, schema: string): Promise<void> {
    await METRICS_CASES_TABLE.create(manager, schema);
    await createTotalsTables(manager, schema);
    const policy = this.cases?.policy ?? defaultCasePolicy;
    await writeBasis(manager, schema, {
      vocabulary: policy.findingVocabulary,
      backfillThresholdHours: policy.importedHistoryThresholdHours,
    });
  }

  async apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void> {
    const caseEvents = events.filter(
      (event) => event.streamId.startsWith(CASE_STREAM_PREFIX) && isCaseEventType(event.type),
    );
    if (caseEvents.length === 0) return;
    const caseIds = [...new Set(caseEvents.map((event) => event.streamId.slice(CASE_STREAM_PREFIX.length)))];
    const stored = (await manager.query(
      `SELECT case_id, record FROM ${METRICS_CASES_TABLE.in(schema)} WHERE case_id = ANY($1::uuid[])`,
      [caseIds],
    )) as Array<{ case_id: string; record: MetricsCaseRecord }>;
    const before = new Map(stored.map((row) => [row.case_id, row.record]));
    const records = new Map(before);
    const changed = new Set<string>();
    for (const event of caseEvents) {
      const caseId = event.streamId.slice(CASE_STREAM_PREFIX.length);
      const caseEvent = upcastCaseEvent({
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
      });
      const next = evolveMetricsCase(
        records.get(caseId),
        caseEvent,
        occurredAtOf(event),
        event.recordedAt.toISOString(),
      );
      if (next !== records.get(caseId)) {
        records.set(caseId, next);
        changed.add(caseId);
      }
    }
    const rows = [...changed].map((caseId) => {
      const record = records.get(caseId)!;
      return [caseId, record.metricsCase.bodyRegion, record.metricsCase.occurredAt, JSON.stringify(record)];
    });
    await METRICS_CASES_TABLE.upsert(manager, schema, rows);
    const changes = [...changed].map((caseId) => ({
      before: before.get(caseId),
      after: records.get(caseId)!,
    }));
    // The basis the generation states, not this process's policy: its sums stay of one basis.
    await applyCaseChanges(manager, schema, await this.bases.of(manager, schema), changes);
  }
}
