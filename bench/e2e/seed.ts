import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { CaseAggregate } from '../../src/application/case/case.aggregate.js';
import { CaseCommands, type CaseCommandContext } from '../../src/application/case/case-commands.service.js';
import { CommandPath } from '../../src/application/command-path/command-path.js';
import { systemClock } from '../../src/application/ports/clock.port.js';
import type { Actor } from '../../src/domain/case/case.commands.js';
import type { CaseCommand } from '../../src/application/case/case-commands.registry.js';
import type { CaseEvent } from '../../src/domain/case/case.events.js';
import { defaultCasePolicy } from '../../src/domain/case/case.policy.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import {
  ADDENDUM_TEXTS,
  type CasePlan,
  findingsFor,
  newPlan,
  opinionBody,
  READERS,
  requestBody,
} from './fixtures.js';
import { forEachConcurrently, int, log, pick, pickDistinct } from './util.js';

type DataOf<Type extends CaseCommand['type']> = Extract<CaseCommand, { type: Type }>['data'];

const COORDINATOR: Actor = { id: 'bench-coord', role: 'coordinator', name: 'Bench Coordinator' };
const reader = (id: string): Actor => ({ id, role: 'radiologist', name: `Dr ${id}` });

/**
 * The engine's own command path (read, fold, decide, hash-chain, append with expected revision),
 * run in the benchmark's process against the benchmark database: seeding goes as fast as the
 * store allows, without HTTP or JWTs, and every event is one the engine itself would write.
 */
export class InProcessCommands {
  private readonly commands: CaseCommands;

  private constructor(readonly store: PostgresEventStore) {
    this.commands = new CaseCommands(
      new CommandPath(store, systemClock),
      new CaseAggregate(defaultCasePolicy),
    );
  }

  static async open(url: string): Promise<InProcessCommands> {
    return new InProcessCommands(new PostgresEventStore(url, { maxConnections: 8 }));
  }

