import { assertNever } from '../kernel/decider.js';
import type { WebhookEndpointEvent, WebhookEndpointStatus } from './webhook-endpoint.events.js';

export interface WebhookEndpoint {
  readonly exists: true;
  readonly endpointId: string;
  readonly owner: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly caseId?: string;
  readonly description?: string;
  readonly status: WebhookEndpointStatus;
  readonly secretId: string;
  readonly secretFingerprint: string;
  /** The secret a rotation replaced, and until when it still signs. */
  readonly previousSecret?: { readonly secretId: string; readonly validUntil: string };
}

export type WebhookEndpointState = { readonly exists: false } | WebhookEndpoint;

export const initialWebhookEndpointState = (): WebhookEndpointState => ({ exists: false });

function existing(state: WebhookEndpointState, type: string): WebhookEndpoint {
  if (!state.exists) throw new Error(`${type} on a webhook endpoint that was never registered`);
  return state;
}

export function evolveWebhookEndpoint(
  state: WebhookEndpointState,
  event: WebhookEndpointEvent,
): WebhookEndpointState {
  switch (event.type) {
    case 'WebhookEndpointRegistered': {
      const { endpointId, owner, url, eventTypes, caseId, description, secretId, secretFingerprint } =
        event.data;
      return {
        exists: true,
        endpointId,
        owner,
        url,
        eventTypes,
        ...(caseId !== undefined && { caseId }),
        ...(description !== undefined && { description }),
        status: 'enabled',
        secretId,
        secretFingerprint,
      };
    }
    case 'WebhookEndpointChanged': {
      const { caseId: _caseId, ...current } = existing(state, event.type);
      const { url, eventTypes, caseId, description } = event.data;
      // `caseId: null` clears the filter; absent keeps it.
      const nextCaseId = caseId === undefined ? _caseId : (caseId ?? undefined);
      return {
        ...current,
        ...(url !== undefined && { url }),
        ...(eventTypes !== undefined && { eventTypes }),
        ...(description !== undefined && { description }),
        ...(nextCaseId !== undefined && { caseId: nextCaseId }),
      };
    }
    case 'WebhookSecretRotated': {
      const current = existing(state, event.type);
      return {
        ...current,
        secretId: event.data.secretId,
        secretFingerprint: event.data.secretFingerprint,
        previousSecret: { secretId: event.data.previousSecretId, validUntil: event.data.previousValidUntil },
      };
    }
    case 'WebhookEndpointDisabled':
      return { ...existing(state, event.type), status: 'disabled' };
    case 'WebhookEndpointEnabled':
      return { ...existing(state, event.type), status: 'enabled' };
    case 'WebhookEndpointRemoved':
      return { ...existing(state, event.type), status: 'removed' };
    default:
      return assertNever(event, 'webhook endpoint event');
  }
}
