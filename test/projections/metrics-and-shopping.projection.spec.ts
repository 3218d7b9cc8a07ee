import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { Position, RecordedEvent } from '../../src/application/ports/event-store.port.js';
import { upcastCaseEvent } from '../../src/domain/case/case.upcasters.js';
import { metricsCaseFrom } from '../../src/domain/metrics/metrics-case.js';
import { defaultShoppingPolicy } from '../../src/domain/opinion-shopping/opinion-shopping.policy.js';
import { flagIdFor } from '../../src/projections/opinion-shopping/flag-id.js';
import { OpinionShoppingProjection } from '../../src/projections/opinion-shopping/opinion-shopping.projection.js';
import { ReaderMetricsProjection } from '../../src/projections/reader-metrics/reader-metrics.projection.js';
import type { Projection } from '../../src/projections/runner/projection.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const DAY = 86_400_000;
const T0 = Date.parse('2024-01-01T09:00:00.000Z');
const day = (days: number): string => new Date(T0 + days * DAY).toISOString();
/** When the engine recorded the history: all of it imported today. */
const RECORDED = Date.parse('2026-06-01T10:00:00.000Z');

/** A log of case events (as the store would hand them to a projection), built case by case. */
class Log {
  readonly events: RecordedEvent[] = [];
  private readonly revisions = new Map<string, number>();

  append(caseId: string, type: string, data: Record<string, unknown>, occurredAt: string): RecordedEvent {
    const streamId = caseId.startsWith('flag-') ? caseId : `case-${caseId}`;
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    this.revisions.set(streamId, revision);
    const event: RecordedEvent = {
      eventId: `evt-${this.events.length + 1}`,
      type,
      streamId,
      revision,
      data,
      metadata: { actor: { id: 'ris-1', role: 'integrator' }, occurredAt },
      schemaVersion: 1,
      recordedAt: new Date(RECORDED + this.events.length * 1000),
      position: String(this.events.length + 1) as Position,
    };
    this.events.push(event);
    return event;
  }

  request(
    patientRef: string,
    at: string,
    options: {
      uid?: string;
      organisation?: string;
      priorReport?: Record<string, unknown>;
      readsRequired?: number;
    } = {},
  ): { caseId: string; event: RecordedEvent } {
    const caseId = randomUUID();
    const event = this.append(
      caseId,
      'SecondOpinionRequested',
      {
        caseId,
        patientRef,
        study: {
          studyInstanceUid: options.uid ?? `1.2.${this.events.length}`,
          modality: 'DX',
          bodyRegion: 'wrist',
          studyDate: at.slice(0, 10),
        },
        clinicalQuestion: 'Fracture?',
        requester: { kind: 'insurer', id: 'ins', organisation: options.organisation ?? 'Acme' },
        priority: 'routine',
        dueAt: null,
        readsRequired: options.readsRequired ?? 1,
        ...(options.priorReport && { priorReport: options.priorReport }),
      },
      at,
    );
    return { caseId, event };
  }

  /** One blinded primary read to a concordance consensus (readsRequired 1, no prior report), and the truth. */
  read(caseId: string, readerId: string, presence: string, at: string, truth?: string): void {
    const assignmentId = randomUUID();
    const opinionId = randomUUID();
    const findings = [{ code: 'fracture', presence }];
    this.append(
      caseId,
      'ReaderAssigned',
      { assignmentId, round: 1, readerId, role: 'primary', blinded: true },
      at,
    );
    this.append(
      caseId,
      'ReadStarted',
      { assignmentId, readerId, shown: ['images', 'clinical-question'] },
      at,
    );
    const signature = { signerName: readerId, meaning: 'authorship', signedAt: at };
    this.append(
      caseId,
      'OpinionSubmitted',
      {
        opinionId,
        assignmentId,
        round: 1,
        readerId,
        role: 'primary',
        findings,
        impression: 'Seen.',
        confidence: 4,
        signature,
      },
      at,
    );
    this.append(
      caseId,
      'ConsensusReached',
      {
        round: 1,
        findings,
        impression: 'Seen.',
        method: 'concordance',
        basedOn: [opinionId],
        dissent: [],
        outcome: 'no-prior',
      },
      at,
    );
    if (truth) {
      this.append(
        caseId,
        'ReferenceStandardRecorded',
        { source: 'pathology', findings: [{ code: 'fracture', presence: truth }], recordedBy: 'qc-1' },
        at,
      );
    }
  }
}

