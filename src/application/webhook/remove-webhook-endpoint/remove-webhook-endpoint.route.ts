import type { WebhookEndpointRoute } from '../webhook-endpoint-command.js';

export const removeWebhookEndpointRoute: WebhookEndpointRoute = {
  method: 'DELETE',
  path: ':endpointId',
  action: 'manage-webhook-endpoints',
  summary: 'Remove an endpoint (WebhookEndpointRemoved): no more deliveries; its history stays in the log',
  body: null,
};
