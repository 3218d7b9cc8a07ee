/**
 * Webhook signing secrets, kept outside the event log (which is immutable and read by auditors):
 * events name a secret by its id and fingerprint only. Which secret is current, and until when a
 * rotated one still signs, is what the endpoint's events say (WebhookSecretRotated); the store only
 * keeps the material, so a secret whose event was never appended is never used.
 */
export interface WebhookSecrets {
  /**
   * Creates and stores a new secret for the endpoint, in the Standard Webhooks form
   * `whsec_<base64 of 32 random bytes>`, and returns it: the only time it leaves the store for a client.
   */
  create(endpointId: string, secretId: string): Promise<string>;
  /**
   * The secrets to sign a delivery with at `at`: the current one first, then the previous one while
   * its overlap lasts, as the endpoint's events say at the time of the call. Each gives one
   * `v1,<signature>` in the `webhook-signature` header. Empty for an endpoint never registered.
   */
  signingSecrets(endpointId: string, at: Date): Promise<string[]>;
}

export const WEBHOOK_SECRETS = Symbol('WebhookSecrets');
