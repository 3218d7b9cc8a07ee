import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KnownShoppingFlags } from '../../application/opinion-shopping/known-shopping-flags.port.js';
import type { FlagDisposition } from '../../domain/opinion-shopping/flag-review.js';
import type { FlagSeverity, ShoppingRule } from '../../domain/opinion-shopping/opinion-shopping.policy.js';
import type { FlagEvidence } from '../../domain/opinion-shopping/opinion-shopping.rules.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../runner/projection.js';
import { quoteIdentifier } from '../runner/projection-control.js';
import { OPINION_SHOPPING } from './opinion-shopping.projection.js';

export const FLAG_STATUSES = ['open', 'reviewed'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

/** A flag as api.md lists it. */
export interface FlagItem {
  flagId: string;
  rule: ShoppingRule;
  severity: FlagSeverity;
  patientRef: string;
  bodyRegion: string;
  raisedAt: string;
  evidence: FlagEvidence;
  status: FlagStatus;
  disposition?: FlagDisposition;
}

export interface FlagFilter {
  status?: FlagStatus;
  patientRef?: string;
  rule?: ShoppingRule;
}

/** Keyset of the list order (raisedAt, then flagId). */
export interface FlagPosition {
  raisedAt: string;
  flagId: string;
}

interface StoredFlag {
  flag_id: string;
  rule: ShoppingRule;
  severity: FlagSeverity;
  patient_ref: string;
  body_region: string;
  raised_at: Date;
  evidence: FlagEvidence;
  disposition: FlagDisposition | null;
}

/** Flags from the serving generation of the opinion-shopping projection, with their latest review. */
@Injectable()
export class OpinionShoppingQueries implements KnownShoppingFlags {
  constructor(
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
    private readonly dataSource: DataSource,
  ) {}

  async exists(flagId: string): Promise<boolean> {
    const rows = await this.schemas.withActiveSchema(
      OPINION_SHOPPING,
      (schema) =>
        this.dataSource.query(`SELECT 1 FROM ${quoteIdentifier(schema)}.flags WHERE flag_id = $1`, [
          flagId,
        ]) as Promise<unknown[]>,
    );
    return rows.length > 0;
  }

  /** In raisedAt order (then flagId), `limit` at a time after `after`. */
  async list(
    filter: FlagFilter,
    page: { limit: number; after?: FlagPosition },
  ): Promise<{ items: FlagItem[]; next?: FlagPosition }> {
    const clauses: string[] = [];
    const parameters: unknown[] = [];
    const add = (clause: (placeholder: string) => string, value: unknown): void => {
      parameters.push(value);
      clauses.push(clause(`$${parameters.length}`));
    };
    if (filter.status === 'open') clauses.push('r.flag_id IS NULL');
    if (filter.status === 'reviewed') clauses.push('r.flag_id IS NOT NULL');
    if (filter.patientRef !== undefined) add((p) => `f.patient_ref = ${p}`, filter.patientRef);
    if (filter.rule !== undefined) add((p) => `f.rule = ${p}`, filter.rule);
    if (page.after !== undefined) {
      parameters.push(page.after.raisedAt, page.after.flagId);
      clauses.push(
        `(f.raised_at, f.flag_id) > ($${parameters.length - 1}::timestamptz, $${parameters.length})`,
      );
    }
    parameters.push(page.limit + 1);
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const rows = await this.schemas.withActiveSchema(OPINION_SHOPPING, (schema) => {
      const s = quoteIdentifier(schema);
      return this.dataSource.query(
        `SELECT f.flag_id, f.rule, f.severity, f.patient_ref, f.body_region, f.raised_at, f.evidence, r.disposition
         FROM ${s}.flags f LEFT JOIN ${s}.flag_reviews r ON r.flag_id = f.flag_id
         ${where}
         ORDER BY f.raised_at, f.flag_id LIMIT $${parameters.length}`,
        parameters,
      ) as Promise<StoredFlag[]>;
    });
    const items = rows.slice(0, page.limit).map(toItem);
    if (rows.length <= page.limit) return { items };
    const last = items.at(-1)!;
    return { items, next: { raisedAt: last.raisedAt, flagId: last.flagId } };
  }
}

function toItem(row: StoredFlag): FlagItem {
  return {
    flagId: row.flag_id,
    rule: row.rule,
    severity: row.severity,
    patientRef: row.patient_ref,
    bodyRegion: row.body_region,
    raisedAt: row.raised_at.toISOString(),
    evidence: row.evidence,
    status: row.disposition === null ? 'open' : 'reviewed',
    ...(row.disposition !== null && { disposition: row.disposition }),
  };
}
