import type { Position } from '../../ports/event-store.port.js';
import type { EndpointSubscription } from './webhook-delivery.policy.js';

/** An endpoint as delivery sees it at one moment: where to send, what it wants, whether it may. */
export interface DeliveryTarget extends EndpointSubscription {
  url: string;
  status: 'enabled' | 'disabled' | 'removed';
  /** The actor that registered it: an integrator sees only its own endpoints' deliveries. */
  owner: string;
  /** When it was last (re-)enabled or registered: failures before then do not count towards disabling. */
  activeSince: Date;
  /** Position of its registration in the log: delivery starts after it. */
  registeredAt: Position;
}

/** Reads an endpoint's current state (fresh, not a read model that may lag). */
export interface DeliveryTargets {
  /** Read afresh, or reused when read at most `maxAgeMs` ago (passing over events need not read each time). */
  current(endpointId: string, maxAgeMs?: number): Promise<DeliveryTarget | undefined>;
}

/** The secrets port's signing side: current secret first, then a previous one inside its rotation overlap. */
export interface SigningSecrets {
  signingSecrets(endpointId: string, at: Date): Promise<string[]>;
}

export interface WebhookRequest {
  url: string;
  webhookId: string;
  /** The JSON body, exactly as signed. */
  body: string;
  secrets: readonly string[];
  timeoutMs: number;
  signal: AbortSignal;
}

/** What one attempt came to: an HTTP status, or an error (refused address, time-out, connection). */
export interface WebhookResponse {
  status?: number;
  retryAfter?: string;
  error?: string;
  durationMs: number;
  /** The engine stopped the attempt itself (shutdown): not the receiver's failure. */
  aborted?: boolean;
}

export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

export interface DeliveryCursor {
  /** The last event acknowledged or passed over; undefined: nothing yet (start after registration). */
  checkpoint?: Position;
  /** The first failure of the current run of failures. */
  failingSince?: Date;
}

export interface DeliveryAttempt {
  deliveryId: string;
  endpointId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  streamId: string;
  streamRevision: number;
  position: Position;
  attempt: number;
  trigger: 'automatic' | 'manual';
  attemptedAt: Date;
  statusCode?: number;
  error?: string;
  durationMs: number;
  delivered: boolean;
  nextAttemptAt?: Date;
}

/** Each endpoint's cursor into the log and its delivery log. */
export interface DeliveryLog {
  /** The endpoint's cursor, created at `start` the first time. */
  cursor(endpointId: string, start: Position): Promise<DeliveryCursor>;
  /**
   * Moves the checkpoint from `from` to `to` and ends a run of failures; false when the checkpoint
   * was not at `from` (another instance delivered meanwhile).
   */
  advance(endpointId: string, from: Position | undefined, to: Position): Promise<boolean>;
  /** Records a failure: the run's start (kept if one is under way, returned) and the error. */
  failing(endpointId: string, at: Date, error: string): Promise<Date>;
  record(attempt: DeliveryAttempt): Promise<void>;
  /** The highest attempt number recorded for this webhook-id (0: none). */
  attempts(endpointId: string, webhookId: string): Promise<number>;
}

/** Records `WebhookEndpointDisabled` (reason `failing`) through the command path. */
export interface FailingEndpoints {
  disable(endpointId: string, failingSince: Date, lastError: string): Promise<void>;
}

/** What the delivery counts for /metrics. */
export interface DeliveryMetrics {
  attempted(attempt: DeliveryAttempt): void;
  /** Seconds between the event's occurrence and its acknowledgement. */
  lag(endpointId: string, seconds: number): void;
}
