import { createHash, randomUUID } from 'node:crypto';

/**
 * Ids a command generates (event ids, assignment/opinion/case ids). With an Idempotency-Key they
 * are derived from (caller, key, purpose), so a retry after a crash between the append and the
 * stored response produces the very same ids and the store recognises the events it already has.
 */
export class CommandIds {
  private readonly random = new Map<string, string>();

  constructor(private readonly idempotencyScope?: string) {}

  get deterministic(): boolean {
    return this.idempotencyScope !== undefined;
  }

  idFor(purpose: string): string {
    if (this.idempotencyScope === undefined) {
      let id = this.random.get(purpose);
      if (!id) {
        id = randomUUID();
        this.random.set(purpose, id);
      }
      return id;
    }
    return uuidFromDigest(
      createHash('sha256').update(this.idempotencyScope).update('\u0000').update(purpose).digest(),
    );
  }

  eventId(index: number): string {
    return this.idFor(`event:${index}`);
  }
}

/** An RFC 9562 version-8 (custom) UUID from the first 16 bytes of a digest. */
function uuidFromDigest(digest: Buffer): string {
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
