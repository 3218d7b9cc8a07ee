import { CASE_EVENT_TYPES } from '../case/case.events.js';
import { type Decider, assertNever } from '../kernel/decider.js';
import { DomainError } from '../kernel/domain-error.js';
import {
  type ChangeWebhookEndpoint,
  type DisableWebhookEndpoint,
  type EnableWebhookEndpoint,
  type RegisterWebhookEndpoint,
  type RemoveWebhookEndpoint,
  type RotateWebhookSecret,
  SECRET_OVERLAP_SECONDS,
  type WebhookCommandMetadata,
  type WebhookEndpointCommand,
} from './webhook-endpoint.commands.js';
import type {
  WebhookEndpointChanged,
  WebhookEndpointDisabled,
  WebhookEndpointEnabled,
  WebhookEndpointEvent,
  WebhookEndpointRegistered,
  WebhookEndpointRemoved,
  WebhookSecretRotated,
} from './webhook-endpoint.events.js';
import {
  type WebhookEndpoint,
  type WebhookEndpointState,
  evolveWebhookEndpoint,
  initialWebhookEndpointState,
} from './webhook-endpoint.state.js';

/** Every event type a subscription may name: `*` alone, or case event type names. */
export const ALL_EVENT_TYPES = '*';

export const WEBHOOK_ERROR_CODES = [
  'not-found',
  'webhook-endpoint-exists',
  'webhook-endpoint-removed',
  'unknown-event-type',
  'invalid-secret-overlap',
] as const;

function checkEventTypes(eventTypes: readonly string[]): void {
  if (eventTypes.length === 0) {
    throw new DomainError('unknown-event-type', 'Name at least one event type, or "*" for every one.');
  }
  if (eventTypes.includes(ALL_EVENT_TYPES)) {
    if (eventTypes.length > 1) {
      throw new DomainError('unknown-event-type', '"*" already names every event type; send it alone.');
    }
    return;
  }
  const known: readonly string[] = CASE_EVENT_TYPES;
  const unknown = eventTypes.filter((type) => !known.includes(type));
  if (unknown.length > 0) {
    throw new DomainError(
      'unknown-event-type',
      `Unknown event type ${unknown.map((type) => `"${type.slice(0, 64)}"`).join(', ')}; ` +
        `use case event types such as ConsensusReached, or "*".`,
    );
  }
}

/**
 * The endpoint a command acts on, as its actor may see it: an integrator manages only the endpoints
 * it registered, and another's answers as unknown (its existence is not the caller's business).
 */
function endpointFor(state: WebhookEndpointState, metadata: WebhookCommandMetadata): WebhookEndpoint {
  if (!state.exists || (metadata.actor.role === 'integrator' && state.owner !== metadata.actor.id)) {
    throw new DomainError('not-found', 'There is no such webhook endpoint.');
  }
  if (state.status === 'removed') {
    throw new DomainError(
      'webhook-endpoint-removed',
      'The webhook endpoint was removed; register a new one.',
    );
  }
  return state;
}

export function registerWebhookEndpoint(
  command: RegisterWebhookEndpoint,
  state: WebhookEndpointState,
): [WebhookEndpointRegistered] {
  if (state.exists) {
    throw new DomainError(
      'webhook-endpoint-exists',
      'A webhook endpoint with this id is already registered.',
    );
  }
  const { endpointId, url, eventTypes, caseId, description, secretId, secretFingerprint } = command.data;
  checkEventTypes(eventTypes);
  return [
    {
      type: 'WebhookEndpointRegistered',
      data: {
        endpointId,
        url,
        eventTypes: [...eventTypes],
        ...(caseId !== undefined && { caseId }),
        ...(description !== undefined && { description }),
        owner: command.metadata.actor.id,
        secretId,
        secretFingerprint,
      },
    },
  ];
}

const sameTypes = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((type, index) => type === b[index]);

