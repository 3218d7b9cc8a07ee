import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import type { CaseEvent } from '../../domain/case/case.events.js';
import type { ShoppingPolicy } from '../../domain/opinion-shopping/opinion-shopping.policy.js';
import {
  evaluate,
  nextReevaluationAt,
  type ProducedReport,
  type ShoppingConsensus,
  type ShoppingFlag,
  type ShoppingHistory,
  type ShoppingRequest,
} from '../../domain/opinion-shopping/opinion-shopping.rules.js';
import { parseInstant } from '../../domain/metrics/time.js';
import { quoteIdentifier } from '../runner/projection-control.js';
import { ProjectionTable } from '../runner/projection-table.js';
import { sha256Hex } from './flag-id.js';

/** What the projection remembers of a case: its request, and who read each round (a consensus's readers). */
export interface ShoppingCase {
  readonly caseId: string;
  readonly request: ShoppingRequest;
  round: number;
  readersByRound: Record<string, string[]>;
}

/** Where a batch starts loading from: the cases, patients and studies its events name. */
export interface Seeds {
  caseIds: Iterable<string>;
  patientRefs: Iterable<string>;
  studyUids: Iterable<string>;
}

interface StoredCase {
  case_id: string;
  request: ShoppingRequest;
  round: number;
  readers_by_round: Record<string, string[]>;
}

const CASES_TABLE = new ProjectionTable(
  'cases',
  {
    case_id: 'uuid PRIMARY KEY',
    patient_ref: 'text NOT NULL',
    study_uid: 'text NOT NULL',
    request: 'jsonb NOT NULL',
    round: 'integer NOT NULL',
    readers_by_round: 'jsonb NOT NULL',
  },
  { indexes: ['(patient_ref)', '(study_uid)'] },
);
const CONSENSUSES_TABLE = new ProjectionTable(
  'consensuses',
  { event_id: 'text PRIMARY KEY', case_id: 'uuid NOT NULL', consensus: 'jsonb NOT NULL' },
  { indexes: ['(case_id)'] },
);
const PRODUCED_TABLE = new ProjectionTable(
  'produced',
  { event_id: 'text PRIMARY KEY', study_uid: 'text NOT NULL', report: 'jsonb NOT NULL' },
  { indexes: ['(study_uid)'] },
);
const PATIENTS_TABLE = new ProjectionTable(
  'patients',
  { patient_ref: 'text PRIMARY KEY', next_reevaluation_at: 'timestamptz' },
  { indexes: ['(next_reevaluation_at) WHERE next_reevaluation_at IS NOT NULL'] },
);
export const FLAGS_TABLE = new ProjectionTable(
  'flags',
  {
    flag_id: 'text PRIMARY KEY',
    rule: 'text NOT NULL',
    severity: 'text NOT NULL',
    patient_ref: 'text NOT NULL',
    body_region: 'text NOT NULL',
    raised_at: 'timestamptz NOT NULL',
    evidence: 'jsonb NOT NULL',
  },
  { indexes: ['(raised_at, flag_id)', '(patient_ref, raised_at, flag_id)', '(rule, raised_at, flag_id)'] },
);
const REVIEW = {
  disposition: 'text NOT NULL',
  note: 'text NOT NULL',
  reviewed_by: 'text NOT NULL',
  reviewed_at: 'timestamptz NOT NULL',
  event_id: 'text NOT NULL',
};
/** The latest review of each flag, which the status filters read. */
export const FLAG_REVIEWS_TABLE = new ProjectionTable('flag_reviews', {
  flag_id: 'text PRIMARY KEY',
  ...REVIEW,
});
/**
 * Every review of every flag, in the order of its stream (`revision`), beside `flag_reviews`.
 * Added after generations existed: created if missing, so that an older generation can take it (a
 * rebuild fills in the reviews before).
 */
export const FLAG_REVIEW_LOG_TABLE = new ProjectionTable(
  'flag_review_log',
  { flag_id: 'text NOT NULL', revision: 'integer NOT NULL', ...REVIEW },
  { primaryKey: ['flag_id', 'revision'], ifNotExists: true },
);

/** The generation's tables (see OpinionShoppingProjection). */
export async function createShoppingTables(manager: EntityManager, schema: string): Promise<void> {
  for (const table of [CASES_TABLE, CONSENSUSES_TABLE, PRODUCED_TABLE, PATIENTS_TABLE, FLAGS_TABLE]) {
    await table.create(manager, schema);
  }
  await FLAG_REVIEWS_TABLE.create(manager, schema);
  await FLAG_REVIEW_LOG_TABLE.create(manager, schema);
}

