/**
 * Whether a URL may receive webhooks (the server-side request forgery guard), asked when an endpoint
 * is registered or its URL changed. Throws a DomainError `webhook-url-refused` naming why.
 */
export interface WebhookUrlPolicy {
  check(url: string): Promise<void>;
}

export const WEBHOOK_URL_POLICY = Symbol('WebhookUrlPolicy');
