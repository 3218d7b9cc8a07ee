import type { WebhookEndpointCommandType } from '../../domain/webhook/webhook-endpoint.commands.js';
import { changeWebhookEndpointRoute } from './change-webhook-endpoint/change-webhook-endpoint.route.js';
import { disableWebhookEndpointRoute } from './disable-webhook-endpoint/disable-webhook-endpoint.route.js';
import { enableWebhookEndpointRoute } from './enable-webhook-endpoint/enable-webhook-endpoint.route.js';
import { registerWebhookEndpointRoute } from './register-webhook-endpoint/register-webhook-endpoint.route.js';
import { removeWebhookEndpointRoute } from './remove-webhook-endpoint/remove-webhook-endpoint.route.js';
import { rotateWebhookSecretRoute } from './rotate-webhook-secret/rotate-webhook-secret.route.js';
import type { WebhookEndpointCommandSlice } from './webhook-endpoint-command.js';

/**
 * Every webhook endpoint command tied to its route (its decision is the domain decider's, whose
 * exhaustive switch names each command too). The controller's operations and the authorisation
 * matrix's endpoints are read from here; the compiler refuses a command without an entry.
 */
export const WEBHOOK_ENDPOINT_COMMANDS = {
  RegisterWebhookEndpoint: { route: registerWebhookEndpointRoute },
  ChangeWebhookEndpoint: { route: changeWebhookEndpointRoute },
  RotateWebhookSecret: { route: rotateWebhookSecretRoute },
  DisableWebhookEndpoint: { route: disableWebhookEndpointRoute },
  EnableWebhookEndpoint: { route: enableWebhookEndpointRoute },
  RemoveWebhookEndpoint: { route: removeWebhookEndpointRoute },
} as const satisfies { [Type in WebhookEndpointCommandType]: WebhookEndpointCommandSlice };

/** Every route of the registry, in its order. */
export const WEBHOOK_ENDPOINT_ROUTES = Object.values(WEBHOOK_ENDPOINT_COMMANDS).flatMap(({ route }) =>
  route === null ? [] : [route],
);
