import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { Position, RecordedEvent } from '../../src/application/ports/event-store.port.js';
import { defaultCasePolicy } from '../../src/domain/case/case.policy.js';
import type { CaseSelector } from '../../src/domain/metrics/case-selector.js';
import {
  computeReaderMetrics,
  funnelGroupOf,
  oneReaderMetricsFromCounts,
  type ReaderMetricsOptions,
  readerMetricsFor,
  readerMetricsFromCounts,
} from '../../src/domain/metrics/reader-metrics.js';
import { ReaderMetricsProjection } from '../../src/projections/reader-metrics/reader-metrics.projection.js';
import {
  type ReaderMetricsFilter,
  loadMetricsCases,
} from '../../src/projections/reader-metrics/reader-metrics.queries.js';
import {
  loadReaderScopeCounts,
  loadScopeCounts,
} from '../../src/projections/reader-metrics/reader-metrics.totals.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The pre-aggregated reader metrics against the per-case computation they replace (the oracle):
 * a generated study — many readers, findings, body regions and months, late consensus, reopened
 * rounds, amended reference standards, adjudications, panels, RADPEER scores, imported history —
 * applied in small batches, where each case's counts are taken out and added again as its events
 * arrive, must give exactly the oracle's figures for every scope, at several points of the log, and
 * the same totals as the whole log applied at once.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse('2024-01-20T00:00:00.000Z');

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const rand = random(20_261_207);
const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)]!;
const chance = (p: number): boolean => rand() < p;

const READERS = Array.from({ length: 9 }, (_, i) => `rad-${i + 1}`);
const AUTHORS = ['ext-1', 'ext-2', 'ext-3'];
const INSTITUTIONS = ['Acme', 'Beta', undefined];
const REGIONS = ['wrist', 'chest', 'knee'];
/** Significant and not, in the vocabulary and one outside it. */
const CODES = ['fracture', 'joint-effusion', 'pneumothorax', 'cardiomegaly', 'local-code'];
const PRESENCES = ['present', 'absent', 'absent', 'present', 'uncertain'];
const SCORES = ['1', '2a', '2b', '3a', '3b'];

interface PlannedEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly occurredAt: number;
  /** Imported history: recorded long after it occurred. */
  readonly backfilled: boolean;
}

const findings = (): Array<{ code: string; presence: string }> => {
  const codes = CODES.filter(() => chance(0.45));
  return (codes.length > 0 ? codes : [pick(CODES)]).map((code) => ({ code, presence: pick(PRESENCES) }));
};

