import type { WebhookEndpointRoute } from '../webhook-endpoint-command.js';

export const enableWebhookEndpointRoute: WebhookEndpointRoute = {
  method: 'POST',
  path: ':endpointId/enable',
  action: 'manage-webhook-endpoints',
  summary: 'Resume deliveries to a disabled endpoint (WebhookEndpointEnabled), from where they stopped',
  body: null,
};
