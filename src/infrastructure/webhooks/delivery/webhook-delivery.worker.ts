import type { QueryRunner, DataSource } from 'typeorm';
import {
  EndpointDelivery,
  type EndpointDeliveryDependencies,
  type DeliveryLogger,
} from '../../../application/webhook/delivery/endpoint-delivery.js';

/** The endpoints to deliver: enabled ones (a read model may lag; each loop checks the stream again). */
export interface EnabledEndpoints {
  enabledIds(): Promise<string[]>;
}

/** Key of the session advisory lock that makes one instance the deliverer of an endpoint. */
export const deliveryLockKey = (endpointId: string): string => `webhook-delivery:${endpointId}`;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs the delivery of every enabled endpoint this instance holds the lock of, each in its own loop
 * (EndpointDelivery): a slow or failing receiver holds up its own endpoint only, never another nor
 * the command path. Every `scanIntervalMs` it looks for endpoints to take (new, re-enabled, or left
 * by a stopped instance: `pg_try_advisory_lock` on one session of its own, which holds all of this
 * instance's endpoint locks) and lets go of those whose loop ended (disabled, removed).
 */
export class WebhookDeliveryWorker {
  private readonly deliveries = new Map<string, EndpointDelivery>();
  private connection: QueryRunner | null = null;
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly endpoints: EnabledEndpoints,
    private readonly dependencies: EndpointDeliveryDependencies,
    private readonly scanIntervalMs: number,
    private readonly logger: DeliveryLogger,
  ) {}

  /** Endpoints this instance delivers now. */
  get delivering(): number {
    return this.deliveries.size;
  }

  start(): void {
    this.stopped = false;
    const tick = (): void => {
      this.scanning ??= this.scan()
        .catch((error: unknown) => this.logger.warn(`Webhook delivery scan failed: ${errorText(error)}`))
        .finally(() => (this.scanning = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.scanIntervalMs);
    this.timer.unref();
  }

  /** Aborts the attempts in flight (their events are sent again, same webhook-id) and gives up the locks. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.scanning;
    await Promise.all([...this.deliveries.values()].map((delivery) => delivery.stop()));
    this.deliveries.clear();
    await this.dropConnection();
  }

  /** One pass: let go of ended loops and endpoints no longer enabled, take the free ones. */
  async scan(): Promise<void> {
    if (this.stopped) return;
    const enabled = new Set(await this.endpoints.enabledIds());
    try {
      for (const [endpointId, delivery] of this.deliveries) {
        if (delivery.finished || !enabled.has(endpointId)) {
          await delivery.stop();
          this.deliveries.delete(endpointId);
          await this.lockedConnection().query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [
            deliveryLockKey(endpointId),
          ]);
        }
      }
      for (const endpointId of enabled) {
        if (this.stopped || this.deliveries.has(endpointId)) continue;
        const rows = (await this.lockedConnection().query(
          'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
          [deliveryLockKey(endpointId)],
        )) as Array<{ locked: boolean }>;
        if (rows[0]?.locked !== true) continue;
        const delivery = new EndpointDelivery(endpointId, this.dependencies);
        this.deliveries.set(endpointId, delivery);
        delivery.start();
      }
    } catch (error) {
      // The locks went with the session: stop every loop; the next scan takes them again.
      this.logger.warn(`Webhook delivery lost its lock session (${errorText(error)}); restarting its loops`);
      await Promise.all([...this.deliveries.values()].map((delivery) => delivery.stop()));
      this.deliveries.clear();
      await this.dropConnection();
    }
  }

  private lockedConnection(): QueryRunner {
    this.connection ??= this.dataSource.createQueryRunner();
    return this.connection;
  }

  private async dropConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (!connection) return;
    try {
      await connection.query('SELECT pg_advisory_unlock_all()');
    } catch {
      // A lost session released its locks with it.
    } finally {
      await connection.release().catch(() => undefined);
    }
  }
}