/** One case's events in order: reads, escalation and adjudication, consensus, reopening, the truth. */
function planCase(): { caseId: string; events: PlannedEvent[] } {
  const caseId = randomUUID();
  const events: PlannedEvent[] = [];
  let at = T0 + Math.floor(rand() * 100 * DAY) + (chance(0.3) ? 0 : Math.floor(rand() * DAY));
  const backfilledCase = chance(0.15);
  const add = (type: string, data: Record<string, unknown>, after = 0): void => {
    at += after;
    events.push({ type, data, occurredAt: at, backfilled: backfilledCase && chance(0.7) });
  };
  const institution = pick(INSTITUTIONS);
  const prior = chance(0.4)
    ? {
        author: pick(AUTHORS),
        ...(institution !== undefined && { institution }),
        findings: findings(),
        impression: 'Prior.',
      }
    : undefined;
  add('SecondOpinionRequested', {
    caseId,
    patientRef: `pt-${Math.floor(rand() * 50)}`,
    study: { studyInstanceUid: `1.2.${randomUUID()}`, modality: 'DX', bodyRegion: pick(REGIONS) },
    clinicalQuestion: 'Anything?',
    requester: { kind: 'insurer', id: 'ins', organisation: 'Acme' },
    priority: 'routine',
    dueAt: null,
    readsRequired: 2,
    ...(prior && { priorReport: prior }),
  });
  const rounds = chance(0.2) ? 2 : 1;
  for (let round = 1; round <= rounds; round += 1) {
    if (round > 1) add('CaseReopened', { round, reason: 'new information' }, 3 * DAY);
    const primaries = [...READERS].sort(() => rand() - 0.5).slice(0, pick([1, 2, 2, 3]));
    const opinionIds: string[] = [];
    for (const readerId of primaries) {
      const assignmentId = randomUUID();
      const blinded = chance(0.85);
      add('ReaderAssigned', { assignmentId, round, readerId, role: 'primary', blinded }, MINUTE);
      if (chance(0.9)) {
        const opinionId = randomUUID();
        opinionIds.push(opinionId);
        const review = prior && chance(0.5) ? { priorReportReview: { score: pick(SCORES) } } : {};
        add(
          'OpinionSubmitted',
          { opinionId, assignmentId, round, readerId, role: 'primary', findings: findings(), ...review },
          Math.floor(rand() * 5 * 60) * MINUTE + Math.floor(rand() * 1000),
        );
        if (prior && chance(0.2)) add('PriorReportReviewed', { assignmentId, readerId, score: pick(SCORES) });
      }
    }
    if (opinionIds.length === 0) continue;
    if (chance(0.35)) {
      add('CaseEscalated', { level: 'adjudication', reason: 'discordance' }, MINUTE);
      const adjudicatorId = pick(READERS.filter((reader) => !primaries.includes(reader)));
      if (chance(0.85)) {
        add(
          'ReaderAssigned',
          { assignmentId: randomUUID(), round, readerId: adjudicatorId, role: 'adjudicator', blinded: false },
          MINUTE,
        );
      }
      if (chance(0.8)) {
        const selected = chance(0.5) ? { selectedOpinionId: pick(opinionIds) } : {};
        add('AdjudicationDecided', { adjudicatorId, findings: findings(), ...selected }, 2 * 60 * MINUTE);
      }
    }
    if (chance(0.3)) {
      const panelistId = pick(READERS);
      const assignmentId = randomUUID();
      add('ReaderAssigned', {
        assignmentId,
        round,
        readerId: panelistId,
        role: 'panelist',
        blinded: chance(0.5),
      });
      add(
        'OpinionSubmitted',
        {
          opinionId: randomUUID(),
          assignmentId,
          round,
          readerId: panelistId,
          role: 'panelist',
          findings: findings(),
        },
        30 * MINUTE,
      );
    }
    // Late consensus: some rounds never reach it; some reach it days later.
    if (chance(0.8)) {
      add(
        'ConsensusReached',
        { round, findings: findings(), method: pick(['concordance', 'adjudication']), basedOn: opinionIds },
        chance(0.3) ? 5 * DAY : MINUTE,
      );
    }
  }
  const truths = chance(0.5) ? (chance(0.3) ? 2 : 1) : 0;
  for (let i = 0; i < truths; i += 1) {
    add(
      'ReferenceStandardRecorded',
      { source: 'pathology', findings: findings(), recordedBy: 'qc-1' },
      20 * DAY,
    );
  }
  return { caseId, events };
}

/** Every case's events, interleaved: a case's later events arrive batches after its first. */
function generateLog(cases: number): RecordedEvent[] {
  const queues = Array.from({ length: cases }, () => planCase());
  const log: RecordedEvent[] = [];
  const recordedBase = Date.parse('2024-06-01T00:00:00.000Z');
  while (queues.length > 0) {
    const index = Math.floor(rand() * Math.min(queues.length, 25));
    const queue = queues[index]!;
    const planned = queue.events.shift()!;
    const revision = log.filter((event) => event.streamId === `case-${queue.caseId}`).length;
    const recordedAt = planned.backfilled ? recordedBase + log.length * 1000 : planned.occurredAt + 2000;
    log.push({
      eventId: randomUUID(),
      type: planned.type,
      streamId: `case-${queue.caseId}`,
      revision,
      data: planned.data,
      metadata: {
        actor: { id: 'ris-1', role: 'integrator' },
        occurredAt: new Date(planned.occurredAt).toISOString(),
      },
      schemaVersion: 1,
      recordedAt: new Date(recordedAt),
      position: String(log.length + 1) as Position,
    });
    if (queue.events.length === 0) queues.splice(index, 1);
  }
  return log;
}

