import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../../ports/event-store.port.js';

/**
 * What a webhook delivery sends and when it tries again: pure functions of the event, the endpoint
 * and the clock, so that a redelivery after a crash sends the same `webhook-id` and the same body.
 */

const CASE_STREAM_PREFIX = 'case-';

/** The thin payload (Standard Webhooks' `type`, `timestamp`, `data`): where the event is, never what it says. */
export interface WebhookPayload {
  type: `case.${string}`;
  /** When the event happened (its `occurredAt`), not when it is sent: the same on every attempt. */
  timestamp: string;
  data: {
    caseId: string;
    eventId: string;
    eventType: string;
    /** The event's global position in the log (the store's opaque cursor). */
    position: string;
    /** The case stream's revision after the event (0-based), for `If-Match` and history reads. */
    revision: number;
    occurredAt: string;
  };
}

/** What a delivery needs to know of an endpoint's subscription. */
export interface EndpointSubscription {
  endpointId: string;
  /** Case event types, or `['*']` for every one. */
  eventTypes: readonly string[];
  /** Only this case's events, when set. */
  caseId?: string | null;
}

export const caseIdOf = (event: Pick<RecordedEvent, 'streamId'>): string | undefined =>
  event.streamId.startsWith(CASE_STREAM_PREFIX) ? event.streamId.slice(CASE_STREAM_PREFIX.length) : undefined;

/** Whether the endpoint subscribed to this event: a case event of a listed type (or `*`), of its case if it names one. */
export function subscribes(endpoint: EndpointSubscription, event: RecordedEvent): boolean {
  const caseId = caseIdOf(event);
  if (caseId === undefined) return false;
  if (endpoint.caseId && endpoint.caseId !== caseId) return false;
  return endpoint.eventTypes.includes('*') || endpoint.eventTypes.includes(event.type);
}

/**
 * The `webhook-id`: derived from the endpoint and the event, so every attempt of one event to one
 * endpoint (automatic, after a restart, or manual) carries the same id and receivers can deduplicate.
 */
export function webhookId(endpointId: string, eventId: string): string {
  const digest = createHash('sha256').update(`${endpointId}\u0000${eventId}`).digest('base64url');
  return `msg_${digest.slice(0, 32)}`;
}

export function payloadOf(event: RecordedEvent): WebhookPayload {
  const caseId = caseIdOf(event);
  if (caseId === undefined)
    throw new Error(`Event ${event.eventId} of stream ${event.streamId} is not a case event`);
  const occurredAt =
    typeof event.metadata.occurredAt === 'string'
      ? event.metadata.occurredAt
      : event.recordedAt.toISOString();
  return {
    type: `case.${event.type}`,
    timestamp: occurredAt,
    data: {
      caseId,
      eventId: event.eventId,
      eventType: event.type,
      position: event.position,
      revision: event.revision,
      occurredAt,
    },
  };
}

export interface BackoffSettings {
  /** The first retry's ceiling; each further one doubles it. */
  baseMs: number;
  /** The ceiling never grows beyond this. */
  capMs: number;
}

/**
 * Exponential backoff with full jitter (a random wait between 0 and min(cap, base·2^(n−1))) before
 * retry n ≥ 1: receivers recovering from an outage are not hit by every sender at the same instant.
 */
export function backoffMs(
  retry: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(retry, 1) - 1, 40);
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/** Statuses whose `Retry-After` is honoured (RFC 9110 §10.2.3; RFC 6585 §4). */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds or an HTTP date; undefined
 * when the status does not carry one or the value is not valid.
 */
export function retryAfterMs(status: number, header: string | undefined, now: Date): number | undefined {
  if (!RETRY_AFTER_STATUSES.has(status) || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/[a-z]/i.test(value)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * The wait before retry n: what the receiver asked for (never more than `maxMs`, so a far-off date
 * cannot park the endpoint past its disabling), otherwise the jittered backoff.
 */
export function retryDelayMs(
  retry: number,
  asked: number | undefined,
  settings: BackoffSettings & { maxMs: number },
  random: () => number = Math.random,
): number {
  return asked === undefined ? backoffMs(retry, settings, random) : Math.min(asked, settings.maxMs);
}

/** 2xx acknowledges a delivery; everything else (and no answer) is retried. */
export const acknowledged = (status: number | undefined): boolean =>
  status !== undefined && status >= 200 && status < 300;
