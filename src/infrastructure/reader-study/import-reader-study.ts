import { createHash } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { AppModule } from '../../app.module.js';
import { RunCaseCommand } from '../../application/case/run-case-command.js';
import { CaseAggregate } from '../../application/case/case.aggregate.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../../application/case/case-commands.service.js';
import { CommandIds } from '../../application/command-path/command-ids.js';
import { EVENT_STORE, type EventStore } from '../../application/ports/event-store.port.js';
import { caseStreamId } from '../../domain/case/case.stream.js';
import type { Finding } from '../../domain/case/findings.js';
import type { ReaderMetrics } from '../../domain/metrics/reader-metrics.js';
import { DomainError } from '../../domain/kernel/domain-error.js';
import { READER_METRICS } from '../../projections/reader-metrics/reader-metrics.projection.js';
import { ReaderMetricsQueries } from '../../projections/reader-metrics/reader-metrics.queries.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { loadReaderStudy, type ReaderStudy, ReaderStudyError } from './reader-study.js';

/** The integrator identity the import acts as, on behalf of the study's readers. */
export const IMPORTER = 'reader-study-import';

export interface ReaderStudyImportOptions {
  /** Folder holding groundtruth.csv and the readers' CSVs (searched recursively). */
  folder: string;
  /** One or two primary readers (readsRequired = their number). */
  primaries: readonly string[];
  /** Reads the cases the primaries disagree on (a significant code); without one they wait for adjudication. */
  adjudicator?: string;
  /** Studies imported at once. Default 12. */
  concurrency?: number;
  /** A progress line every this many studies. Default 100. */
  progressEvery?: number;
  /** occurredAt of the first study's request; each study is 10 minutes later, each step 1 second. */
  baseTime?: string;
  /** Where progress lines go. Default: nowhere. */
  log?: (line: string) => void;
}

export interface ReaderStudyImportSummary {
  studies: number;
  /** Studies that wrote events in this run. */
  imported: number;
  /** Studies already fully imported by an earlier run (nothing written). */
  skipped: number;
  /** Cases this run took to adjudication. */
  adjudicated: number;
  /** Cases left awaiting adjudication (no adjudicator given). */
  awaitingAdjudication: number;
  failed: Array<{ study: string; error: string }>;
  eventsWritten: number;
  seconds: number;
  /** Per reader, from the engine's reader-metrics read model, full precision. */
  metrics: ReaderMetrics[];
}

const DEFAULT_BASE_TIME = '2024-01-01T08:00:00.000Z';
const STUDY_SPACING_MS = 10 * 60_000;
const STEP_MS = 1_000;
const IMPRESSION = 'Reader-study labels: the 14 CheXpert observations.';

/** Deterministic ids of one study's case: the same study always gives the same case, patient and study UID. */
export function studyIdentifiers(study: string): {
  caseId: string;
  patientRef: string;
  studyInstanceUid: string;
} {
  const ids = new CommandIds(`${IMPORTER}\u0000${study}`);
  const caseId = ids.idFor('case');
  // The patient is the path's patient segment (CheXpert: one folder per patient), pseudonymised.
  const patient = /(^|\/)(patient[^/]+)\//.exec(study)?.[2] ?? study;
  const patientRef = `rs-${createHash('sha256').update(`reader-study-patient\u0000${patient}`).digest('hex').slice(0, 20)}`;
  // DICOM "2.25." + the decimal form of a UUID (PS3.5 B.2): a valid, globally unique UID.
  const studyInstanceUid = `2.25.${BigInt(`0x${ids.idFor('study').replace(/-/g, '')}`).toString()}`;
  return { caseId, patientRef, studyInstanceUid };
}

/** Runs one study as a case through the public command path, step by step, each step idempotent. */
class StudyImport {
  written = 0;
  private step = 0;

  constructor(
    private readonly bus: CommandBus,
    private readonly study: string,
    private readonly caseId: string,
    private readonly requestedAt: number,
  ) {}

  async run(
    build: (caseId: string, context: CaseCommandContext) => Parameters<CommandBus['execute']>[0],
    name: string,
  ): Promise<CaseCommandOutcome> {
    const context: CaseCommandContext = {
      actor: { id: IMPORTER, role: 'integrator', name: 'Reader-study import' },
      correlationId: new CommandIds(`${IMPORTER}\u0000${this.study}`).idFor('correlation'),
      occurredAt: new Date(this.requestedAt + this.step * STEP_MS).toISOString(),
      idempotencyScope: stepScope(this.study, name),
    };
    this.step += 1;
    const outcome = (await this.bus.execute(build(this.caseId, context))) as CaseCommandOutcome;
    if (!outcome.result.replayed) this.written += outcome.result.events.length;
    return outcome;
  }
}

