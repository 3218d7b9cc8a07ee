import type { WebhookEndpointRoute } from '../webhook-endpoint-command.js';
import { RegisterWebhookEndpointDto } from './register-webhook-endpoint.dto.js';

export const registerWebhookEndpointRoute: WebhookEndpointRoute = {
  method: 'POST',
  path: '',
  action: 'manage-webhook-endpoints',
  summary:
    'Register a webhook endpoint (WebhookEndpointRegistered); the answer carries its signing secret, shown this once',
  body: RegisterWebhookEndpointDto,
};
