import type { Clock } from '../../ports/clock.port.js';
import type { EventStore, Position, RecordedEvent, Subscription } from '../../ports/event-store.port.js';
import type {
  DeliveryAttempt,
  DeliveryLog,
  DeliveryMetrics,
  DeliveryTarget,
  DeliveryTargets,
  FailingEndpoints,
  SigningSecrets,
  WebhookResponse,
  WebhookSender,
} from './webhook-delivery.ports.js';
import { deliveryAttempt } from './delivery-attempt.js';
import { payloadOf, retryAfterMs, retryDelayMs, subscribes, webhookId } from './webhook-delivery.policy.js';

export interface EndpointDeliverySettings {
  timeoutMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  disableAfterMs: number;
}

export interface DeliveryLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface EndpointDeliveryDependencies {
  store: EventStore;
  log: DeliveryLog;
  targets: DeliveryTargets;
  secrets: SigningSecrets;
  sender: WebhookSender;
  failing: FailingEndpoints;
  metrics: DeliveryMetrics;
  clock: Clock;
  logger: DeliveryLogger;
  settings: EndpointDeliverySettings;
}

/** Passed-over events move the checkpoint at most this many at a time (a restart re-reads fewer). */
const SKIPPED_PER_CHECKPOINT = 100;

/** Deciding to pass over an event may use the endpoint as read this recently. */
const PASS_OVER_READ_MS = 250;

/** done: acknowledged, or dropped after failed attempts (the checkpoint moves now, ending the run of failures). */
type Outcome = 'done' | 'skipped' | 'stopped';

const describe = (response: WebhookResponse): string =>
  response.error ?? `HTTP ${response.status ?? 'no status'}`;

/**
 * One endpoint's delivery on this instance (which holds the endpoint's lock): a catch-up subscription
 * to the log from the endpoint's checkpoint, each subscribed event sent until the receiver
 * acknowledges it (2xx) before the next one — so events arrive in log order, and a case's in its
 * revision order. Failures are retried with backoff; when they last longer than `disableAfterMs`
 * the endpoint is disabled through the command path and the loop ends. Stopping aborts the attempt
 * in flight; its event is sent again (same webhook-id) by whoever delivers the endpoint next.
 */
export class EndpointDelivery {
  private stopping = false;
  private readonly abort = new AbortController();
  private subscription: Subscription | null = null;
  private wakeSleep: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private ended = false;

  constructor(
    readonly endpointId: string,
    private readonly deps: EndpointDeliveryDependencies,
  ) {}

  /** True once the loop ended by itself (endpoint disabled or removed, or an error): the lock can go. */
  get finished(): boolean {
    return this.ended;
  }

