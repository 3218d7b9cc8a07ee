import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseCommands } from '../../application/case/case-commands.service.js';
import { CLOCK, type Clock } from '../../application/ports/clock.port.js';
import { DomainError } from '../../domain/kernel/domain-error.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../runner/projection.js';

export const SLA_WATCH_INTERVAL_MS = Symbol('SlaWatchIntervalMs');

/** Refusals that mean "nothing to do for this case now" rather than a fault. */
const SETTLED_CODES = new Set([
  'sla-already-breached',
  'no-sla',
  'case-closed',
  'case-withdrawn',
  'invalid-state',
]);

/**
 * The SLA process manager: its checkpointed `sla-watch` projection remembers which cases are due;
 * a timer finds the ones whose dueAt has passed without consensus and records `SlaBreached` (once —
 * the decider refuses a second, and the event ids are derived from the case, so two engine
 * instances racing append it once) through the same command path as every other change.
 */
@Injectable()
export class SlaWatchProcess implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SlaWatch');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
    private readonly cases: CaseCommands,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SLA_WATCH_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`SLA watch tick failed: ${String(error)}`))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: breach every overdue, unsettled case. Returns the case ids it recorded a breach for. */
  async tick(limit = 100): Promise<string[]> {
    const now = this.clock.now();
    let due: Array<{ case_id: string }>;
    try {
      due = await this.schemas.withActiveSchema('sla-watch', (schema) =>
        this.dataSource.query(
          `SELECT case_id FROM "${schema}".sla_due WHERE NOT settled AND due_at < $1 ORDER BY due_at LIMIT $2`,
          [now, limit],
        ),
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'projection-not-ready') return [];
      throw error;
    }
    const breached: string[] = [];
    for (const { case_id: caseId } of due) {
      try {
        await this.cases.run(
          caseId,
          'RecordSlaBreach',
          {},
          {
            actor: { id: 'sla-watch', role: 'system', name: 'SLA watch' },
            correlationId: `sla-watch-${caseId}`,
            idempotencyScope: `sla-watch\u0000${caseId}`,
          },
        );
        breached.push(caseId);
      } catch (error) {
        // The projection settles the case once it sees the event that makes the breach moot.
        if (!(
          error instanceof DomainError &&
          (SETTLED_CODES.has(error.code) || error.code === 'sla-not-due')
        ))
          throw error;
      }
    }
    return breached;
  }
}
