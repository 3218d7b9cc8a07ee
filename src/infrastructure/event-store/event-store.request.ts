import {
  InvalidEventStoreRequestError,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type ReadStreamOptions,
  type SubscriptionFilter,
} from '../../application/ports/event-store.port.js';

/**
 * The checks both adapters make on calls through the event-store port before any I/O, so that both
 * refuse the same calls with the same `InvalidEventStoreRequestError` and filter subscriptions alike.
 */

/** The expected revisions that name a stream state rather than a revision. */
const EXPECTED_STREAM_STATES = ['any', 'no-stream', 'stream-exists'] as const;

export type ExpectedStreamState = Exclude<ExpectedRevision, number>;

import { UUID_PATTERN } from '../../domain/kernel/identifiers.js';
/** schema_version is an integer column in PostgreSQL. */
const MAX_SCHEMA_VERSION = 2_147_483_647;

const isRevision = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

const isExpectedStreamState = (value: unknown): value is ExpectedStreamState =>
  (EXPECTED_STREAM_STATES as readonly unknown[]).includes(value);

// Byte arrays are objects too, but not JSON objects.
const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

export interface AppendRules {
  /** Metadata keys the adapter stores its own data under; an event that sets one is refused. */
  reservedMetadataKeys?: readonly string[];
}

export function assertAppendable(
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
  { reservedMetadataKeys = [] }: AppendRules = {},
): void {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new InvalidEventStoreRequestError('append needs a non-empty stream id');
  }
  if (!isExpectedStreamState(expected) && !isRevision(expected)) {
    throw new InvalidEventStoreRequestError(
      `Invalid expected revision ${JSON.stringify(expected)}: use 'any', 'no-stream', 'stream-exists' or a revision >= 0`,
    );
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventStoreRequestError(`append to ${streamId} needs at least one event`);
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.eventId !== 'string' || !UUID_PATTERN.test(event.eventId)) {
      throw new InvalidEventStoreRequestError(`Event id ${JSON.stringify(event.eventId)} is not a UUID`);
    }
    const id = event.eventId.toLowerCase();
    if (ids.has(id)) throw new InvalidEventStoreRequestError(`Event id ${id} appears twice in one append`);
    ids.add(id);
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new InvalidEventStoreRequestError(`Event ${id} needs a non-empty type`);
    }
    if (!isJsonObject(event.data)) {
      throw new InvalidEventStoreRequestError(`Event ${id}: data must be an object`);
    }
    if (event.metadata !== undefined && !isJsonObject(event.metadata)) {
      throw new InvalidEventStoreRequestError(`Event ${id}: metadata must be an object`);
    }
    const reserved = reservedMetadataKeys.find(
      (key) => event.metadata !== undefined && key in event.metadata,
    );
    if (reserved !== undefined) {
      throw new InvalidEventStoreRequestError(
        `Event ${id}: metadata key ${reserved} is reserved by the store`,
      );
    }
    if (
      event.schemaVersion !== undefined &&
      !(
        Number.isInteger(event.schemaVersion) &&
        event.schemaVersion >= 1 &&
        event.schemaVersion <= MAX_SCHEMA_VERSION
      )
    ) {
      throw new InvalidEventStoreRequestError(`Event ${id}: schemaVersion must be an integer >= 1`);
    }
  }
}

export function assertReadStreamOptions({ maxCount, fromRevision }: ReadStreamOptions): void {
  if (maxCount !== undefined) assertCount('maxCount', maxCount);
  if (fromRevision !== undefined && !isRevision(fromRevision)) {
    throw new InvalidEventStoreRequestError(`fromRevision must be a revision >= 0, got ${fromRevision}`);
  }
}

/** A count, page size, limit or duration: a positive safe integer. */
export function assertCount(name: string, value: unknown): void {
  if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
    throw new InvalidEventStoreRequestError(
      `${name} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
}

/** A subscription filter as a predicate; an empty list restricts nothing. */
export function subscriptionMatcher(
  filter: SubscriptionFilter | undefined,
): (event: { streamId: string; type: string }) => boolean {
  const prefixes = filter?.streamPrefixes?.length ? filter.streamPrefixes : null;
  const types = filter?.eventTypes?.length ? new Set(filter.eventTypes) : null;
  return (event) =>
    (prefixes === null || prefixes.some((prefix) => event.streamId.startsWith(prefix))) &&
    (types === null || types.has(event.type));
}