/** Whether a request comes after (time, eventId) in the order the rules read requests in. */
function isAfter(request: ShoppingRequest, occurredAt: string, eventId: string): boolean {
  const time = parseInstant(request.occurredAt);
  const other = parseInstant(occurredAt);
  return time > other || (time === other && request.eventId >= eventId);
}

const add = <Key, Value>(index: Map<Key, Set<Value>>, key: Key, value: Value): void => {
  let values = index.get(key);
  if (!values) index.set(key, (values = new Set()));
  values.add(value);
};

/**
 * The part of the read model a batch (or a timer run) works on, loaded once, changed in memory
 * event by event, and written back once. It holds, for every patient the work can affect, the
 * history `evaluate` needs: their requests, other patients' requests on the same studies (OS-4),
 * the consensuses of those cases and the reports this engine produced on those studies (OS-5).
 */
export class ShoppingWorkingSet {
  private readonly cases = new Map<string, ShoppingCase>();
  private readonly casesByPatient = new Map<string, Set<string>>();
  private readonly casesByStudy = new Map<string, Set<string>>();
  private readonly consensuses = new Map<string, ShoppingConsensus[]>();
  private readonly produced = new Map<string, ProducedReport[]>();
  /** Loaded patients' next re-evaluation time (null: none pending). */
  private readonly nextAt = new Map<string, string | null>();

  private readonly changedCases = new Set<string>();
  private readonly newConsensuses: unknown[][] = [];
  private readonly newProduced: unknown[][] = [];
  private readonly changedPatients = new Set<string>();
  /** Flags raised by this work, by flagId: the latest evaluation's content. */
  private readonly flags = new Map<string, ShoppingFlag>();

  private constructor(
    private readonly schema: string,
    private readonly policy: ShoppingPolicy,
  ) {}

  /**
   * Loads every case of the seeded patients and of the patients sharing their studies, and the
   * consensuses and produced reports those evaluations read.
   */
  static async load(
    manager: EntityManager,
    schema: string,
    policy: ShoppingPolicy,
    seeds: Seeds,
  ): Promise<ShoppingWorkingSet> {
    const set = new ShoppingWorkingSet(schema, policy);
    const s = quoteIdentifier(schema);
    const select = `SELECT case_id, request, round, readers_by_round FROM ${s}.cases`;
    const remember = (rows: StoredCase[]): void => {
      for (const row of rows) {
        if (set.cases.has(row.case_id)) continue;
        set.index({
          caseId: row.case_id,
          request: row.request,
          round: row.round,
          readersByRound: row.readers_by_round,
        });
      }
    };
    const patients = new Set(seeds.patientRefs);
    const studies = new Set(seeds.studyUids);
    const caseIds = [...new Set(seeds.caseIds)];
    if (caseIds.length > 0) {
      remember(await manager.query(`${select} WHERE case_id = ANY($1::uuid[])`, [caseIds]));
      for (const id of caseIds) {
        const known = set.cases.get(id);
        if (known) {
          patients.add(known.request.patientRef);
          studies.add(known.request.study.studyInstanceUid);
        }
      }
    }
    // Patients sharing a study with the seeds are re-evaluated too: load all of their cases…
    remember(
      await manager.query(`${select} WHERE patient_ref = ANY($1::text[]) OR study_uid = ANY($2::text[])`, [
        [...patients],
        [...studies],
      ]),
    );
    const affected = new Set([...set.cases.values()].map((known) => known.request.patientRef));
    remember(await manager.query(`${select} WHERE patient_ref = ANY($1::text[])`, [[...affected]]));
    // …and everyone else's requests on their studies (OS-4 evidence).
    const allStudies = [...set.casesByStudy.keys()];
    remember(await manager.query(`${select} WHERE study_uid = ANY($1::text[])`, [allStudies]));

    const consensusRows = (await manager.query(
      `SELECT consensus FROM ${s}.consensuses WHERE case_id = ANY($1::uuid[]) ORDER BY event_id`,
      [[...set.cases.keys()]],
    )) as Array<{ consensus: ShoppingConsensus }>;
    for (const { consensus } of consensusRows) set.consensusesOf(consensus.caseId).push(consensus);
    const producedRows = (await manager.query(
      `SELECT report FROM ${s}.produced WHERE study_uid = ANY($1::text[]) ORDER BY event_id`,
      [[...studies, ...allStudies]],
    )) as Array<{ report: ProducedReport }>;
    for (const { report } of producedRows) set.producedOn(report.studyInstanceUid).push(report);
    const patientRows = (await manager.query(
      `SELECT patient_ref, next_reevaluation_at FROM ${s}.patients WHERE patient_ref = ANY($1::text[])`,
      [[...new Set([...patients, ...affected])]],
    )) as Array<{ patient_ref: string; next_reevaluation_at: Date | null }>;
    for (const row of patientRows) {
      set.nextAt.set(row.patient_ref, row.next_reevaluation_at?.toISOString() ?? null);
    }
    return set;
  }

