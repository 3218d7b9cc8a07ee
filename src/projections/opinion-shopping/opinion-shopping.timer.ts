import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../../application/ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../../application/ports/event-store.port.js';
import type { ShoppingPolicy } from '../../domain/opinion-shopping/opinion-shopping.policy.js';
import { quoteIdentifier, readControl } from '../runner/projection-control.js';
import { lockGeneration, OPINION_SHOPPING, SHOPPING_POLICY } from './opinion-shopping.projection.js';
import { ShoppingWorkingSet } from './shopping-working-set.js';

/** Nest token: how often the timer looks for ended OS-3 quiet periods, in ms (0: never). */
export const SHOPPING_REEVALUATION_INTERVAL_MS = Symbol('ShoppingReevaluationIntervalMs');

/**
 * OS-3 fires when 90 days pass *without* an event, so something must look when nothing happens.
 * The projection ends quiet periods with the log's own clock (the occurredAt of the next event it
 * applies); when no event comes, this timer does it with the wall clock: every interval it
 * re-evaluates, in the serving generation, the patients whose `nextReevaluationAt` has passed and
 * writes their flags there, under the generation's lock (never beside a batch of the projection),
 * and only when the projection has applied the whole log (never judging an out-of-date history).
 *
 * Rebuild determinism: the flags it raises carry raisedAt = the end of the quiet period (the rules
 * make it so), not the time it ran, and the same evidence the projection would give at its next
 * event. A rebuilt generation stores the same pending deadlines, so the timer's first run after the
 * switch raises the same rows. The one difference left: history imported after a quiet period
 * ended on the wall clock, dated inside it, no longer raises a flag the timer raised before it came
 * (live keeps it, as every raised flag is kept; a rebuild never raises it).
 */
@Injectable()
export class OpinionShoppingTimer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OpinionShopping');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SHOPPING_POLICY) private readonly policy: ShoppingPolicy,
    @Inject(SHOPPING_REEVALUATION_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.reevaluateDue().catch((error: unknown) =>
        this.logger.warn(`OS-3 re-evaluation failed, retried next time: ${String(error)}`),
      );
    }, this.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Re-evaluates every patient whose quiet period has ended by `now`; returns how many it looked at. */
  async reevaluateDue(now: Date = this.clock.now()): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const control = (await readControl(runner, [OPINION_SHOPPING])).get(OPINION_SHOPPING);
      const active = control?.generations.get(control.activeGeneration);
      if (!active) {
        await runner.commitTransaction();
        return 0; // not initialised yet
      }
      await lockGeneration(runner.manager, active.schema);
      // Read after the lock: no batch is half-applied, and the checkpoint is the one the rows reflect.
      const checkpoint = (await readControl(runner, [OPINION_SHOPPING]))
        .get(OPINION_SHOPPING)
        ?.generations.get(active.generation)?.checkpoint;
      if ((await this.store.readAll({ after: checkpoint, maxCount: 1 })).length > 0) {
        await runner.commitTransaction();
        return 0; // events are waiting: the projection ends quiet periods with their time
      }
      const due = (
        (await runner.query(
          `SELECT patient_ref FROM ${quoteIdentifier(active.schema)}.patients
           WHERE next_reevaluation_at <= $1::timestamptz ORDER BY patient_ref`,
          [now.toISOString()],
        )) as Array<{ patient_ref: string }>
      ).map((row) => row.patient_ref);
      if (due.length > 0) {
        const work = await ShoppingWorkingSet.load(runner.manager, active.schema, this.policy, {
          caseIds: [],
          patientRefs: due,
          studyUids: [],
        });
        for (const patientRef of due) work.reevaluate(patientRef, now.toISOString());
        await work.save(runner.manager);
      }
      await runner.commitTransaction();
      return due.length;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
