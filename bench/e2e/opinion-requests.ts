import { READERS } from './fixtures.js';
import { radiologist, type Tokens } from './http.js';
import { type InProcessCommands, type PoolEntry, seedOpinionPool } from './seed.js';

export interface OpinionRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * SubmitOpinion requests over a seeded pool of started reads, each signed by the reader it is
 * assigned to. Every request consumes one assignment, so every one succeeds; the pool is shared by
 * the phase's runs, in order.
 */
export class OpinionRequests {
  private used = 0;
  private bareIndex = 0;

  private constructor(
    readonly pool: PoolEntry[],
    private readonly readerTokens: Map<string, string>,
  ) {}

  /** Enough started reads for `requests` SubmitOpinion requests (two per case). */
  static async seed(commands: InProcessCommands, tokens: Tokens, requests: number): Promise<OpinionRequests> {
    const pool = await seedOpinionPool(commands, Math.ceil(requests / 2));
    const readerTokens = new Map<string, string>();
    for (const reader of READERS) readerTokens.set(reader, await tokens.for(radiologist(reader)));
    return new OpinionRequests(pool, readerTokens);
  }

  /** Cases in the pool. */
  get cases(): number {
    return this.pool.length / 2;
  }

  /** The next unused started read's SubmitOpinion. */
  next(): OpinionRequest {
    if (this.used >= this.pool.length) throw new Error('the pool of started reads is exhausted');
    return this.request(this.pool[this.used++]);
  }

  /**
   * The same request to the bench's bare route (no store), reusing bodies already consumed: it never
   * reads them as assignments.
   */
  bare(): OpinionRequest {
    const entry = this.pool[this.bareIndex++ % this.used];
    return this.request(entry, entry.path.replace('/api/v1/cases/', '/api/v1/bench/cases/'));
  }

  private request(entry: PoolEntry, path = entry.path): OpinionRequest {
    return {
      path,
      headers: {
        authorization: `Bearer ${this.readerTokens.get(entry.readerId)!}`,
        'content-type': 'application/json',
      },
      body: entry.body,
    };
  }
}