const SCOPES: ReaderMetricsFilter[] = [
  {},
  { bodyRegion: 'wrist' },
  { bodyRegion: 'chest' },
  { finding: 'fracture' },
  { finding: 'joint-effusion' },
  { finding: 'local-code' },
  { finding: 'edema' },
  { period: '2024-02' },
  { period: '2024-03', bodyRegion: 'knee' },
  { period: '2024-04', finding: 'pneumothorax' },
  { period: '2023-12' },
  { from: '2024-02-10T00:00:00.000Z' },
  { to: '2024-03-05T00:00:00.000Z' },
  { from: '2024-02-01T00:00:00.000Z', to: '2024-02-20T00:00:00.000Z', finding: 'cardiomegaly' },
  {
    from: '2024-01-25T00:00:00.000Z',
    to: '2024-04-01T00:00:00.000Z',
    bodyRegion: 'chest',
    finding: 'fracture',
  },
  { from: '2024-02-01T00:00:00.000Z', period: '2024-03', bodyRegion: 'wrist' },
  { from: '2024-03-01T00:00:00.000Z', to: '2024-04-01T00:00:00.000Z', bodyRegion: 'knee' },
  { to: '2024-01-01T00:00:00.000Z' },
  { from: '2024-01-01T00:00:00.000Z', to: '2025-01-01T00:00:00.000Z', finding: 'fracture' },
];

const link = (subjectId: string, selector: CaseSelector): string =>
  `${subjectId}?${JSON.stringify(selector)}`;
const SETTINGS: ReaderMetricsOptions = {
  vocabulary: defaultCasePolicy.findingVocabulary,
  backfillThresholdHours: defaultCasePolicy.importedHistoryThresholdHours,
  link,
};

