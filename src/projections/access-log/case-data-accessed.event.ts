/**
 * `CaseDataAccessed` (docs/projections.md "Access log"): a person read case data, its history or its
 * audit trail. Appended to a stream of its own, never to the case stream, so a read changes no
 * case revision, ETag or hash chain.
 */
export const CASE_DATA_ACCESSED = 'CaseDataAccessed';

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
] as const;
export type AccessedResource = (typeof ACCESSED_RESOURCES)[number];

export interface CaseDataAccessedData {
  caseId?: string;
  resource: AccessedResource;
  actorId: string;
  ip: string;
  userAgent: string;
}

export const ACCESS_STREAM_PREFIX = 'access-';
export const ACCESS_SEARCH_STREAM = 'access-search';

/** `access-<caseId>`, or `access-search` for cross-case queries. */
export const accessStreamId = (caseId?: string): string =>
  caseId === undefined ? ACCESS_SEARCH_STREAM : `${ACCESS_STREAM_PREFIX}${caseId}`;
