import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

interface CounterRow {
  hits: number;
  ttl_ms: number;
}

/**
 * One hit on a bucket, atomically: a new bucket, or one whose window has run out, starts a window
 * now with 1; otherwise its count goes up. The database's clock decides, so instances whose clocks
 * differ still share one window. `$2` is the window in milliseconds.
 */
const HIT = `
  INSERT INTO rate_limit_counters AS counter (key, window_start, hits) VALUES ($1, now(), 1)
  ON CONFLICT (key) DO UPDATE SET
    window_start = CASE WHEN counter.window_start > now() - $2::float8 * interval '1 millisecond'
                        THEN counter.window_start ELSE now() END,
    hits         = CASE WHEN counter.window_start > now() - $2::float8 * interval '1 millisecond'
                        THEN counter.hits + 1 ELSE 1 END
  RETURNING hits,
            ceil(extract(epoch FROM window_start + $2::float8 * interval '1 millisecond' - now()) * 1000)::integer AS ttl_ms`;

/** Buckets whose window ended; a hit racing the delete either resets the row first or inserts anew. */
const SWEEP = `DELETE FROM rate_limit_counters WHERE window_start <= now() - $1::float8 * interval '1 millisecond'`;

/**
 * @fastify/rate-limit's store over the read-model database (table `rate_limit_counters`), so every
 * instance on that database counts against the same budgets. Each instance deletes expired rows at
 * most once a window, on a hit, without waiting for it.
 */
export class PostgresRateLimitStore implements FastifyRateLimitStore {
  private readonly logger = new Logger('RateLimit');
  private lastSweepMs = 0;
  private lastFailureLoggedMs = 0;

  private constructor(private readonly dataSource: () => DataSource) {}

  /** The constructor the plugin's `store` option takes; the DataSource is looked up on first use. */
  static over(dataSource: () => DataSource): FastifyRateLimitStoreCtor {
    return class extends PostgresRateLimitStore {
      constructor() {
        super(dataSource);
      }
    };
  }

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    this.hit(key, timeWindow).then(
      (result) => callback(null, result),
      (error: unknown) => callback(this.failed(error, timeWindow)),
    );
  }

  /** Routes share the one table: keys already say whose budget they are. */
  child(): FastifyRateLimitStore {
    return this;
  }

  private async hit(key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
    const rows: CounterRow[] = await this.dataSource().query(HIT, [key, windowMs]);
    const row = rows[0];
    if (!row) throw new Error('the rate-limit counter upsert returned no row');
    this.sweepNow(windowMs);
    return { current: row.hits, ttl: Math.max(0, row.ttl_ms) };
  }

  private sweepNow(windowMs: number): void {
    const now = Date.now();
    if (now - this.lastSweepMs < windowMs) return;
    this.lastSweepMs = now;
    this.dataSource()
      .query(SWEEP, [windowMs])
      .catch((error: unknown) => this.failed(error, windowMs));
  }

  /** The limiter lets requests through while the counters are unreachable; said once a window, not per request. */
  private failed(error: unknown, windowMs: number): Error {
    const cause = error instanceof Error ? error : new Error(String(error));
    const now = Date.now();
    if (now - this.lastFailureLoggedMs >= windowMs) {
      this.lastFailureLoggedMs = now;
      this.logger.error(
        { err: cause },
        'Rate-limit counters are unreachable in the read-model database; requests are not limited meanwhile',
      );
    }
    return cause;
  }
}
