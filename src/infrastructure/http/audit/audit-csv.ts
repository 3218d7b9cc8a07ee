import Negotiator from 'negotiator';
import { stringify } from 'csv-stringify/sync';
import type { FastifyRequest } from 'fastify';
import type { AuditTrailItem } from '../../../projections/audit-trail/audit-trail.queries.js';

/** The CSV export's columns, in this order (docs/projections.md "Audit trail"). */
export const AUDIT_CSV_COLUMNS = [
  'position',
  'caseId',
  'revision',
  'accessSequence',
  'eventId',
  'type',
  'occurredAt',
  'recordedAt',
  'actorId',
  'actorRole',
  'onBehalfOf',
  'correlationId',
  'causationId',
  'hash',
  'summary',
  'data',
] as const;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export function wantsCsv(request: FastifyRequest): boolean {
  // CSV only when the client prefers it to JSON (`text/csv;q=0` is a refusal, not a request).
  return new Negotiator(request).mediaType(['application/json', 'text/csv']) === 'text/csv';
}

export interface AuditCsvOptions {
  /** Every cell exactly as stored, for tools; otherwise safe to open in a spreadsheet. */
  raw: boolean;
}

/**
 * A header row, then one row per item; `data` as JSON text; fields quoted where they need it (RFC
 * 4180, CRLF). Unless `raw`, a cell that a spreadsheet would run as a formula (OWASP "CSV injection":
 * one beginning with =, +, -, @, tab or carriage return, or their full-width forms) gets a leading '.
 */
export function auditTrailCsv(
  items: readonly AuditTrailItem[],
  { raw }: AuditCsvOptions = { raw: false },
): string {
  const records = items.map((item) => {
    const record: Record<string, string | number> = {};
    for (const column of AUDIT_CSV_COLUMNS) {
      const value = column === 'data' ? JSON.stringify(item.data) : item[column];
      record[column] = value ?? '';
    }
    return record;
  });
  return stringify(records, {
    header: true,
    columns: AUDIT_CSV_COLUMNS.map((key) => ({ key })),
    record_delimiter: 'windows',
    escape_formulas: !raw,
  });
}