describe('reader-metrics totals', () => {
  let database: TestDatabase;
  let db: DataSource;
  const projection = new ReaderMetricsProjection();
  const log = generateLog(320);

  async function create(schema: string): Promise<void> {
    await db.query(`CREATE SCHEMA "${schema}"`);
    await db.transaction((manager) => projection.createTables(manager, schema));
  }

  async function apply(schema: string, events: readonly RecordedEvent[]): Promise<void> {
    await db.transaction((manager) => projection.apply(manager, schema, events));
  }

  const totals = (schema: string): Promise<unknown[]> =>
    db.query(
      `SELECT subject, finding, body_region, bucket, counts
         FROM "${schema}".reader_metrics_totals ORDER BY subject, finding, body_region, bucket`,
    );
  const subjects = (schema: string): Promise<unknown[]> =>
    db.query(
      `SELECT subject, reader_cases, author_cases FROM "${schema}".reader_metrics_subjects
        WHERE reader_cases <> 0 OR author_cases <> 0 ORDER BY subject`,
    );

  /** Every scope: the list and each reader's page from the totals equal the oracle's, exactly. */
  async function expectOracleFigures(schema: string): Promise<number> {
    let compared = 0;
    for (const scope of SCOPES) {
      const options = { ...scope, ...SETTINGS };
      const counts = await loadScopeCounts(db, schema, scope);
      expect(counts).toBeDefined();
      const cases = await loadMetricsCases(db, schema, scope);
      const oracle = computeReaderMetrics(cases, options);
      expect(readerMetricsFromCounts(counts!, options)).toEqual(oracle);
      for (const readerId of [...READERS, 'rad-unknown']) {
        const oracleReader = readerMetricsFor(readerId, cases, options);
        const group = funnelGroupOf(counts!);
        expect(oneReaderMetricsFromCounts(readerId, counts!.get(readerId), group, options)).toEqual(
          oracleReader,
        );
        const totals = await loadReaderScopeCounts(db, schema, scope, readerId);
        expect(totals!.group).toEqual(group);
        expect(oneReaderMetricsFromCounts(readerId, totals!.counts, totals!.group, options)).toEqual(
          oracleReader,
        );
      }
      compared += oracle.items.length;
    }
    return compared;
  }

  beforeAll(async () => {
    database = await createTestDatabase('metrics_totals');
    db = await new DataSource({ type: 'postgres', url: database.url, extra: { max: 2 } }).initialize();
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('generates a varied study: late consensus, reopened rounds, amended truths, imported history', () => {
    const types = new Set(log.map((event) => event.type));
    for (const type of [
      'ConsensusReached',
      'CaseReopened',
      'CaseEscalated',
      'AdjudicationDecided',
      'PriorReportReviewed',
    ]) {
      expect(types).toContain(type);
    }
    expect(log.length).toBeGreaterThan(2_500);
  });

  it('answers every scope exactly as the per-case computation, at every point of a log applied in small batches', async () => {
    await create('live');
    const sizes = [1, 7, 3, 29, 2, 64, 11];
    const checkpoints = [Math.floor(log.length / 3), Math.floor((2 * log.length) / 3), log.length];
    let applied = 0;
    for (let i = 0; applied < log.length; i += 1) {
      const next = Math.min(applied + sizes[i % sizes.length]!, log.length);
      const checkpoint = checkpoints.find((point) => point > applied && point <= next);
      const end = checkpoint ?? next;
      await apply('live', log.slice(applied, end));
      applied = end;
      if (checkpoint !== undefined) expect(await expectOracleFigures('live')).toBeGreaterThan(0);
    }
  });

  it('exercises every kind of figure', async () => {
    const { items, priorReportAuthors } = computeReaderMetrics(await loadMetricsCases(db, 'live'), SETTINGS);
    const some = (figure: (reader: (typeof items)[number]) => number): boolean =>
      items.some((reader) => figure(reader) > 0);
    expect(items.length).toBe(READERS.length);
    expect(some((reader) => reader.turnaround.n)).toBe(true);
    expect(some((reader) => reader.turnaround.backfilled)).toBe(true);
    expect(some((reader) => reader.overall[0]!.n)).toBe(true);
    expect(some((reader) => reader.overall[1]!.uncertain)).toBe(true);
    expect(some((reader) => reader.majorDiscordanceRate.discordant)).toBe(true);
    expect(some((reader) => reader.unblinded.overall[1]!.n)).toBe(true);
    expect(some((reader) => reader.adjudicationRate.adjudicated)).toBe(true);
    expect(some((reader) => reader.readerDisagreementIndex.disagreed)).toBe(true);
    expect(some((reader) => reader.adjudicatorAgreement.overall.n)).toBe(true);
    expect(some((reader) => reader.asAdjudicator.referenceStandard.matched.n)).toBe(true);
    expect(some((reader) => reader.asPanelist.decisions)).toBe(true);
    expect(some((reader) => reader.radpeer.given.n)).toBe(true);
    expect(priorReportAuthors.some(({ radpeer }) => radpeer.received.pendingArbitration > 0)).toBe(true);
    expect(priorReportAuthors.some(({ radpeer }) => radpeer.received.byInstitution.length > 1)).toBe(true);
  });

  it('holds the same totals as the whole log applied at once (a rebuild equals live)', async () => {
    await create('rebuilt');
    await apply('rebuilt', log);
    expect(await totals('rebuilt')).toEqual(await totals('live'));
    expect(await subjects('rebuilt')).toEqual(await subjects('live'));
    expect((await totals('live')).length).toBeGreaterThan(0);
  });

  it('declines a scope the day totals cannot answer exactly, leaving it to the per-case computation', async () => {
    expect(await loadScopeCounts(db, 'live', { from: '2024-02-10T12:00:00.000Z' })).toBeUndefined();
    expect(await loadScopeCounts(db, 'live', { period: '2024-13' })).toBeUndefined();
  });
});
