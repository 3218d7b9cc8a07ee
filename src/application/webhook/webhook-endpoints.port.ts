import type {
  WebhookDisableReason,
  WebhookEndpointStatus,
} from '../../domain/webhook/webhook-endpoint.events.js';

/** One endpoint as the read model holds it (projection `webhook-endpoints`). */
export interface WebhookEndpointView {
  endpointId: string;
  url: string;
  /** Case event type names, or `['*']`. */
  eventTypes: string[];
  caseId?: string;
  description?: string;
  status: WebhookEndpointStatus;
  /** The actor id that registered it. */
  owner: string;
  secretId: string;
  secretFingerprint: string;
  /** The secret a rotation replaced, while it may still sign (compare validUntil with the time). */
  previousSecret?: { secretId: string; validUntil: string };
  /** Set while disabled. */
  disabled?: { reason: WebhookDisableReason; at: string; failingSince?: string; lastError?: string };
  /** Revision of the endpoint's stream (the ETag). */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookEndpointFilter {
  /** Only the endpoints this actor registered (an integrator's view). */
  owner?: string;
  /** Removed endpoints are left out unless asked for. */
  includeRemoved?: boolean;
}

/** The query side of webhook endpoints: the REST reads and the deliveries read through it. */
export interface WebhookEndpoints {
  /** Ordered by registration time, then id. */
  list(filter?: WebhookEndpointFilter): Promise<WebhookEndpointView[]>;
  get(endpointId: string): Promise<WebhookEndpointView | undefined>;
}

export const WEBHOOK_ENDPOINTS = Symbol('WebhookEndpoints');
