import { z } from 'zod';

/**
 * WEBHOOKS_ALLOW_LOOPBACK (docs/operations.md "Webhooks"), joined into the one environment schema
 * of app-config.ts: the one setting for development and tests, allowing receivers on 127.0.0.0/8
 * and ::1, over http too. Off by default: receivers are public https URLs.
 */
export const WEBHOOK_URL_VARIABLES = {
  WEBHOOKS_ALLOW_LOOPBACK: z.preprocess(
    (raw) => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined),
    z
      .enum(['true', 'false'], {
        error: (issue) => `must be true or false, got "${String(issue.input)}"`,
      })
      .default('false')
      .transform((value) => value === 'true'),
  ),
};

export interface WebhookUrlSettings {
  allowLoopback: boolean;
}

export const webhookUrlSettings = (env: { WEBHOOKS_ALLOW_LOOPBACK: boolean }): WebhookUrlSettings => ({
  allowLoopback: env.WEBHOOKS_ALLOW_LOOPBACK,
});
