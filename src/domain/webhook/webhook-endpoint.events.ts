import type { DomainEvent } from '../kernel/decider.js';
import { eventTypeGuard, eventTypesOf } from '../kernel/event-types.js';

/**
 * What happens to a webhook endpoint, in its stream `webhook-endpoint-<endpointId>`. No event
 * carries secret material: the log is immutable and auditors read it, so a secret is named by its
 * id and a fingerprint only (the secret itself lives in the secrets store).
 */

export type WebhookEndpointStatus = 'enabled' | 'disabled' | 'removed';

/** Why an endpoint stopped receiving: its owner asked, or deliveries kept failing. */
export const WEBHOOK_DISABLE_REASONS = ['requested', 'failing'] as const;
export type WebhookDisableReason = (typeof WEBHOOK_DISABLE_REASONS)[number];

export type WebhookEndpointRegistered = DomainEvent<
  'WebhookEndpointRegistered',
  {
    endpointId: string;
    url: string;
    /** Case event type names, or `['*']` for every one. */
    eventTypes: string[];
    /** Only this case's events, when set. */
    caseId?: string;
    description?: string;
    /** The actor id that registered it: an integrator manages only its own endpoints. */
    owner: string;
    secretId: string;
    /** `sha256:<hex>` of the secret, so a receiver can tell which secret it holds. */
    secretFingerprint: string;
  }
>;

/** Only the fields that changed; `caseId: null` removes the case filter. */
export type WebhookEndpointChanged = DomainEvent<
  'WebhookEndpointChanged',
  { url?: string; eventTypes?: string[]; caseId?: string | null; description?: string }
>;

export type WebhookSecretRotated = DomainEvent<
  'WebhookSecretRotated',
  {
    secretId: string;
    secretFingerprint: string;
    previousSecretId: string;
    /** ISO time until which deliveries are also signed with the previous secret. */
    previousValidUntil: string;
  }
>;

export type WebhookEndpointDisabled = DomainEvent<
  'WebhookEndpointDisabled',
  { reason: WebhookDisableReason; failingSince?: string; lastError?: string }
>;

export type WebhookEndpointEnabled = DomainEvent<'WebhookEndpointEnabled', Record<string, never>>;

export type WebhookEndpointRemoved = DomainEvent<'WebhookEndpointRemoved', Record<string, never>>;

export type WebhookEndpointEvent =
  | WebhookEndpointRegistered
  | WebhookEndpointChanged
  | WebhookSecretRotated
  | WebhookEndpointDisabled
  | WebhookEndpointEnabled
  | WebhookEndpointRemoved;

export type WebhookEndpointEventType = WebhookEndpointEvent['type'];

export const WEBHOOK_ENDPOINT_EVENT_SCHEMA_VERSIONS: Record<WebhookEndpointEventType, number> = {
  WebhookEndpointRegistered: 1,
  WebhookEndpointChanged: 1,
  WebhookSecretRotated: 1,
  WebhookEndpointDisabled: 1,
  WebhookEndpointEnabled: 1,
  WebhookEndpointRemoved: 1,
};

export const WEBHOOK_ENDPOINT_EVENT_TYPES = eventTypesOf(WEBHOOK_ENDPOINT_EVENT_SCHEMA_VERSIONS);

export const isWebhookEndpointEventType = eventTypeGuard(WEBHOOK_ENDPOINT_EVENT_SCHEMA_VERSIONS);