const report = (author: string, presence: string): Record<string, unknown> => ({
  author,
  findings: [{ code: 'fracture', presence }],
  impression: `By ${author}.`,
});

/** Splits the log into batches of the given sizes (cycled). */
function batches(events: readonly RecordedEvent[], sizes: readonly number[]): RecordedEvent[][] {
  const result: RecordedEvent[][] = [];
  for (let start = 0, i = 0; start < events.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    result.push(events.slice(start, start + size));
    start += size;
  }
  return result;
}

const BATCHINGS: Array<[string, number[]]> = [
  ['the whole log at once', [10_000]],
  ['one event at a time', [1]],
  ['uneven batches', [3, 1, 7, 2, 11, 5]],
];

describe('reader-metrics and opinion-shopping projections applied directly', () => {
  let database: TestDatabase;
  let db: DataSource;
  const log = new Log();
  let os1Trigger: RecordedEvent;
  let os1NewTrigger: RecordedEvent;
  let favourable: RecordedEvent;

  async function build(projection: Projection, schema: string, sizes: readonly number[]): Promise<void> {
    await db.query(`CREATE SCHEMA "${schema}"`);
    await db.transaction((manager) => projection.createTables(manager, schema));
    for (const batch of batches(log.events, sizes)) {
      await db.transaction((manager) => projection.apply(manager, schema, batch));
    }
  }

  async function rows(schema: string, tables: readonly string[]): Promise<Record<string, unknown[]>> {
    const result: Record<string, unknown[]> = {};
    for (const table of tables)
      result[table] = await db.query(`SELECT * FROM "${schema}".${table} ORDER BY 1`);
    return result;
  }

  beforeAll(async () => {
    database = await createTestDatabase('projections');
    db = await new DataSource({ type: 'postgres', url: database.url, extra: { max: 2 } }).initialize();

    // OS-1 for pt-a: three requests in 365 days from two organisations…
    log.request('pt-a', day(100), { organisation: 'Acme' });
    os1NewTrigger = log.request('pt-a', day(110), { organisation: 'Beta' }).event;
    os1Trigger = log.request('pt-a', day(120), { organisation: 'Acme' }).event;
    // …then history imported later, dated before them: the run now completes at day 110.
    log.request('pt-a', day(95), { organisation: 'Gamma' });

    // OS-3 for pt-b: three reports agree (no fracture), the fourth contradicts; quiet period ends at day 90+90.
    for (const [at, author] of [
      [0, 'ext-1'],
      [30, 'ext-2'],
      [60, 'ext-3'],
    ] as const) {
      log.request('pt-b', day(at), { priorReport: report(author, 'absent') });
    }
    favourable = log.request('pt-b', day(90), { priorReport: report('ext-4', 'present') }).event;
    // Another patient's event dated after day 180 ends pt-b's quiet period on the log's clock…
    log.request('pt-c', day(200), { uid: '1.2.99' });
    // …so pt-b's flag stands even though a request dated inside the quiet period is imported afterwards.
    log.request('pt-b', day(150));

    // OS-4: pt-c's study under pt-d.
    log.request('pt-d', day(210), { uid: '1.2.99' });

    // OS-5 and reader metrics: rad-1 reads pt-e's study; its report comes back as a prior report.
    const read = log.request('pt-e', day(300), { uid: '1.2.77' });
    log.read(read.caseId, 'rad-1', 'present', day(301), 'present');
    log.request('pt-e', day(330), {
      uid: '1.2.77',
      priorReport: { ...report('rad-1', 'present'), impression: 'Seen.' },
    });
    const other = log.request('pt-f', day(310));
    log.read(other.caseId, 'rad-1', 'absent', day(311), 'present');

    // Imported out of order: the later request first, the earlier one (another patient) after it.
    log.request('pt-g', day(260), { uid: '1.2.88' });
    log.request('pt-h', day(250), { uid: '1.2.88' });
    // A prior report from rad-2 arrives before rad-2's own (earlier dated) read of that study is imported.
    log.request('pt-j', day(340), { uid: '1.2.66', priorReport: report('rad-2', 'present') });
    const copied = log.request('pt-i', day(334), { uid: '1.2.66' });
    log.read(copied.caseId, 'rad-2', 'present', day(335));

    // Committee reviews: the latest wins.
    const flagId = flagIdFor('OS-1', 'pt-a', 'wrist', os1Trigger.eventId);
    for (const disposition of ['needs-follow-up', 'dismissed']) {
      log.append(
        `flag-${flagId}`,
        'ShoppingFlagReviewed',
        { flagId, disposition, note: 'Seen.', reviewedBy: 'qc-1' },
        day(400),
      );
    }
  }, 30_000);
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  describe('opinion-shopping', () => {
    const TABLES = ['cases', 'consensuses', 'produced', 'patients', 'flags', 'flag_reviews'];
    const projection = new OpinionShoppingProjection(defaultShoppingPolicy);
    let first: Record<string, unknown[]>;

    beforeAll(async () => {
      for (const [index, [, sizes]] of BATCHINGS.entries()) await build(projection, `shop_${index}`, sizes);
      first = await rows('shop_0', TABLES);
    });

    it.each(BATCHINGS.map(([name], index) => [name, index]))(
      'gives exactly the same rows whatever the batches (%s)',
      async (_, index) => {
        expect(await rows(`shop_${index}`, TABLES)).toEqual(first);
      },
    );

    it('raises each rule on the right patient, also when earlier history is imported after later', () => {
      const flags = first.flags as Array<{ rule: string; patient_ref: string }>;
      expect(flags.map((flag) => `${flag.rule} ${flag.patient_ref}`).sort()).toEqual([
        'OS-1 pt-a',
        'OS-1 pt-a',
        'OS-3 pt-b',
        'OS-4 pt-d',
        'OS-4 pt-g',
        'OS-4 pt-j',
        'OS-5 pt-e',
        'OS-5 pt-j',
      ]);
    });

    it('keeps a flag that later imported history would no longer raise, beside the one it raises now', () => {
      const os1 = (first.flags as Array<{ rule: string; raised_at: Date; flag_id: string }>)
        .filter((flag) => flag.rule === 'OS-1')
        .map((flag) => [flag.flag_id, flag.raised_at.toISOString()])
        .sort((a, b) => (a[1]! < b[1]! ? -1 : 1));
      expect(os1).toEqual([
        [flagIdFor('OS-1', 'pt-a', 'wrist', os1NewTrigger.eventId), day(110)],
        [flagIdFor('OS-1', 'pt-a', 'wrist', os1Trigger.eventId), day(120)],
      ]);
    });

    it('ends a quiet period on the log clock, with raisedAt at its end, and nothing left pending', () => {
      const os3 = (first.flags as Array<{ rule: string; flag_id: string; raised_at: Date }>).find(
        (flag) => flag.rule === 'OS-3',
      )!;
      expect(os3.flag_id).toBe(flagIdFor('OS-3', 'pt-b', 'wrist', favourable.eventId));
      expect(os3.raised_at.toISOString()).toBe(day(180));
      expect(
        (first.patients as Array<{ next_reevaluation_at: Date | null }>).every(
          (row) => row.next_reevaluation_at === null,
        ),
      ).toBe(true);
    });

    it('keeps the latest review of a flag', () => {
      expect(first.flag_reviews).toEqual([
        expect.objectContaining({
          flag_id: flagIdFor('OS-1', 'pt-a', 'wrist', os1Trigger.eventId),
          disposition: 'dismissed',
        }),
      ]);
    });
  });

  describe('reader-metrics', () => {
    const projection = new ReaderMetricsProjection();

    it('holds one row per case, the fold of its stream, whatever the batches', async () => {
      for (const [index, [, sizes]] of BATCHINGS.entries())
        await build(projection, `metrics_${index}`, sizes);
      const stored = await rows('metrics_0', ['metrics_cases']);
      for (const index of [1, 2]) expect(await rows(`metrics_${index}`, ['metrics_cases'])).toEqual(stored);

      const streams = new Map<string, RecordedEvent[]>();
      for (const event of log.events.filter((candidate) => candidate.streamId.startsWith('case-'))) {
        streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
      }
      const expected = [...streams.entries()].map(([streamId, events]) => ({
        caseId: streamId.slice('case-'.length),
        metricsCase: metricsCaseFrom(
          events.map((event) => ({
            event: upcastCaseEvent(event),
            occurredAt: event.metadata.occurredAt as string,
            recordedAt: event.recordedAt.toISOString(),
          })),
        ),
      }));
      const byCase = new Map(
        (stored.metrics_cases as Array<{ case_id: string; record: { metricsCase: unknown } }>).map((row) => [
          row.case_id,
          row.record.metricsCase,
        ]),
      );
      expect(byCase.size).toBe(expected.length);
      for (const { caseId, metricsCase } of expected) expect(byCase.get(caseId)).toEqual(metricsCase);
    });
  });
});