/** Records only what differs; a change that changes nothing records nothing. */
export function changeWebhookEndpoint(
  command: ChangeWebhookEndpoint,
  state: WebhookEndpointState,
): WebhookEndpointChanged[] {
  const endpoint = endpointFor(state, command.metadata);
  const { url, eventTypes, caseId, description } = command.data;
  if (eventTypes !== undefined) checkEventTypes(eventTypes);
  const changed: WebhookEndpointChanged['data'] = {
    ...(url !== undefined && url !== endpoint.url && { url }),
    ...(eventTypes !== undefined &&
      !sameTypes(eventTypes, endpoint.eventTypes) && { eventTypes: [...eventTypes] }),
    ...(caseId !== undefined && (caseId ?? undefined) !== endpoint.caseId && { caseId }),
    ...(description !== undefined && description !== endpoint.description && { description }),
  };
  return Object.keys(changed).length === 0 ? [] : [{ type: 'WebhookEndpointChanged', data: changed }];
}

export function rotateWebhookSecret(
  command: RotateWebhookSecret,
  state: WebhookEndpointState,
): [WebhookSecretRotated] {
  const endpoint = endpointFor(state, command.metadata);
  const { secretId, secretFingerprint, overlapSeconds } = command.data;
  if (
    !Number.isInteger(overlapSeconds) ||
    overlapSeconds < SECRET_OVERLAP_SECONDS.min ||
    overlapSeconds > SECRET_OVERLAP_SECONDS.max
  ) {
    throw new DomainError(
      'invalid-secret-overlap',
      `The overlap is a whole number of seconds from ${SECRET_OVERLAP_SECONDS.min} to ${SECRET_OVERLAP_SECONDS.max} (7 days).`,
    );
  }
  const validUntil = new Date(Date.parse(command.metadata.now) + overlapSeconds * 1000).toISOString();
  return [
    {
      type: 'WebhookSecretRotated',
      data: {
        secretId,
        secretFingerprint,
        previousSecretId: endpoint.secretId,
        previousValidUntil: validUntil,
      },
    },
  ];
}

/** Disabling a disabled endpoint records nothing (the owner and failing deliveries may race). */
export function disableWebhookEndpoint(
  command: DisableWebhookEndpoint,
  state: WebhookEndpointState,
): WebhookEndpointDisabled[] {
  const endpoint = endpointFor(state, command.metadata);
  if (endpoint.status === 'disabled') return [];
  const { reason, failingSince, lastError } = command.data;
  return [
    {
      type: 'WebhookEndpointDisabled',
      data: {
        reason,
        ...(failingSince !== undefined && { failingSince }),
        ...(lastError !== undefined && { lastError }),
      },
    },
  ];
}

export function enableWebhookEndpoint(
  command: EnableWebhookEndpoint,
  state: WebhookEndpointState,
): WebhookEndpointEnabled[] {
  const endpoint = endpointFor(state, command.metadata);
  return endpoint.status === 'enabled' ? [] : [{ type: 'WebhookEndpointEnabled', data: {} }];
}

export function removeWebhookEndpoint(
  command: RemoveWebhookEndpoint,
  state: WebhookEndpointState,
): [WebhookEndpointRemoved] {
  endpointFor(state, command.metadata);
  return [{ type: 'WebhookEndpointRemoved', data: {} }];
}

export function decideWebhookEndpoint(
  command: WebhookEndpointCommand,
  state: WebhookEndpointState,
): WebhookEndpointEvent[] {
  switch (command.type) {
    case 'RegisterWebhookEndpoint':
      return registerWebhookEndpoint(command, state);
    case 'ChangeWebhookEndpoint':
      return changeWebhookEndpoint(command, state);
    case 'RotateWebhookSecret':
      return rotateWebhookSecret(command, state);
    case 'DisableWebhookEndpoint':
      return disableWebhookEndpoint(command, state);
    case 'EnableWebhookEndpoint':
      return enableWebhookEndpoint(command, state);
    case 'RemoveWebhookEndpoint':
      return removeWebhookEndpoint(command, state);
    default:
      return assertNever(command, 'webhook endpoint command');
  }
}

export const webhookEndpointDecider: Decider<
  WebhookEndpointCommand,
  WebhookEndpointEvent,
  WebhookEndpointState
> = {
  decide: decideWebhookEndpoint,
  evolve: evolveWebhookEndpoint,
  initialState: initialWebhookEndpointState,
};
