import type { WebhookDisableReason } from './webhook-endpoint.events.js';

/** Who acts and when: what the domain may not make up itself. */
export interface WebhookCommandMetadata {
  /** `role` 'system' is the engine itself (deliveries that keep failing disable an endpoint). */
  actor: { id: string; role: string };
  /** ISO server time. */
  now: string;
}

interface WebhookCommandOf<Type extends string, Data extends object> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: WebhookCommandMetadata;
}

export type RegisterWebhookEndpoint = WebhookCommandOf<
  'RegisterWebhookEndpoint',
  {
    endpointId: string;
    url: string;
    eventTypes: string[];
    caseId?: string;
    description?: string;
    /** The secret the application created for it (its material stays in the secrets store). */
    secretId: string;
    secretFingerprint: string;
  }
>;

export type ChangeWebhookEndpoint = WebhookCommandOf<
  'ChangeWebhookEndpoint',
  { url?: string; eventTypes?: string[]; caseId?: string | null; description?: string }
>;

export type RotateWebhookSecret = WebhookCommandOf<
  'RotateWebhookSecret',
  { secretId: string; secretFingerprint: string; overlapSeconds: number }
>;

export type DisableWebhookEndpoint = WebhookCommandOf<
  'DisableWebhookEndpoint',
  { reason: WebhookDisableReason; failingSince?: string; lastError?: string }
>;

export type EnableWebhookEndpoint = WebhookCommandOf<'EnableWebhookEndpoint', Record<string, never>>;

export type RemoveWebhookEndpoint = WebhookCommandOf<'RemoveWebhookEndpoint', Record<string, never>>;

export type WebhookEndpointCommand =
  | RegisterWebhookEndpoint
  | ChangeWebhookEndpoint
  | RotateWebhookSecret
  | DisableWebhookEndpoint
  | EnableWebhookEndpoint
  | RemoveWebhookEndpoint;

export type WebhookEndpointCommandType = WebhookEndpointCommand['type'];

/** The overlap of a rotation: how long the previous secret still signs (0 to 7 days; 24 h by default). */
export const SECRET_OVERLAP_SECONDS = { min: 0, max: 7 * 24 * 3600, default: 24 * 3600 } as const;
