import { Module } from '@nestjs/common';
import { WebhookEndpointAggregate } from '../../../application/webhook/webhook-endpoint.aggregate.js';
import { WebhookEndpointCommands } from '../../../application/webhook/webhook-endpoint-commands.service.js';
import { WEBHOOK_ENDPOINTS } from '../../../application/webhook/webhook-endpoints.port.js';
import { WEBHOOK_SECRETS } from '../../../application/webhook/webhook-secrets.port.js';
import { WEBHOOK_URL_POLICY } from '../../../application/webhook/webhook-url.port.js';
import { WebhookEndpointsProjection } from '../../../projections/webhook-endpoints/webhook-endpoints.projection.js';
import { WebhookEndpointsQueries } from '../../../projections/webhook-endpoints/webhook-endpoints.queries.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { PostgresWebhookSecrets } from '../../webhooks/postgres-webhook-secrets.js';
import { GuardedWebhookUrls, URL_GUARD_OPTIONS } from '../../webhooks/webhook-url.policy.js';
import { CaseModule } from '../case/case.module.js';
import { WebhookEndpointsController } from './webhook-endpoints.controller.js';

/**
 * Webhook subscriptions: the endpoint commands over the generic command path (from CaseModule), the
 * `webhook-endpoints` projection and its queries, the secrets store and the URL guard
 * (WEBHOOKS_ALLOW_LOOPBACK). Exports what deliveries need: the endpoint queries, the signing
 * secrets, the commands (a failing endpoint is disabled through them) and the guard's options.
 */
@Module({
  imports: [CaseModule],
  controllers: [WebhookEndpointsController],
  providers: [
    {
      provide: URL_GUARD_OPTIONS,
      inject: [RUNTIME_CONFIG],
      useFactory: (config: RuntimeConfig) => config.webhookUrls,
    },
    WebhookEndpointsProjection,
    WebhookEndpointsQueries,
    { provide: WEBHOOK_ENDPOINTS, useExisting: WebhookEndpointsQueries },
    { provide: WEBHOOK_SECRETS, useClass: PostgresWebhookSecrets },
    { provide: WEBHOOK_URL_POLICY, useClass: GuardedWebhookUrls },
    WebhookEndpointAggregate,
    WebhookEndpointCommands,
  ],
  exports: [
    WEBHOOK_ENDPOINTS,
    WEBHOOK_SECRETS,
    URL_GUARD_OPTIONS,
    WebhookEndpointCommands,
    WebhookEndpointAggregate,
  ],
})
export class WebhookEndpointsModule {}
