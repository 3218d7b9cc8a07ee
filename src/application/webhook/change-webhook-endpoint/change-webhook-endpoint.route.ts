import type { WebhookEndpointRoute } from '../webhook-endpoint-command.js';
import { ChangeWebhookEndpointDto } from './change-webhook-endpoint.dto.js';

export const changeWebhookEndpointRoute: WebhookEndpointRoute = {
  method: 'PATCH',
  path: ':endpointId',
  action: 'manage-webhook-endpoints',
  summary: 'Change an endpoint’s URL, event types, case filter or description (WebhookEndpointChanged)',
  body: ChangeWebhookEndpointDto,
};
