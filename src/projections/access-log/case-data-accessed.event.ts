import { EventSchemaError } from '../../domain/case/case.upcasters.js';

/**
 * `CaseDataAccessed` (docs/events.md "Access events"): a person read case data, its history or its
 * audit trail, or tried to and was refused (401, 403, 404). Appended to a stream of its own, never
 * to the case stream, so a read changes no case revision, ETag or hash chain.
 */
export const CASE_DATA_ACCESSED = 'CaseDataAccessed';

/** Version 2 added `status`, `problemCode` and `point`; version 1 recorded only reads that succeeded. */
export const CASE_DATA_ACCESSED_SCHEMA_VERSION = 2;

/** What was read: the case view, its history, its audit trail, or a query across cases (audit search, worklist, metrics, flags, access log). */
export const ACCESSED_RESOURCES = [
  'case',
  'history',
  'audit-trail',
  'audit-search',
  'worklist',
  'reader-metrics',
  'shopping-flags',
  'access-log',
  'dossier',
] as const;
export type AccessedResource = (typeof ACCESSED_RESOURCES)[number];

/** The answers to an attempt that the access log records besides a read: no verified caller, a role or case the caller may not see, nothing there. */
export const REFUSED_STATUSES = [401, 403, 404] as const;
export type RefusedStatus = (typeof REFUSED_STATUSES)[number];

/** A read that succeeded. */
export const READ_STATUS = 200;

/** Who tried, when no token could be verified (a 401): the token's claims are never believed. */
export const ANONYMOUS_ACTOR = 'anonymous';

/** The point of a case's history a read asked for; absent when it asked for the latest. */
export type AskedHistoryPoint = { revision: number } | { asOf: string } | { asOccurredBy: string };

/** The case dossier an access issued: which form, as at which revision and checkpoint, and the SHA-256 of the bytes served. */
export interface IssuedDossier {
  format: 'pdf' | 'json';
  revision: number;
  /** The signed checkpoint it rests on; absent while the log had none. */
  treeSize?: number;
  sha256: string;
}

export interface CaseDataAccessedData {
  caseId?: string;
  resource: AccessedResource;
  /** The verified caller's `sub`, or `anonymous`. */
  actorId: string;
  ip: string;
  userAgent: string;
  /**
   * 200 for a read; 401, 403 or 404 for an attempt that was refused. Absent in version 1, which
   * recorded only reads that succeeded: read it through `upcastCaseDataAccessed`.
   */
  status?: number;
  /** The problem code of a refused attempt (`unauthorized`, `forbidden`, `not-your-assignment`, `not-found` …). */
  problemCode?: string;
  point?: AskedHistoryPoint;
  /**
   * A dossier issued by this read (resource `dossier`). Optional within version 2: absent on every
   * other access, and readers that predate it ignore it, so no upcaster is needed.
   */
  dossier?: IssuedDossier;
}

/** The current shape, as `upcastCaseDataAccessed` gives it. */
export type CurrentCaseDataAccessedData = CaseDataAccessedData & { status: number };

type StoredData = Record<string, unknown>;

/** Per older version, the function that reads it as the next one. */
const UPCASTERS: Record<number, (data: StoredData) => StoredData> = {
  // Version 1 was written only after a read had succeeded.
  1: (data) => ({ ...data, status: READ_STATUS }),
};

/** Reads a stored `CaseDataAccessed` of any version this engine wrote as the current shape. */
export function upcastCaseDataAccessed(schemaVersion: number, data: StoredData): CurrentCaseDataAccessedData {
  if (
    !Number.isInteger(schemaVersion) ||
    schemaVersion < 1 ||
    schemaVersion > CASE_DATA_ACCESSED_SCHEMA_VERSION
  ) {
    throw new EventSchemaError(
      'unsupported-schema-version',
      `${CASE_DATA_ACCESSED} schema version ${schemaVersion} cannot be read: this engine reads versions 1 to ${CASE_DATA_ACCESSED_SCHEMA_VERSION}; deploy the version that wrote it.`,
    );
  }
  let current = data;
  for (let version = schemaVersion; version < CASE_DATA_ACCESSED_SCHEMA_VERSION; version++) {
    current = UPCASTERS[version]!(current);
  }
  return current as unknown as CurrentCaseDataAccessedData;
}

export const ACCESS_STREAM_PREFIX = 'access-';
export const ACCESS_SEARCH_STREAM = 'access-search';

/** `access-<caseId>`, or `access-search` for cross-case queries. */
export const accessStreamId = (caseId?: string): string =>
  caseId === undefined ? ACCESS_SEARCH_STREAM : `${ACCESS_STREAM_PREFIX}${caseId}`;
