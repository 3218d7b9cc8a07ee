import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type {
  DeliveryAttempt,
  DeliveryMetrics,
} from '../../../application/webhook/delivery/webhook-delivery.ports.js';

/** Webhook delivery in /metrics: attempts by outcome, their duration, each endpoint's delivery lag. */
export class PrometheusDeliveryMetrics implements DeliveryMetrics {
  private readonly attempts: Counter<'outcome' | 'trigger'>;
  private readonly duration: Histogram<'outcome'>;
  private readonly lagSeconds: Gauge<'endpoint'>;
  private delivering: () => number = () => 0;

  constructor(registry: Registry) {
    const delivering = (): number => this.delivering();
    this.attempts = new Counter({
      name: 'webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts, by outcome (delivered: 2xx; failed: anything else) and trigger (automatic, manual)',
      labelNames: ['outcome', 'trigger'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'webhook_delivery_duration_seconds',
      help: 'Time from sending a webhook to its answer (or failure)',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.lagSeconds = new Gauge({
      name: 'webhook_delivery_lag_seconds',
      help: "Per endpoint: time from its last delivered event's occurrence to the receiver's acknowledgement",
      labelNames: ['endpoint'],
      registers: [registry],
    });
    const endpoints = new Gauge({
      name: 'webhook_delivery_endpoints',
      help: 'Endpoints this instance delivers (holds the lock of)',
      registers: [registry],
      collect() {
        endpoints.set(delivering());
      },
    });
  }

  /** Where the gauge of endpoints delivered by this instance reads its value. */
  countDelivering(count: () => number): void {
    this.delivering = count;
  }

  attempted(attempt: DeliveryAttempt): void {
    const outcome = attempt.delivered ? 'delivered' : 'failed';
    this.attempts.inc({ outcome, trigger: attempt.trigger });
    this.duration.observe({ outcome }, attempt.durationMs / 1000);
  }

  lag(endpointId: string, seconds: number): void {
    this.lagSeconds.set({ endpoint: endpointId }, seconds);
  }
}
