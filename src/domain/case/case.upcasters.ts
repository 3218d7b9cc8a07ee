import {
  CASE_EVENT_SCHEMA_VERSIONS,
  isCaseEventType,
  type CaseEvent,
  type CaseEventType,
} from './case.events.js';

export type EventData = Record<string, unknown>;

/** Reads the data of schema version n and returns it as version n + 1. */
export type EventUpcaster = (data: EventData) => EventData;

/** Per event type, the upcaster that reads each older version: `{ CaseClosed: { 1: v1ToV2 } }`. */
export type CaseEventUpcasters = Readonly<
  Partial<Record<CaseEventType, Readonly<Record<number, EventUpcaster>>>>
>;

/** The chain in production. Empty while every event type is at version 1. */
export const CASE_EVENT_UPCASTERS: CaseEventUpcasters = {};

/** An event as the store holds it: any version this engine ever wrote. */
export interface StoredCaseEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/** A stored event this code cannot read: a deployment or data problem, never a client's mistake. */
export class EventSchemaError extends Error {
  constructor(
    readonly code:
      'unknown-event-type' | 'unsupported-schema-version' | 'missing-upcaster' | 'malformed-event-data',
    message: string,
  ) {
    super(message);
    this.name = 'EventSchemaError';
  }
}

/** Reads a stored event as the current shape, applying v1→v2→… upcasters in turn. */
export function upcastCaseEvent(
  stored: StoredCaseEvent,
  upcasters: CaseEventUpcasters = CASE_EVENT_UPCASTERS,
  versions: Readonly<Record<CaseEventType, number>> = CASE_EVENT_SCHEMA_VERSIONS,
): CaseEvent {
  const { type, schemaVersion } = stored;
  if (!isCaseEventType(type)) {
    throw new EventSchemaError('unknown-event-type', `"${type}" is not a case event type this engine knows.`);
  }
  const current = versions[type];
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current) {
    throw new EventSchemaError(
      'unsupported-schema-version',
      `${type} schema version ${schemaVersion} cannot be read: this engine reads versions 1 to ${current}; deploy the version that wrote it.`,
    );
  }
  if (typeof stored.data !== 'object' || stored.data === null || Array.isArray(stored.data)) {
    throw new EventSchemaError('malformed-event-data', `${type} data is not a JSON object.`);
  }
  let data = stored.data as EventData;
  for (let version = schemaVersion; version < current; version++) {
    const upcast = upcasters[type]?.[version];
    if (!upcast) {
      throw new EventSchemaError(
        'missing-upcaster',
        `${type} has no upcaster from schema version ${version} to ${version + 1}; register one in CASE_EVENT_UPCASTERS.`,
      );
    }
    data = upcast(data);
  }
  // The chain's last link produces the current shape; the decider's types take it from here.
  return { type, data } as CaseEvent;
}