const stepScope = (study: string, step: string): string => `${IMPORTER}\u0000${study}\u0000${step}`;

/** The id of the last event an import of this study writes: present means the study is done. */
const finalEventId = (study: string): string =>
  new CommandIds(stepScope(study, 'reference-standard')).eventId(0);

const eventOf = (outcome: CaseCommandOutcome, type: string): Record<string, unknown> => {
  const event = outcome.result.events.find((candidate) => candidate.type === type);
  if (!event) throw new Error(`The command recorded no ${type}`);
  return event.data as unknown as Record<string, unknown>;
};

const statusOf = (outcome: CaseCommandOutcome): string | undefined =>
  outcome.result.state.exists ? outcome.result.state.status : undefined;

/**
 * Replays a reader study through the engine's public command path (CommandBus, as the HTTP
 * controllers do): one case per study, the primaries as blinded primary readers, the adjudicator
 * where the round escalates, and the consensus file as the reference standard. Every command has
 * an idempotency scope of its own, so ids and event ids are deterministic and a second run writes
 * nothing. Then it lets the reader-metrics projection catch up and returns the engine's metrics.
 */
export async function importReaderStudy(
  app: INestApplicationContext,
  options: ReaderStudyImportOptions,
): Promise<ReaderStudyImportSummary> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const { primaries, adjudicator } = options;
  if (primaries.length < 1 || primaries.length > 2) {
    throw new ReaderStudyError(`Give one or two primary readers, got ${primaries.length}`);
  }
  const readerIds = [...new Set([...primaries, ...(adjudicator ? [adjudicator] : [])])];
  if (readerIds.length !== primaries.length + (adjudicator ? 1 : 0)) {
    throw new ReaderStudyError('A reader cannot be both primary and adjudicator, nor primary twice');
  }
  const readerStudy = await loadReaderStudy(options.folder, readerIds);
  const bus = app.get(CommandBus);
  const store = app.get<EventStore>(EVENT_STORE);
  const baseTime = Date.parse(options.baseTime ?? DEFAULT_BASE_TIME);
  if (!Number.isFinite(baseTime))
    throw new ReaderStudyError(`baseTime "${options.baseTime}" is not a date-time`);
  const concurrency = Math.max(1, options.concurrency ?? 12);
  const progressEvery = Math.max(1, options.progressEvery ?? 100);

  const summary: ReaderStudyImportSummary = {
    studies: readerStudy.studies.length,
    imported: 0,
    skipped: 0,
    adjudicated: 0,
    awaitingAdjudication: 0,
    failed: [],
    eventsWritten: 0,
    seconds: 0,
    metrics: [],
  };
  log(
    `Importing ${summary.studies} studies from ${readerStudy.folder}: primaries ${primaries.join(', ')}` +
      `${adjudicator ? `, adjudicator ${adjudicator}` : ', no adjudicator'}, ${concurrency} at a time`,
  );

  let done = 0;
  let next = 0;
  const importOne = async (index: number): Promise<void> => {
    const study = readerStudy.studies[index]!;
    try {
      const result = await importStudy(
        bus,
        store,
        readerStudy,
        study,
        baseTime + index * STUDY_SPACING_MS,
        options,
      );
      if (result === 'skipped') summary.skipped += 1;
      else {
        summary.eventsWritten += result.written;
        if (result.written > 0) summary.imported += 1;
        else summary.skipped += 1;
        if (result.status === 'adjudicated') summary.adjudicated += 1;
        if (result.status === 'awaiting-adjudication') summary.awaitingAdjudication += 1;
      }
    } catch (error) {
      const reason = error instanceof DomainError ? `${error.code}: ${error.message}` : String(error);
      summary.failed.push({ study, error: reason });
    }
    done += 1;
    if (done % progressEvery === 0 || done === summary.studies) {
      const seconds = (Date.now() - started) / 1000;
      log(
        `  ${done}/${summary.studies} studies  ${seconds.toFixed(1)} s  ${(done / seconds).toFixed(1)} studies/s`,
      );
    }
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < readerStudy.studies.length) await importOne(next++);
    }),
  );

  const queries = app.get(ReaderMetricsQueries);
  const failed = new Set(summary.failed.map(({ study }) => study));
  const imported = readerStudy.studies
    .filter((study) => !failed.has(study))
    .map((study) => studyIdentifiers(study).caseId);
  await untilReadModelHolds(
    app.get(ProjectionRunner),
    () => queries.withReferenceStandard(imported),
    imported.length,
  );
  const vocabulary = app.get(CaseAggregate).policy.findingVocabulary;
  summary.metrics = (await queries.compute({}, vocabulary)).items;
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/**
 * Waits until the reader-metrics projection has caught up and holds every imported case complete
 * (its reference standard, the last event an import writes, is applied): the table is printed only
 * from a read model that has seen the whole import.
 */
