import { Inject, Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import {
  ProjectionRunner,
  type ProjectionsStatus,
  type ProjectionState,
} from '../../../projections/runner/projection-runner.js';

/** The Prometheus registry served at GET /metrics; other modules may register their own metrics in it. */
export const METRICS_REGISTRY = Symbol('MetricsRegistry');

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

const STATES: readonly ProjectionState[] = ['running', 'rebuilding', 'failed', 'stopped'];
/** One scrape reads the status once (every gauge's collect asks for it, all at the same time). */
const SNAPSHOT_TTL_MS = 200;

/** One sample of a per-projection gauge: its labels and value. */
type Sample = [labels: Partial<Record<'projection' | 'state', string>>, value: number];

/** The gauges with a sample (or several) per projection, reset and refilled from the status at each scrape. */
const PROJECTION_GAUGES: readonly {
  name: string;
  help: string;
  labelNames: ('projection' | 'state')[];
  samples(item: ProjectionsStatus['items'][number]): Sample[];
}[] = [
  {
    name: 'projection_lag_events',
    help: 'Events in the log after the checkpoint of the serving generation',
    labelNames: ['projection'],
    samples: (item) => [[{ projection: item.name }, item.lagEvents]],
  },
  {
    name: 'projection_lag_seconds',
    help: 'Age of the oldest event the serving generation has not applied (0 when caught up)',
    labelNames: ['projection'],
    samples: (item) => [[{ projection: item.name }, item.lagSeconds]],
  },
  {
    name: 'projection_state',
    help: 'Projection state: 1 for the current one of running, rebuilding, failed, stopped',
    labelNames: ['projection', 'state'],
    samples: (item) =>
      STATES.map((candidate) => [
        { projection: item.name, state: candidate },
        item.state === candidate ? 1 : 0,
      ]),
  },
  {
    name: 'projection_generation',
    help: 'Generation serving queries (blue-green rebuilds raise it)',
    labelNames: ['projection'],
    samples: (item) => (item.generation === null ? [] : [[{ projection: item.name }, item.generation]]),
  },
];

/** Projection lag, state and the oldest open transaction, read from the runner when Prometheus scrapes. */
@Injectable()
export class ProjectionMetrics {
  private readonly logger = new Logger('ProjectionMetrics');
  private snapshot: { at: number; status: Promise<ProjectionsStatus | undefined> } | undefined;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly runner: ProjectionRunner,
  ) {
    const read = (): Promise<ProjectionsStatus | undefined> => this.status();
    for (const definition of PROJECTION_GAUGES) {
      const gauge = new Gauge({
        name: definition.name,
        help: definition.help,
        labelNames: definition.labelNames,
        registers: [registry],
        async collect() {
          const status = await read();
          if (!status) return;
          gauge.reset();
          for (const item of status.items) {
            for (const [labels, value] of definition.samples(item)) gauge.set(labels, value);
          }
        },
      });
    }
    const oldestTransaction = new Gauge({
      name: 'projection_oldest_open_transaction_seconds',
      help: 'Age of the oldest open transaction in the cluster holding back xmin (pauses readers of the log)',
      registers: [registry],
      async collect() {
        const status = await read();
        if (status) oldestTransaction.set(status.oldestOpenTransactionSeconds);
      },
    });
  }

  private status(): Promise<ProjectionsStatus | undefined> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.at > SNAPSHOT_TTL_MS) {
      this.snapshot = {
        at: now,
        status: this.runner.status().catch((error: unknown) => {
          this.logger.warn(`Projection status unavailable for /metrics: ${String(error)}`);
          return undefined;
        }),
      };
    }
    return this.snapshot.status;
  }
}
