/**
 * Webhook signing secrets, kept outside the event log (which is immutable and read by auditors):
 * events name a secret by its id and fingerprint only.
 */
export interface WebhookSecrets {
  /**
   * Creates and stores a new secret for the endpoint, in the Standard Webhooks form
   * `whsec_<base64 of random bytes>`, and returns it: the only time it leaves the store for a client.
   * `validUntil` unset: valid until a rotation gives it an end.
   */
  create(endpointId: string, secretId: string): Promise<string>;
  /**
   * Ends a secret's validity (a rotation keeps the previous one for the overlap). Idempotent.
   */
  expire(endpointId: string, secretId: string, validUntil: Date): Promise<void>;
  /**
   * The secrets to sign a delivery with at `at`: the current one first, then any previous one still
   * inside its overlap. Each gives one `v1,<signature>` in the `webhook-signature` header.
   */
  signingSecrets(endpointId: string, at: Date): Promise<string[]>;
}

export const WEBHOOK_SECRETS = Symbol('WebhookSecrets');

/** `sha256:<hex>` of a secret, as events carry it (computed by the adapter that made the secret). */
export type SecretFingerprint = `sha256:${string}`;
