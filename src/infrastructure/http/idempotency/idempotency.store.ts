import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'reused' }
  | { kind: 'in-progress' };

/** How long keys are kept (docs/api.md: at least 24 h). */
const RETENTION_HOURS = 48;
/** A claim older than this belonged to a request that died; a retry may take it over. */
const STALE_CLAIM_SECONDS = 30;

/**
 * Idempotency keys, scoped to the caller, in the read-model database. A request first claims its
 * key (atomically, with its request hash); the response is stored when it succeeds. The events
 * themselves are protected by ids derived from the key (CommandIds), so even a crash between the
 * append and storing the response cannot duplicate them.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnApplicationShutdown {
  private purgeTimer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.purge().catch(() => undefined), 3_600_000);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  async claim(scope: string, key: string, requestHash: string): Promise<Claim> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (scope, key) DO NOTHING RETURNING 1`,
      [scope, key, requestHash],
    );
    if (inserted.length === 1) return { kind: 'claimed' };
    const rows: Array<{
      request_hash: string;
      status: number | null;
      headers: Record<string, string> | null;
      body: string | null;
      stale: boolean;
    }> = await this.dataSource.query(
      `SELECT request_hash, status, headers, body,
                claimed_at < now() - make_interval(secs => $3) AS stale
           FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key, STALE_CLAIM_SECONDS],
    );
    const row = rows[0];
    if (!row) return this.claim(scope, key, requestHash); // released meanwhile
    if (row.request_hash !== requestHash) return { kind: 'reused' };
    if (row.status !== null && row.body !== null) {
      return { kind: 'replay', response: { status: row.status, headers: row.headers ?? {}, body: row.body } };
    }
    if (row.stale) {
      const taken: unknown[] = await this.dataSource.query(
        `UPDATE idempotency_keys SET claimed_at = now()
          WHERE scope = $1 AND key = $2 AND status IS NULL AND claimed_at < now() - make_interval(secs => $3)
          RETURNING 1`,
        [scope, key, STALE_CLAIM_SECONDS],
      );
      if (taken.length === 1) return { kind: 'claimed' };
    }
    return { kind: 'in-progress' };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status = $3, headers = $4, body = $5, completed_at = now()
        WHERE scope = $1 AND key = $2`,
      [scope, key, response.status, JSON.stringify(response.headers), response.body],
    );
  }

  /** A failed request wrote nothing: free its key so a corrected retry can use it. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL`,
      [scope, key],
    );
  }

  async purge(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE claimed_at < now() - make_interval(hours => $1)`,
      [RETENTION_HOURS],
    );
  }
}
