import type { WebhookEndpointRoute } from '../webhook-endpoint-command.js';
import { RotateWebhookSecretDto } from './rotate-webhook-secret.dto.js';

export const rotateWebhookSecretRoute: WebhookEndpointRoute = {
  method: 'POST',
  path: ':endpointId/rotate-secret',
  action: 'manage-webhook-endpoints',
  summary:
    'Rotate the signing secret (WebhookSecretRotated): the answer carries the new one, shown this once; the previous one keeps signing for the overlap',
  body: RotateWebhookSecretDto,
  optionalBody: true,
};