  start(): void {
    this.loop ??= this.run().finally(() => {
      this.ended = true;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wakeSleep?.();
    await this.subscription?.close().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    const { store, log, targets, logger } = this.deps;
    try {
      const target = await targets.current(this.endpointId);
      if (!target || target.status !== 'enabled') return;
      const cursor = await log.cursor(this.endpointId, target.registeredAt);
      let checkpoint: Position | undefined = cursor.checkpoint ?? target.registeredAt;
      let skipped = 0;
      if (this.stopping) return;
      this.subscription = store.subscribe({ after: checkpoint, filter: { streamPrefixes: ['case-'] } });
      for await (const event of this.subscription) {
        if (this.stopping) return;
        const outcome = await this.deliver(event);
        if (outcome === 'stopped') return;
        if (outcome === 'skipped' && ++skipped < SKIPPED_PER_CHECKPOINT) continue;
        if (!(await log.advance(this.endpointId, checkpoint, event.position))) {
          logger.warn(
            `Webhook endpoint ${this.endpointId}: another instance moved its checkpoint; giving it up`,
          );
          return;
        }
        checkpoint = event.position;
        skipped = 0;
      }
    } catch (error) {
      if (!this.stopping)
        logger.warn(`Webhook endpoint ${this.endpointId}: delivery stopped (${String(error)})`);
    } finally {
      await this.subscription?.close().catch(() => undefined);
    }
  }

  /** Sends one event until it is acknowledged; 'skipped' when the endpoint does not (or no longer) subscribe to it. */
  private async deliver(event: RecordedEvent): Promise<Outcome> {
    const { log, targets, secrets, sender, clock, settings } = this.deps;
    const id = webhookId(this.endpointId, event.eventId);
    const body = JSON.stringify(payloadOf(event));
    let attempt = 0;
    for (;;) {
      // Whether to send at all may rest on a read of a moment ago; every retry reads afresh, so a
      // change of URL, filter or status applies to the next attempt.
      const target = await targets.current(this.endpointId, attempt === 0 ? PASS_OVER_READ_MS : 0);
      if (this.stopping || !target || target.status !== 'enabled') return 'stopped';
      if (!subscribes(target, event)) return attempt === 0 ? 'skipped' : 'done';
      if (attempt === 0) attempt = (await log.attempts(this.endpointId, id)) + 1;
      const attemptedAt = clock.now();
      const signing = await secrets.signingSecrets(this.endpointId, attemptedAt);
      // Never unsigned: a secret not readable yet is a failed attempt, retried like any other.
      const response: WebhookResponse =
        signing.length === 0
          ? { error: 'no signing secret available yet', durationMs: 0 }
          : await sender.send({
              url: target.url,
              webhookId: id,
              body,
              secrets: signing,
              timeoutMs: settings.timeoutMs,
              signal: this.abort.signal,
            });
      if (response.aborted || this.stopping) return 'stopped';
      const record = deliveryAttempt(
        event,
        { endpointId: this.endpointId, webhookId: id, attempt, trigger: 'automatic', attemptedAt },
        response,
      );
      if (record.delivered) {
        await log.record(record);
        this.deps.metrics.attempted(record);
        const occurred = Date.parse(String(event.metadata.occurredAt ?? event.recordedAt.toISOString()));
        this.deps.metrics.lag(this.endpointId, Math.max(0, (clock.now().getTime() - occurred) / 1000));
        return 'done';
      }
      if (await this.failed(target, record, response)) return 'stopped';
      attempt += 1;
    }
  }

  /** Records a failed attempt and waits for the next; true when the endpoint was disabled instead. */
  private async failed(
    target: DeliveryTarget,
    record: DeliveryAttempt,
    response: WebhookResponse,
  ): Promise<boolean> {
    const { log, failing, clock, settings, logger } = this.deps;
    const error = describe(response);
    const since = await log.failing(this.endpointId, record.attemptedAt, error);
    // Failures before the endpoint was (re-)enabled belong to a run its owner already dealt with.
    const runStart = new Date(Math.max(since.getTime(), target.activeSince.getTime()));
    if (clock.now().getTime() - runStart.getTime() >= settings.disableAfterMs) {
      await log.record(record);
      this.deps.metrics.attempted(record);
      logger.warn(
        `Webhook endpoint ${this.endpointId}: failing since ${runStart.toISOString()} (${error}); disabling it`,
      );
      await failing.disable(this.endpointId, runStart, error);
      return true;
    }
    const asked = retryAfterMs(response.status ?? 0, response.retryAfter, clock.now());
    const delay = retryDelayMs(record.attempt, asked, {
      baseMs: settings.retryBaseMs,
      capMs: settings.retryCapMs,
      // Never wait past the moment the endpoint would be disabled (plus a little to get there).
      maxMs: Math.max(settings.retryBaseMs, settings.disableAfterMs),
    });
    record.nextAttemptAt = new Date(clock.now().getTime() + delay);
    await log.record(record);
    this.deps.metrics.attempted(record);
    await this.sleep(delay);
    return false;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeSleep = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleep = done;
    });
  }
}
