import type { DataSource } from 'typeorm';
import { presentFields } from '../../../domain/kernel/present-fields.js';
import type { Position } from '../../../application/ports/event-store.port.js';
import type {
  DeliveryAttempt,
  DeliveryCursor,
  DeliveryLog,
} from '../../../application/webhook/delivery/webhook-delivery.ports.js';

interface AttemptRow {
  seq: string;
  delivery_id: string;
  endpoint_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  stream_id: string;
  stream_revision: string;
  position: string;
  attempt: number;
  trigger: 'automatic' | 'manual';
  attempted_at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  delivered: boolean;
  next_attempt_at: Date | null;
}

/** A logged attempt with its place in the log's order (the paging cursor). */
export type LoggedAttempt = DeliveryAttempt & { seq: string };

const MAX_ERROR_LENGTH = 500;

const fromRow = (row: AttemptRow): LoggedAttempt => ({
  seq: String(row.seq),
  deliveryId: row.delivery_id,
  endpointId: row.endpoint_id,
  webhookId: row.webhook_id,
  eventId: row.event_id,
  eventType: row.event_type,
  streamId: row.stream_id,
  streamRevision: Number(row.stream_revision),
  position: row.position as Position,
  attempt: row.attempt,
  trigger: row.trigger,
  attemptedAt: row.attempted_at,
  ...presentFields({ statusCode: row.status_code, error: row.error }),
  durationMs: row.duration_ms,
  delivered: row.delivered,
  ...(row.next_attempt_at !== null && { nextAttemptAt: row.next_attempt_at }),
});

/** The delivery cursors and the delivery log in PostgreSQL (schema `webhook_delivery`). */
export class PostgresDeliveryLog implements DeliveryLog {
  constructor(private readonly dataSource: DataSource) {}

  async cursor(endpointId: string, start: Position): Promise<DeliveryCursor> {
    await this.dataSource.query(
      `INSERT INTO webhook_delivery.cursors (endpoint_id, checkpoint) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [endpointId, start],
    );
    const rows = (await this.dataSource.query(
      `SELECT checkpoint, failing_since FROM webhook_delivery.cursors WHERE endpoint_id = $1`,
      [endpointId],
    )) as Array<{ checkpoint: string | null; failing_since: Date | null }>;
    const row = rows[0];
    return {
      ...(row?.checkpoint != null && { checkpoint: row.checkpoint as Position }),
      ...(row?.failing_since != null && { failingSince: row.failing_since }),
    };
  }

  async advance(endpointId: string, from: Position | undefined, to: Position): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE webhook_delivery.cursors
       SET checkpoint = $3, failing_since = NULL, last_error = NULL, updated_at = now()
       WHERE endpoint_id = $1 AND checkpoint IS NOT DISTINCT FROM $2`,
      [endpointId, from ?? null, to],
    )) as [unknown, number];
    return affected === 1;
  }

  async failing(endpointId: string, at: Date, error: string): Promise<Date> {
    const rows = (await this.dataSource.query(
      `UPDATE webhook_delivery.cursors
       SET failing_since = COALESCE(failing_since, $2), last_error = $3, updated_at = now()
       WHERE endpoint_id = $1
       RETURNING failing_since`,
      [endpointId, at, error.slice(0, MAX_ERROR_LENGTH)],
    )) as [Array<{ failing_since: Date }>, number];
    return rows[0][0]?.failing_since ?? at;
  }

  async record(attempt: DeliveryAttempt): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO webhook_delivery.attempts
         (delivery_id, endpoint_id, webhook_id, event_id, event_type, stream_id, stream_revision, position,
          attempt, trigger, attempted_at, status_code, error, duration_ms, delivered, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        attempt.deliveryId,
        attempt.endpointId,
        attempt.webhookId,
        attempt.eventId,
        attempt.eventType,
        attempt.streamId,
        attempt.streamRevision,
        attempt.position,
        attempt.attempt,
        attempt.trigger,
        attempt.attemptedAt,
        attempt.statusCode ?? null,
        attempt.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
        attempt.durationMs,
        attempt.delivered,
        attempt.nextAttemptAt ?? null,
      ],
    );
  }

  async attempts(endpointId: string, webhookId: string): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT COALESCE(max(attempt), 0) AS attempts FROM webhook_delivery.attempts WHERE endpoint_id = $1 AND webhook_id = $2`,
      [endpointId, webhookId],
    )) as Array<{ attempts: number }>;
    return Number(rows[0]?.attempts ?? 0);
  }

  /** Newest first; `before` is the seq of the last row of the previous page. */
  async page(endpointId: string, options: { limit: number; before?: string }): Promise<LoggedAttempt[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM webhook_delivery.attempts
       WHERE endpoint_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint)
       ORDER BY seq DESC LIMIT $3`,
      [endpointId, options.before ?? null, options.limit],
    )) as AttemptRow[];
    return rows.map(fromRow);
  }

  async find(endpointId: string, deliveryId: string): Promise<LoggedAttempt | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM webhook_delivery.attempts WHERE endpoint_id = $1 AND delivery_id = $2`,
      [endpointId, deliveryId],
    )) as AttemptRow[];
    return rows[0] && fromRow(rows[0]);
  }
}
