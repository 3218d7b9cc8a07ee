import type { WebhookEndpointRoute } from '../webhook-endpoint-command.js';

/** A person's disabling is always reason `requested`; `failing` is the engine's (no route). */
export const disableWebhookEndpointRoute: WebhookEndpointRoute = {
  method: 'POST',
  path: ':endpointId/disable',
  action: 'manage-webhook-endpoints',
  summary: 'Stop deliveries to an endpoint (WebhookEndpointDisabled, reason requested)',
  body: null,
};
