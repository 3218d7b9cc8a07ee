import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KnownShoppingFlags } from '../../application/opinion-shopping/known-shopping-flags.port.js';
import type { Requester } from '../../domain/case/case.events.js';
import type { CaseStatus, Outcome } from '../../domain/case/case.values.js';
import {
  dispositionsLeavingIn,
  type FlagDisposition,
  type FlagStatus,
  type FlagStatusFilter,
  flagStatus,
  STATUSES_OF,
} from '../../domain/opinion-shopping/flag-review.js';
import type { FlagSeverity, ShoppingRule } from '../../domain/opinion-shopping/opinion-shopping.policy.js';
import type { FlagEvidence, ShoppingRequest } from '../../domain/opinion-shopping/opinion-shopping.rules.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../runner/projection.js';
import { quoteIdentifier } from '../runner/projection-control.js';
import { WORKLIST } from '../worklist/worklist.upgrade.js';
import { worklistCases } from '../worklist/worklist.query.js';
import { OPINION_SHOPPING } from './opinion-shopping.projection.js';

/** One committee review, as the flag lists it. */
export interface FlagReview {
  reviewedBy: string;
  disposition: FlagDisposition;
  note: string;
  reviewedAt: string;
}

/** A case of a flag's evidence: what the request said, and where the case stands (from the worklist). */
export interface FlagCase {
  caseId: string;
  patientRef: string;
  studyInstanceUid: string;
  studyDate: string;
  requester: Requester;
  requestedAt: string;
  /** Absent while the worklist has not seen the case yet. */
  status?: CaseStatus;
  consensusAt?: string;
  outcome?: Outcome;
}

/** A flag as docs/api.md lists it. */
export interface FlagItem {
  flagId: string;
  rule: ShoppingRule;
  severity: FlagSeverity;
  patientRef: string;
  bodyRegion: string;
  raisedAt: string;
  evidence: FlagEvidence;
  /** The cases of `evidence.caseIds`, in that order. */
  cases: FlagCase[];
  status: FlagStatus;
  /** The latest review's. */
  disposition?: FlagDisposition;
  /** Every review, oldest first. */
  reviews: FlagReview[];
}

export interface FlagFilter {
  status?: FlagStatusFilter;
  /** The latest review's disposition. */
  disposition?: FlagDisposition;
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

interface StoredReview {
  flag_id: string;
  disposition: FlagDisposition;
  note: string;
  reviewed_by: string;
  reviewed_at: Date;
}

/**
 * Flags from the serving generation of the opinion-shopping projection, with their reviews and the
 * cases behind them (their status from the serving generation of the worklist).
 */
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
    const parameter = (value: unknown): string => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    if (filter.status !== undefined) {
      const statuses = STATUSES_OF[filter.status];
      const dispositions = statuses.flatMap(dispositionsLeavingIn);
      const either = [
        ...(statuses.includes('open') ? ['r.flag_id IS NULL'] : []),
        ...(dispositions.length > 0 ? [`r.disposition = ANY(${parameter(dispositions)}::text[])`] : []),
      ];
      clauses.push(`(${either.join(' OR ')})`);
    }
    if (filter.disposition !== undefined) clauses.push(`r.disposition = ${parameter(filter.disposition)}`);
    if (filter.patientRef !== undefined) clauses.push(`f.patient_ref = ${parameter(filter.patientRef)}`);
    if (filter.rule !== undefined) clauses.push(`f.rule = ${parameter(filter.rule)}`);
    if (page.after !== undefined) {
      clauses.push(
        `(f.raised_at, f.flag_id) > (${parameter(page.after.raisedAt)}::timestamptz, ${parameter(page.after.flagId)})`,
      );
    }
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const limit = parameter(page.limit + 1);
    const { rows, reviews, requests } = await this.schemas.withActiveSchema(
      OPINION_SHOPPING,
      // One snapshot: a review committed between the flags' read and the reviews' would otherwise
      // list a flag with its review but not the status the review gave it.
      (schema) =>
        this.dataSource.transaction('REPEATABLE READ', async (manager) => {
          const s = quoteIdentifier(schema);
          const flags = (await manager.query(
            `SELECT f.flag_id, f.rule, f.severity, f.patient_ref, f.body_region, f.raised_at, f.evidence, r.disposition
         FROM ${s}.flags f LEFT JOIN ${s}.flag_reviews r ON r.flag_id = f.flag_id
         ${where}
         ORDER BY f.raised_at, f.flag_id LIMIT ${limit}`,
            parameters,
          )) as StoredFlag[];
          const listed = flags.slice(0, page.limit);
          const flagIds = listed.map((flag) => flag.flag_id);
          const caseIds = [...new Set(listed.flatMap((flag) => flag.evidence.caseIds))];
          const storedReviews = (await manager.query(
            `SELECT flag_id, disposition, note, reviewed_by, reviewed_at FROM ${s}.flag_review_log
          WHERE flag_id = ANY($1::text[]) ORDER BY flag_id, revision`,
            [flagIds],
          )) as StoredReview[];
          const storedRequests = (await manager.query(
            `SELECT request FROM ${s}.cases WHERE case_id = ANY($1::uuid[])`,
            [caseIds],
          )) as Array<{ request: ShoppingRequest }>;
          return { rows: flags, reviews: storedReviews, requests: storedRequests.map((row) => row.request) };
        }),
    );
    const listed = rows.slice(0, page.limit);
    const caseIds = requests.map((request) => request.caseId);
    const worklist = await this.schemas.withActiveSchema(WORKLIST, (schema) =>
      worklistCases((sql, values) => this.dataSource.query(sql, values), schema, caseIds),
    );
    const reviewsOf = new Map<string, FlagReview[]>();
    for (const review of reviews) {
      const list = reviewsOf.get(review.flag_id) ?? [];
      list.push({
        reviewedBy: review.reviewed_by,
        disposition: review.disposition,
        note: review.note,
        reviewedAt: review.reviewed_at.toISOString(),
      });
      reviewsOf.set(review.flag_id, list);
    }
    const cases = new Map(
      requests.map((request): [string, FlagCase] => {
        const known = worklist.get(request.caseId);
        return [
          request.caseId,
          {
            caseId: request.caseId,
            patientRef: request.patientRef,
            studyInstanceUid: request.study.studyInstanceUid,
            studyDate: request.study.studyDate,
            requester: request.requester,
            // The projection stores occurredAt as the audit trail does: a UTC ISO instant.
            requestedAt: request.occurredAt,
            ...(known && { status: known.status }),
            ...(known?.consensusAt && { consensusAt: known.consensusAt }),
            ...(known?.outcome && { outcome: known.outcome }),
          },
        ];
      }),
    );
    const items = listed.map((row): FlagItem => ({
      flagId: row.flag_id,
      rule: row.rule,
      severity: row.severity,
      patientRef: row.patient_ref,
      bodyRegion: row.body_region,
      raisedAt: row.raised_at.toISOString(),
      evidence: row.evidence,
      cases: row.evidence.caseIds.flatMap((caseId) => cases.get(caseId) ?? []),
      status: flagStatus(row.disposition ?? undefined),
      ...(row.disposition !== null && { disposition: row.disposition }),
      reviews: reviewsOf.get(row.flag_id) ?? [],
    }));
    if (rows.length <= page.limit) return { items };
    const last = items.at(-1)!;
    return { items, next: { raisedAt: last.raisedAt, flagId: last.flagId } };
  }
}
