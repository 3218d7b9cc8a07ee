import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import { isCaseEventType } from '../../domain/case/case.events.js';
import { upcastCaseEvent } from '../../domain/case/case.upcasters.js';
import { FLAG_STREAM_PREFIX, SHOPPING_FLAG_REVIEWED } from '../../domain/opinion-shopping/flag-review.js';
import type { ShoppingPolicy } from '../../domain/opinion-shopping/opinion-shopping.policy.js';
import { occurredAtOf } from '../audit-trail/audit-trail.projection.js';
import type { Projection } from '../runner/projection.js';
import { type Queryable, quoteIdentifier } from '../runner/projection-control.js';
import { RegisteredProjection } from '../runner/registered-projection.js';
import { addReviewLog, OPINION_SHOPPING } from './opinion-shopping.upgrade.js';
import {
  createShoppingTables,
  FLAG_REVIEW_LOG_TABLE,
  FLAG_REVIEWS_TABLE,
  ShoppingWorkingSet,
} from './shopping-working-set.js';

export { OPINION_SHOPPING };

/** Nest token of the thresholds the rules read (configuration, see opinion-shopping-config.ts). */
export const SHOPPING_POLICY = Symbol('ShoppingPolicy');

const CASE_STREAM_PREFIX = 'case-';

/** Case events that change what `evaluate` sees (the others only move time on). */
const RELEVANT = new Set([
  'SecondOpinionRequested',
  'OpinionSubmitted',
  'AdjudicationDecided',
  'ConsensusReached',
  'CaseReopened',
]);

/**
 * Serialises the batches of the projection and the OS-3 timer on one generation: both read a
 * patient's history, evaluate it and write flags, so neither may work on a history the other is
 * changing.
 */
export async function lockGeneration(manager: EntityManager, schema: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `${OPINION_SHOPPING}:${schema}`,
  ]);
}

/**
 * Opinion-shopping detection (docs/projections.md). Per case it keeps the request (patientRef, study,
 * requester, prior report), the readers of each round, the consensuses and the reports this engine
 * produced (OS-5), indexed by patient and by studyInstanceUid, and re-evaluates every patient an
 * event can affect (the requester's, and every patient with a request on the same study) with the
 * pure `evaluate`, after each relevant event, in log order. Flags are upserted by their
 * deterministic flagId.
 *
 * Time: an evaluation's `now` is the triggering event's occurredAt, so imported history is judged
 * as of when it happened (a request imported after a favourable answer, but dated inside its quiet
 * period, still prevents OS-3). Before any event is applied, every patient whose OS-3 quiet period
 * ended by that event's occurredAt is re-evaluated on the history before it: the log's own clock
 * ends quiet periods. Evaluating per event rather than per batch makes the rows independent of
 * where batches start and end, so a rebuild gives the same rows. When no event comes at all, the
 * OpinionShoppingTimer ends quiet periods with the wall clock; it raises the same flags, with
 * raisedAt = the end of the quiet period (never the time it ran).
 *
 * A flag once raised is kept, with its status, even when history imported later would no longer
 * raise it: the committee may already have acted on it, and a flag is a prompt, not a verdict.
 * Reviews (`ShoppingFlagReviewed`) are kept apart, by flagId: every one in `flag_review_log`, in the
 * order of the flag's stream, and the latest in log order in `flag_reviews`, so a review applies
 * whenever its flag is (re)raised.
 *
 * Upgrades: before its first batch on a generation (and OpinionShoppingUpgrade at start) it adds
 * the review log a generation of an older engine lacks; a rebuild fills in the reviews before.
 */
@Injectable()
@RegisteredProjection()
export class OpinionShoppingProjection implements Projection {
  readonly name = OPINION_SHOPPING;
  private readonly upgraded = new Set<string>();

  constructor(@Inject(SHOPPING_POLICY) private readonly policy: ShoppingPolicy) {}

  async createTables(manager: EntityManager, schema: string): Promise<void> {
    await createShoppingTables(manager, schema);
    this.upgraded.add(schema);
  }

  async apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await lockGeneration(manager, schema);
    await this.upgrade(manager, schema);
    const s = quoteIdentifier(schema);
    const times = events.map((event) => occurredAtOf(event));
    const latest = times.reduce((max, time) => (time > max ? time : max));
    const pending = (await manager.query(
      `SELECT patient_ref FROM ${s}.patients WHERE next_reevaluation_at <= $1::timestamptz`,
      [latest],
    )) as Array<{ patient_ref: string }>;
    const caseEvents = events.filter(
      (event) =>
        event.streamId.startsWith(CASE_STREAM_PREFIX) &&
        isCaseEventType(event.type) &&
        RELEVANT.has(event.type),
    );
    const seeds = {
      caseIds: [] as string[],
      patientRefs: pending.map((row) => row.patient_ref),
      studyUids: [] as string[],
    };
    for (const event of caseEvents) {
      seeds.caseIds.push(event.streamId.slice(CASE_STREAM_PREFIX.length));
      if (event.type === 'SecondOpinionRequested') {
        const { patientRef, study } = event.data as {
          patientRef: string;
          study: { studyInstanceUid: string };
        };
        seeds.patientRefs.push(patientRef);
        seeds.studyUids.push(study.studyInstanceUid);
      }
    }
    const reviews = new Map<string, unknown[]>();
    if (caseEvents.length > 0 || pending.length > 0) {
      const work = await ShoppingWorkingSet.load(manager, schema, this.policy, seeds);
      for (const [index, event] of events.entries()) {
        const now = times[index]!;
        for (const patientRef of work.due(now)) work.reevaluate(patientRef, now);
        if (
          !event.streamId.startsWith(CASE_STREAM_PREFIX) ||
          !RELEVANT.has(event.type) ||
          !isCaseEventType(event.type)
        ) {
          continue;
        }
        const caseEvent = upcastCaseEvent({
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
        });
        work.applyCaseEvent(event, caseEvent, event.streamId.slice(CASE_STREAM_PREFIX.length), now);
      }
      await work.save(manager);
    }
    const log: unknown[][] = [];
    for (const [index, event] of events.entries()) {
      if (event.type !== SHOPPING_FLAG_REVIEWED || !event.streamId.startsWith(FLAG_STREAM_PREFIX)) continue;
      const { flagId, disposition, note, reviewedBy } = event.data as Record<string, string>;
      const review = [disposition, note, reviewedBy, times[index], event.eventId];
      reviews.set(flagId, [flagId, ...review]);
      log.push([flagId, event.revision, ...review]);
    }
    await FLAG_REVIEWS_TABLE.upsert(manager, schema, [...reviews.values()]);
    await FLAG_REVIEW_LOG_TABLE.insertNew(manager, schema, log);
  }

  /** Once per generation and process: a look at the catalogue, not DDL per batch. */
  private async upgrade(db: Queryable, schema: string): Promise<void> {
    if (this.upgraded.has(schema)) return;
    await addReviewLog(db, schema);
    this.upgraded.add(schema);
  }
}