  /** Patients whose OS-3 quiet period has ended by `now`: re-evaluated before the event at `now` is applied. */
  due(now: string): string[] {
    return [...this.nextAt.entries()]
      .filter(([, at]) => at !== null && at <= now)
      .map(([patientRef]) => patientRef)
      .sort();
  }

  /**
   * Applies one case event: remembers what evaluation needs and re-evaluates the patients it can
   * affect, as of the event's occurredAt (imported history is judged as of when it happened).
   */
  applyCaseEvent(recorded: RecordedEvent, event: CaseEvent, caseId: string, occurredAt: string): void {
    const now = occurredAt;
    if (event.type === 'SecondOpinionRequested') {
      const { patientRef, study, requester, priorReport } = event.data;
      const request: ShoppingRequest = {
        eventId: recorded.eventId,
        caseId,
        occurredAt,
        patientRef,
        study: {
          studyInstanceUid: study.studyInstanceUid,
          bodyRegion: study.bodyRegion,
          studyDate: study.studyDate,
        },
        requester,
        ...(priorReport && { priorReport }),
      };
      this.index({ caseId, request, round: 1, readersByRound: {} });
      this.changedCases.add(caseId);
      // OS-4: every request ordered after this one on the same study now has one more before it.
      this.reevaluatePatients(patientRef, study.studyInstanceUid, now, (later) =>
        isAfter(later, occurredAt, recorded.eventId),
      );
      return;
    }
    const known = this.cases.get(caseId);
    if (!known) return; // a case this projection never saw requested: nothing to judge it by
    const study = known.request.study.studyInstanceUid;
    switch (event.type) {
      case 'OpinionSubmitted': {
        const { readerId, round, findings, impression } = event.data;
        this.readBy(known, round, readerId);
        this.produce({
          kind: 'opinion',
          eventId: recorded.eventId,
          caseId,
          occurredAt,
          studyInstanceUid: study,
          authors: [readerId],
          findings,
          impression,
        });
        break;
      }
      case 'AdjudicationDecided': {
        const { adjudicatorId, findings } = event.data;
        this.readBy(known, known.round, adjudicatorId);
        this.produce({
          kind: 'adjudication',
          eventId: recorded.eventId,
          caseId,
          occurredAt,
          studyInstanceUid: study,
          authors: [adjudicatorId],
          findings,
        });
        break;
      }
      case 'ConsensusReached': {
        const { round, findings, impression, outcome } = event.data;
        const readers = [...(known.readersByRound[String(round)] ?? [])];
        const consensus: ShoppingConsensus = {
          eventId: recorded.eventId,
          caseId,
          occurredAt,
          outcome,
          findings,
          readers,
        };
        this.consensusesOf(caseId).push(consensus);
        this.newConsensuses.push([recorded.eventId, caseId, JSON.stringify(consensus)]);
        this.produce({
          kind: 'consensus',
          eventId: recorded.eventId,
          caseId,
          occurredAt,
          studyInstanceUid: study,
          authors: readers,
          findings,
          ...(impression !== undefined && { impression }),
        });
        break;
      }
      case 'CaseReopened':
        known.round = event.data.round;
        this.changedCases.add(caseId);
        return;
      default:
        return;
    }
    // OS-5 (and OS-3, which skips copies of this engine's reports): only requests dated after a
    // report can bring it back; a consensus also counts for its own patient (OS-1, OS-3).
    const own = event.type === 'ConsensusReached' ? known.request.patientRef : undefined;
    this.reevaluatePatients(
      own,
      study,
      now,
      (later) => parseInstant(later.occurredAt) > parseInstant(occurredAt),
    );
  }

