import { wholeNumber } from '../../config/environment-variable.js';

/**
 * Webhook delivery's variables (docs/operations.md "Webhooks"), joined into the one environment
 * schema of app-config.ts.
 */

const DAY_SECONDS = 86_400;

export const WEBHOOK_DELIVERY_VARIABLES = {
  // How long one attempt may take, connection to answer, before it counts as failed.
  WEBHOOKS_DELIVERY_TIMEOUT_MS: wholeNumber(10_000, 100, 120_000),
  // The first retry waits up to this long; each further one doubles it, up to the cap.
  WEBHOOKS_RETRY_BASE_MS: wholeNumber(1_000, 1, 3_600_000),
  WEBHOOKS_RETRY_CAP_MS: wholeNumber(600_000, 1, 86_400_000),
  // Continuous failure for this long disables the endpoint (WebhookEndpointDisabled, reason failing).
  WEBHOOKS_DISABLE_AFTER_SECONDS: wholeNumber(3 * DAY_SECONDS, 1, 30 * DAY_SECONDS),
  // How often each instance looks for endpoints to deliver (new, re-enabled, held by a stopped instance).
  WEBHOOKS_SCAN_INTERVAL_MS: wholeNumber(2_000, 50, 600_000),
};

type DeliveryEnvironment = {
  WEBHOOKS_DELIVERY_TIMEOUT_MS: number;
  WEBHOOKS_RETRY_BASE_MS: number;
  WEBHOOKS_RETRY_CAP_MS: number;
  WEBHOOKS_DISABLE_AFTER_SECONDS: number;
  WEBHOOKS_SCAN_INTERVAL_MS: number;
};

export interface WebhookDeliverySettings {
  timeoutMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  disableAfterMs: number;
  scanIntervalMs: number;
}

export const webhookDeliverySettings = (env: DeliveryEnvironment): WebhookDeliverySettings => ({
  timeoutMs: env.WEBHOOKS_DELIVERY_TIMEOUT_MS,
  retryBaseMs: env.WEBHOOKS_RETRY_BASE_MS,
  retryCapMs: env.WEBHOOKS_RETRY_CAP_MS,
  disableAfterMs: env.WEBHOOKS_DISABLE_AFTER_SECONDS * 1000,
  scanIntervalMs: env.WEBHOOKS_SCAN_INTERVAL_MS,
});
