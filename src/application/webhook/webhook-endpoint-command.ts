import type { Type } from '@nestjs/common';
import type { AccessAction } from '../auth/access-policy.js';

/**
 * How one webhook endpoint command is reached over HTTP, under /api/v1/webhooks/endpoints: the
 * method and path, the access-policy row that guards it, its one-line summary and its body DTO
 * (null: it takes none).
 */
export interface WebhookEndpointRoute {
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  /** Relative to /api/v1/webhooks/endpoints; `:endpointId` is a UUID. */
  readonly path: string;
  readonly action: AccessAction;
  readonly summary: string;
  readonly body: Type<object> | null;
  /** The body may be left out (an empty object is validated instead). */
  readonly optionalBody?: boolean;
}

/** One command's slice beside its decision (the domain decider's): its route, null for the engine's own. */
export interface WebhookEndpointCommandSlice {
  readonly route: WebhookEndpointRoute | null;
}