  /** Re-evaluates one patient as of `now` (the timer, and the passing of a quiet period). */
  reevaluate(patientRef: string, now: string): void {
    const history = this.historyOf(patientRef);
    for (const flag of evaluate(history, this.policy, now, sha256Hex)) {
      // The history holds other patients' requests on shared studies; their flags are theirs to raise.
      if (flag.patientRef === patientRef) this.flags.set(flag.flagId, flag);
    }
    const next = nextReevaluationAt(history, this.policy, now);
    if (this.nextAt.get(patientRef) !== next) {
      this.nextAt.set(patientRef, next);
      this.changedPatients.add(patientRef);
    }
  }

  /** Writes what changed: cases, consensuses, produced reports, patients' next times and flags (upserted by flagId). */
  async save(manager: EntityManager): Promise<{ flags: number }> {
    const caseRows = [...this.changedCases].map((caseId) => {
      const known = this.cases.get(caseId)!;
      return [
        caseId,
        known.request.patientRef,
        known.request.study.studyInstanceUid,
        JSON.stringify(known.request),
        known.round,
        JSON.stringify(known.readersByRound),
      ];
    });
    // A case's request never changes: only its round and readers do.
    await CASES_TABLE.upsert(manager, this.schema, caseRows, ['round', 'readers_by_round']);
    await CONSENSUSES_TABLE.insertNew(manager, this.schema, this.newConsensuses);
    await PRODUCED_TABLE.insertNew(manager, this.schema, this.newProduced);
    const patientRows = [...this.changedPatients].map((patientRef) => [
      patientRef,
      this.nextAt.get(patientRef),
    ]);
    await PATIENTS_TABLE.upsert(manager, this.schema, patientRows);
    const flagRows = [...this.flags.values()].map((flag) => [
      flag.flagId,
      flag.rule,
      flag.severity,
      flag.patientRef,
      flag.bodyRegion,
      flag.raisedAt,
      JSON.stringify(flag.evidence),
    ]);
    // A flag once raised is kept: upserts only ever add flags or refresh what the latest evaluation says.
    await FLAGS_TABLE.upsert(manager, this.schema, flagRows);
    return { flags: flagRows.length };
  }

  private historyOf(patientRef: string): ShoppingHistory {
    const caseIds = new Set(this.casesByPatient.get(patientRef) ?? []);
    const studies = new Set(
      [...caseIds].map((caseId) => this.cases.get(caseId)!.request.study.studyInstanceUid),
    );
    for (const study of studies) for (const caseId of this.casesByStudy.get(study) ?? []) caseIds.add(caseId);
    const ids = [...caseIds].sort();
    return {
      requests: ids.map((caseId) => this.cases.get(caseId)!.request),
      consensuses: ids.flatMap((caseId) => this.consensuses.get(caseId) ?? []),
      produced: [...studies].sort().flatMap((study) => this.produced.get(study) ?? []),
    };
  }

  /**
   * Re-evaluates `own` and every patient with a request on `study` that `affected` says a new fact
   * can change (the rules look backwards from each request, so only later requests can): in order,
   * a history's flags change only where it grew, and re-evaluating every patient of a shared study
   * would cost a pass over all of them per event.
   */
  private reevaluatePatients(
    own: string | undefined,
    study: string,
    now: string,
    affected: (request: ShoppingRequest) => boolean,
  ): void {
    const patients = new Set<string>(own === undefined ? [] : [own]);
    for (const caseId of this.casesByStudy.get(study) ?? []) {
      const { request } = this.cases.get(caseId)!;
      if (affected(request)) patients.add(request.patientRef);
    }
    for (const patientRef of [...patients].sort()) this.reevaluate(patientRef, now);
  }

  private index(known: ShoppingCase): void {
    this.cases.set(known.caseId, known);
    add(this.casesByPatient, known.request.patientRef, known.caseId);
    add(this.casesByStudy, known.request.study.studyInstanceUid, known.caseId);
  }

  private readBy(known: ShoppingCase, round: number, readerId: string): void {
    const readers = (known.readersByRound[String(round)] ??= []);
    if (!readers.includes(readerId)) readers.push(readerId);
    this.changedCases.add(known.caseId);
  }

  private produce(report: ProducedReport): void {
    this.producedOn(report.studyInstanceUid).push(report);
    this.newProduced.push([report.eventId, report.studyInstanceUid, JSON.stringify(report)]);
  }

  private consensusesOf(caseId: string): ShoppingConsensus[] {
    let list = this.consensuses.get(caseId);
    if (!list) this.consensuses.set(caseId, (list = []));
    return list;
  }

  private producedOn(study: string): ProducedReport[] {
    let list = this.produced.get(study);
    if (!list) this.produced.set(study, (list = []));
    return list;
  }
}