async function untilReadModelHolds(
  runner: ProjectionRunner,
  complete: () => Promise<number>,
  expected: number,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runner.waitUntilCaughtUp({
      names: [READER_METRICS],
      timeoutMs: Math.max(1, deadline - Date.now()),
    });
    const held = await complete();
    if (held >= expected) return;
    if (Date.now() > deadline) {
      throw new Error(
        `The reader-metrics read model holds ${held} of the ${expected} imported cases after ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function importStudy(
  bus: CommandBus,
  store: EventStore,
  readerStudy: ReaderStudy,
  study: string,
  requestedAt: number,
  { primaries, adjudicator }: ReaderStudyImportOptions,
): Promise<'skipped' | { written: number; status: 'concordant' | 'adjudicated' | 'awaiting-adjudication' }> {
  const { caseId, patientRef, studyInstanceUid } = studyIdentifiers(study);
  const { events } = await store.readStream(caseStreamId(caseId));
  const waiting =
    events.some(({ type }) => type === 'CaseEscalated') &&
    !events.some(({ type }) => type === 'AdjudicationDecided');
  // Done, unless it waits for an adjudicator this run brings (each step below then replays or completes it).
  if (events.some(({ eventId }) => eventId === finalEventId(study)) && !(waiting && adjudicator))
    return 'skipped';
  const labels = (readerId: string): Finding[] => [
    ...readerStudy.readers.get(readerId)!.findings.get(study)!,
  ];
  const steps = new StudyImport(bus, study, caseId, requestedAt);
  await steps.run(
    (id, context) =>
      new RunCaseCommand(
        id,
        'RequestSecondOpinion',
        {
          caseId: id,
          patientRef,
          study: {
            studyInstanceUid,
            modality: 'CR',
            bodyRegion: 'chest',
            studyDate: new Date(requestedAt).toISOString().slice(0, 10),
          },
          clinicalQuestion: 'Reader study: label the 14 CheXpert observations.',
          requester: { kind: 'other', id: IMPORTER, organisation: 'reader-study' },
          priority: 'routine',
          readsRequired: primaries.length,
        },
        context,
      ),
    'request',
  );
  const read = async (readerId: string, role: 'primary' | 'adjudicator'): Promise<string> => {
    const assigned = await steps.run(
      (id, context) =>
        new RunCaseCommand(
          id,
          'AssignReader',
          { readerId, role, ...(role === 'primary' && { blinded: true }) },
          context,
        ),
      `assign:${role}:${readerId}`,
    );
    const assignmentId = String(eventOf(assigned, 'ReaderAssigned').assignmentId);
    await steps.run(
      (id, context) => new RunCaseCommand(id, 'StartRead', { assignmentId }, context),
      `read:${readerId}`,
    );
    return assignmentId;
  };
  let status: string | undefined;
  for (const readerId of primaries) {
    const assignmentId = await read(readerId, 'primary');
    const submitted = await steps.run(
      (id, context) =>
        new RunCaseCommand(
          id,
          'SubmitOpinion',
          { assignmentId, findings: labels(readerId), impression: IMPRESSION, confidence: 3 },
          context,
        ),
      `opinion:${readerId}`,
    );
    status = statusOf(submitted);
  }
  let outcome: 'concordant' | 'adjudicated' | 'awaiting-adjudication' = 'concordant';
  if (status === 'awaiting-adjudication') {
    outcome = 'awaiting-adjudication';
    if (adjudicator) {
      const assignmentId = await read(adjudicator, 'adjudicator');
      await steps.run(
        (id, context) =>
          new RunCaseCommand(
            id,
            'SubmitAdjudication',
            {
              assignmentId,
              findings: labels(adjudicator),
              rationale: "The adjudicator's own labels from the reader study.",
            },
            context,
          ),
        'adjudication',
      );
      outcome = 'adjudicated';
    }
  }
  await steps.run(
    (id, context) =>
      new RunCaseCommand(
        id,
        'RecordReferenceStandard',
        {
          source: 'external-panel',
          findings: [...readerStudy.reference.findings.get(study)!],
          note: 'Consensus labels of the reader study (groundtruth.csv).',
        },
        context,
      ),
    'reference-standard',
  );
  return { written: steps.written, status: outcome };
}

/**
 * Boots the engine's modules without HTTP (as `npm start` does, on the same database), imports,
 * and closes. The runner, the command path and the projections are the engine's own.
 */
export async function runReaderStudyImport(
  config: RuntimeConfig,
  options: ReaderStudyImportOptions,
): Promise<ReaderStudyImportSummary> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  try {
    return await importReaderStudy(app, options);
  } finally {
    await app.close();
  }
}
