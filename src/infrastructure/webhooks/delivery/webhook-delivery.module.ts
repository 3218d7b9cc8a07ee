import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { CommandPath } from '../../../application/command-path/command-path.js';
import { CLOCK, type Clock } from '../../../application/ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../../../application/ports/event-store.port.js';
import { StreamDeliveryTargets } from '../../../application/webhook/delivery/delivery-targets.js';
import { ManualRedelivery } from '../../../application/webhook/delivery/manual-redelivery.js';
import type {
  DeliveryTargets,
  FailingEndpoints,
  WebhookSender,
} from '../../../application/webhook/delivery/webhook-delivery.ports.js';
import { WebhookEndpointAggregate } from '../../../application/webhook/webhook-endpoint.aggregate.js';
import {
  WEBHOOK_ENDPOINTS,
  type WebhookEndpoints,
} from '../../../application/webhook/webhook-endpoints.port.js';
import { WEBHOOK_SECRETS, type WebhookSecrets } from '../../../application/webhook/webhook-secrets.port.js';
import type { DisableWebhookEndpoint } from '../../../domain/webhook/webhook-endpoint.commands.js';
import { webhookEndpointStreamId } from '../../../domain/webhook/webhook-endpoint.stream.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { CaseModule } from '../../http/case/case.module.js';
import { runsBackgroundWork } from '../../runtime/engine-role.js';
import { METRICS_REGISTRY } from '../../http/projections/projection-metrics.js';
import { WebhookDeliveriesController } from '../../http/webhooks/deliveries.controller.js';
import { WebhookEndpointsModule } from '../../http/webhooks/webhook-endpoints.module.js';
import { resolveDeliveryAddress } from '../url-guard.js';
import { PrometheusDeliveryMetrics } from './delivery-metrics.js';
import { HttpWebhookSender } from './http-webhook-sender.js';
import { PostgresDeliveryLog } from './postgres-delivery-log.js';
import { DELIVERY_TARGETS } from './webhook-delivery.tokens.js';
import { WebhookDeliveryWorker } from './webhook-delivery.worker.js';

const FAILING_ENDPOINTS = Symbol('FailingEndpoints');

/** The engine itself, as the actor of the disabling of an endpoint whose deliveries keep failing. */
const DELIVERY_ACTOR = { id: 'webhook-delivery', role: 'system', name: 'Webhook delivery' } as const;

/** Disables through the generic command path, so the endpoint's stream records why (WebhookEndpointDisabled). */
function failingEndpoints(path: CommandPath, aggregate: WebhookEndpointAggregate): FailingEndpoints {
  return {
    async disable(endpointId, failingSince, lastError) {
      await path.execute(
        aggregate,
        webhookEndpointStreamId(endpointId),
        { actor: DELIVERY_ACTOR, correlationId: `webhook-delivery-${endpointId}` },
        (metadata): DisableWebhookEndpoint => ({
          type: 'DisableWebhookEndpoint',
          data: { reason: 'failing', failingSince: failingSince.toISOString(), lastError },
          metadata: { actor: DELIVERY_ACTOR, now: metadata.now },
        }),
      );
    },
  };
}

/**
 * Starts delivery with the application (not in an API-role process: the projector delivers), stops
 * it (aborting attempts in flight) before the pools close.
 */
@Injectable()
export class WebhookDeliveryLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly worker: WebhookDeliveryWorker,
    private readonly sender: HttpWebhookSender,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (runsBackgroundWork(this.config.role)) this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
    this.sender.close();
  }
}

/**
 * Webhook delivery (README "Webhooks"): per-endpoint checkpointed delivery, the delivery log and
 * manual redelivery. Endpoints, their secrets and the address guard come from the webhook endpoints'
 * own module.
 */
@Module({
  imports: [CaseModule, WebhookEndpointsModule],
  controllers: [WebhookDeliveriesController],
  providers: [
    {
      provide: PostgresDeliveryLog,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new PostgresDeliveryLog(dataSource),
    },
    {
      provide: DELIVERY_TARGETS,
      inject: [EVENT_STORE, WebhookEndpointAggregate, CLOCK],
      useFactory: (store: EventStore, aggregate: WebhookEndpointAggregate, clock: Clock): DeliveryTargets =>
        new StreamDeliveryTargets(store, aggregate, clock),
    },
    {
      provide: HttpWebhookSender,
      inject: [RUNTIME_CONFIG],
      useFactory: (config: RuntimeConfig) =>
        new HttpWebhookSender((url) =>
          resolveDeliveryAddress(url, { allowLoopback: config.webhookUrls.allowLoopback }),
        ),
    },
    {
      provide: FAILING_ENDPOINTS,
      inject: [CommandPath],
      useFactory: (path: CommandPath): FailingEndpoints =>
        failingEndpoints(path, new WebhookEndpointAggregate()),
    },
    {
      provide: PrometheusDeliveryMetrics,
      inject: [METRICS_REGISTRY],
      useFactory: (registry: Registry) => new PrometheusDeliveryMetrics(registry),
    },
    {
      provide: WebhookDeliveryWorker,
      inject: [
        DataSource,
        EVENT_STORE,
        PostgresDeliveryLog,
        DELIVERY_TARGETS,
        WEBHOOK_SECRETS,
        WEBHOOK_ENDPOINTS,
        HttpWebhookSender,
        FAILING_ENDPOINTS,
        PrometheusDeliveryMetrics,
        CLOCK,
        RUNTIME_CONFIG,
      ],
      useFactory: (
        dataSource: DataSource,
        store: EventStore,
        log: PostgresDeliveryLog,
        targets: DeliveryTargets,
        secrets: WebhookSecrets,
        endpoints: WebhookEndpoints,
        sender: WebhookSender,
        failing: FailingEndpoints,
        metrics: PrometheusDeliveryMetrics,
        clock: Clock,
        config: RuntimeConfig,
      ) => {
        const settings = config.webhookDelivery;
        const logger = new Logger('WebhookDelivery');
        const worker = new WebhookDeliveryWorker(
          dataSource,
          {
            enabledIds: async () => {
              try {
                const all = await endpoints.list();
                return all.filter(({ status }) => status === 'enabled').map(({ endpointId }) => endpointId);
              } catch (error) {
                // At first start-up the endpoints' read model is created a moment after this looks.
                if ((error as { code?: string }).code === 'projection-not-ready') return [];
                throw error;
              }
            },
          },
          { store, log, targets, secrets, sender, failing, metrics, clock, logger, settings },
          settings.scanIntervalMs,
          logger,
        );
        metrics.countDelivering(() => worker.delivering);
        return worker;
      },
    },
    {
      provide: ManualRedelivery,
      inject: [
        EVENT_STORE,
        PostgresDeliveryLog,
        DELIVERY_TARGETS,
        WEBHOOK_SECRETS,
        HttpWebhookSender,
        PrometheusDeliveryMetrics,
        CLOCK,
        RUNTIME_CONFIG,
      ],
      useFactory: (
        store: EventStore,
        log: PostgresDeliveryLog,
        targets: DeliveryTargets,
        secrets: WebhookSecrets,
        sender: WebhookSender,
        metrics: PrometheusDeliveryMetrics,
        clock: Clock,
        config: RuntimeConfig,
      ) =>
        new ManualRedelivery({
          store,
          log,
          targets,
          secrets,
          sender,
          metrics,
          clock,
          timeoutMs: config.webhookDelivery.timeoutMs,
        }),
    },
    WebhookDeliveryLifecycle,
  ],
})
export class WebhookDeliveryModule {}