  async run<Type extends CaseCommand['type']>(
    caseId: string,
    type: Type,
    data: DataOf<Type>,
    actor: Actor,
  ): Promise<CaseEvent[]> {
    const context: CaseCommandContext = { actor, correlationId: randomUUID() };
    // CaseCommands.run is generic over the command type; the cast only widens it for this wrapper.
    const { result } = await this.commands.run(caseId, type, data as never, context);
    return result.events;
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /** Request, assign two blinded primaries; returns the assignment ids. */
  async openCase(plan: CasePlan, readers: string[]): Promise<string[]> {
    await this.run(
      plan.caseId,
      'RequestSecondOpinion',
      requestBody(plan) as unknown as DataOf<'RequestSecondOpinion'>,
      COORDINATOR,
    );
    const assignments: string[] = [];
    for (const readerId of readers) {
      const events = await this.run(plan.caseId, 'AssignReader', { readerId, role: 'primary' }, COORDINATOR);
      const assigned = events.find((event) => event.type === 'ReaderAssigned');
      assignments.push((assigned!.data as { assignmentId: string }).assignmentId);
    }
    return assignments;
  }

  async startRead(caseId: string, assignmentId: string, readerId: string): Promise<void> {
    await this.run(caseId, 'StartRead', { assignmentId }, reader(readerId));
  }

  async submit(
    caseId: string,
    assignmentId: string,
    readerId: string,
    plan: CasePlan,
    disagree: boolean,
  ): Promise<string> {
    const events = await this.run(
      caseId,
      'SubmitOpinion',
      opinionBody(assignmentId, plan, disagree) as DataOf<'SubmitOpinion'>,
      reader(readerId),
    );
    return (events.find((event) => event.type === 'OpinionSubmitted')!.data as { opinionId: string })
      .opinionId;
  }
}

/** One pre-started assignment: exactly one SubmitOpinion of the measured run consumes it. */
export interface PoolEntry {
  path: string;
  readerId: string;
  body: string;
}

/**
 * Cases with two blinded primaries whose reads have started. Ordered in blocks: the first readers
 * of a block's cases, then the second readers, so that a case's two opinions arrive far apart (the
 * spread-out mix has no conflicts by construction). 30% of the second readers disagree on a
 * significant finding; half the cases have no prior report, so their second opinion also records
 * the discordance check and the escalation or consensus in the same append.
 */
export async function seedOpinionPool(commands: InProcessCommands, cases: number): Promise<PoolEntry[]> {
  const started = performance.now();
  const seeded: Array<{ plan: CasePlan; readers: string[]; assignments: string[] }> = new Array(cases);
  await forEachConcurrently(
    Array.from({ length: cases }, (_, i) => i),
    48,
    async (index) => {
      const plan = newPlan();
      const readers = pickDistinct(READERS, 2);
      const assignments = await commands.openCase(plan, readers);
      for (let i = 0; i < 2; i++) await commands.startRead(plan.caseId, assignments[i], readers[i]);
      seeded[index] = { plan, readers, assignments };
      if ((index + 1) % 2000 === 0) log(`  seeded ${int(index + 1)} of ${int(cases)} cases`);
    },
  );
  const pool: PoolEntry[] = [];
  const BLOCK = 250;
  for (let start = 0; start < seeded.length; start += BLOCK) {
    const block = seeded.slice(start, start + BLOCK);
    for (const which of [0, 1]) {
      for (const { plan, readers, assignments } of block) {
        const disagree = which === 1 && Math.random() < 0.3;
        pool.push({
          path: `/api/v1/cases/${plan.caseId}/opinions`,
          readerId: readers[which],
          body: JSON.stringify(opinionBody(assignments[which], plan, disagree)),
        });
      }
    }
  }
  log(
    `  ${int(cases)} cases (${int(cases * 5)} commands) seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return pool;
}

export interface HotCase {
  caseId: string;
  plan: CasePlan;
  opinions: Array<{ opinionId: string; readerId: string }>;
}

/** A few cases with both opinions in: the hot-case mix appends addenda and reference standards to them. */
export async function seedHotCases(commands: InProcessCommands, count: number): Promise<HotCase[]> {
  const hot: HotCase[] = [];
  await forEachConcurrently(
    Array.from({ length: count }, (_, i) => i),
    count,
    async () => {
      const plan = { ...newPlan(), withPriorReport: false };
      const readers = pickDistinct(READERS, 2);
      const assignments = await commands.openCase(plan, readers);
      const opinions: HotCase['opinions'] = [];
      for (let i = 0; i < 2; i++) {
        await commands.startRead(plan.caseId, assignments[i], readers[i]);
        opinions.push({
          opinionId: await commands.submit(plan.caseId, assignments[i], readers[i], plan, false),
          readerId: readers[i],
        });
      }
      hot.push({ caseId: plan.caseId, plan, opinions });
    },
  );
  return hot;
}

/** A case whose stream holds exactly `events` events: request, one opinion, then addenda by its author. */
export async function seedLongCase(commands: InProcessCommands, events: number): Promise<string> {
  const plan = { ...newPlan(), withPriorReport: false };
  const [readerId] = pickDistinct(READERS, 1);
  const [assignmentId] = await commands.openCase(plan, [
    readerId,
    pickDistinct(
      READERS.filter((r) => r !== readerId),
      1,
    )[0],
  ]);
  await commands.startRead(plan.caseId, assignmentId, readerId);
  const opinionId = await commands.submit(plan.caseId, assignmentId, readerId, plan, false);
  // 5 events so far: requested, two assignments, read started, opinion.
  for (let revision = 5; revision < events; revision++) {
    await commands.run(
      plan.caseId,
      'AppendAddendum',
      { opinionId, text: pick(ADDENDUM_TEXTS), reason: 'Reviewed additional views' },
      reader(readerId),
    );
  }
  return plan.caseId;
}

/**
 * Complete case lifecycles, every shape the projections handle: concordant double reads, prior
 * report reviews with a discordance escalated to an adjudicator, single reads, closures, reference
 * standards, addenda, and reads of case data (access events). Returns the ids of the cases.
 */
export async function seedTemplateCases(commands: InProcessCommands, count: number): Promise<string[]> {
  const caseIds: string[] = [];
  await forEachConcurrently(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (index) => {
      const plan: CasePlan = { ...newPlan(), withPriorReport: index % 2 === 1 };
      const [a, b, c] = pickDistinct(READERS, 3);
      const [assignA, assignB] = await commands.openCase(plan, [a, b]);
      const discordant = index % 4 === 1;
      await commands.startRead(plan.caseId, assignA, a);
      const opinionA = await commands.submit(plan.caseId, assignA, a, plan, false);
      if (plan.withPriorReport) {
        await commands.run(
          plan.caseId,
          'ReviewPriorReport',
          { assignmentId: assignA, score: discordant ? '3b' : '1' },
          reader(a),
        );
      }
      await commands.startRead(plan.caseId, assignB, b);
      await commands.submit(plan.caseId, assignB, b, plan, discordant);
      if (plan.withPriorReport) {
        await commands.run(
          plan.caseId,
          'ReviewPriorReport',
          { assignmentId: assignB, score: discordant ? '2b' : '1' },
          reader(b),
        );
      }
      if (discordant) {
        const events = await commands.run(
          plan.caseId,
          'AssignReader',
          { readerId: c, role: 'adjudicator' },
          COORDINATOR,
        );
        const assignC = (events[0].data as { assignmentId: string }).assignmentId;
        await commands.startRead(plan.caseId, assignC, c);
        await commands.run(
          plan.caseId,
          'SubmitAdjudication',
          {
            assignmentId: assignC,
            selectedOpinionId: opinionA,
            rationale: 'Cortical break visible on the oblique view.',
          },
          reader(c),
        );
      }
      await commands.run(plan.caseId, 'CloseCase', { note: 'Requester informed.' }, COORDINATOR);
      if (index % 3 === 0) {
        await commands.run(
          plan.caseId,
          'RecordReferenceStandard',
          { source: 'follow-up-imaging', findings: findingsFor(plan, false), note: 'CT at six weeks.' },
          COORDINATOR,
        );
      }
      if (index % 5 === 0) {
        await commands.run(
          plan.caseId,
          'AppendAddendum',
          { opinionId: opinionA, text: pick(ADDENDUM_TEXTS), reason: 'Reviewed additional views' },
          reader(a),
        );
      }
      for (const resource of ['case', 'history']) {
        await commands.store.append(
          `access-${plan.caseId}`,
          [
            {
              eventId: randomUUID(),
              type: 'CaseDataAccessed',
              data: {
                caseId: plan.caseId,
                resource,
                actorId: 'bench-ml',
                ip: '127.0.0.1',
                userAgent: 'bench',
              },
              metadata: {
                actor: { id: 'bench-ml', role: 'medico-legal' },
                occurredAt: new Date().toISOString(),
                schemaVersion: 1,
                $correlationId: randomUUID(),
                $causationId: randomUUID(),
              },
              schemaVersion: 1,
            },
          ],
          { expected: 'any' },
        );
      }
      caseIds.push(plan.caseId);
    },
  );
  return caseIds;
}

const UUID_TAIL = `'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-)[0-9a-f]{12}'`;
const remap = (column: string): string =>
  `regexp_replace(${column}, ${UUID_TAIL}, '\\1' || lpad(to_hex(k), 12, '0'), 'g')`;
/** Study UIDs (digits and dots) get the copy number as a last component: each copy is a study of its own. */
const remapData = (column: string): string =>
  `regexp_replace(${remap(column)}, '("studyInstanceUid": "[0-9.]+)"', '\\1.' || k || '"', 'g')`;

/**
 * Copies of the template cases' streams (case and access streams) until the store holds about
 * `targetEvents` events: copy k replaces the last 12 hex digits of every UUID in the stream id,
 * event id, data and metadata with k (case, assignment, opinion, patient and correlation ids stay
 * consistent within a copy and distinct across copies) and appends `.k` to study UIDs (a study of
 * its own). Hash chains are copied as they are: the
 * projections do not verify them. One transaction per ~100k events.
 */
export async function replicateTemplates(
  client: pg.Client,
  caseIds: readonly string[],
  targetEvents: number,
): Promise<number> {
  const streams = caseIds.flatMap((id) => [`case-${id}`, `access-${id}`]);
  await client.query(`DROP TABLE IF EXISTS bench_template`);
  await client.query(
    `CREATE UNLOGGED TABLE bench_template AS
       SELECT stream_id, stream_revision, event_id::text AS event_id, event_type, schema_version, data::text AS data, metadata::text AS metadata
         FROM event_store.events WHERE stream_id = ANY($1::text[])`,
    [streams],
  );
  const { rows: counted } = await client.query<{ template: number; stored: number }>(
    `SELECT (SELECT count(*) FROM bench_template)::int AS template, (SELECT count(*) FROM event_store.events)::int AS stored`,
  );
  const perCopy = counted[0].template;
  const copies = Math.max(0, Math.ceil((targetEvents - counted[0].stored) / perCopy));
  const perChunk = Math.max(1, Math.floor(100_000 / perCopy));
  const started = performance.now();
  let lastReport = performance.now();
  for (let first = 1; first <= copies; first += perChunk) {
    const last = Math.min(copies, first + perChunk - 1);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO event_store.events (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)
       SELECT 1, ${remap('t.stream_id')}, t.stream_revision, ${remap('t.event_id')}::uuid, t.event_type, t.schema_version,
              ${remapData('t.data')}::jsonb, ${remap('t.metadata')}::jsonb
         FROM generate_series($1::int, $2::int) AS k CROSS JOIN bench_template AS t
        ORDER BY k, t.stream_id, t.stream_revision`,
      [first, last],
    );
    await client.query(
      `INSERT INTO event_store.streams (stream_id, stream_revision)
       SELECT ${remap('t.stream_id')}, max(t.stream_revision)
         FROM generate_series($1::int, $2::int) AS k CROSS JOIN bench_template AS t
        GROUP BY 1`,
      [first, last],
    );
    await client.query('COMMIT');
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      log(`  copied ${int(last * perCopy)} of ${int(copies * perCopy)} events`);
    }
  }
  await client.query(`DROP TABLE bench_template`);
  await client.query('VACUUM (ANALYZE) event_store.events');
  await client.query('VACUUM (ANALYZE) event_store.streams');
  const { rows } = await client.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM event_store.events`,
  );
  log(
    `  ${int(copies)} copies of ${caseIds.length} template cases (${perCopy} events each copy): ${int(rows[0].count)} events stored, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return rows[0].count;
}
