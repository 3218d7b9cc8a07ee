import { randomUUID } from 'node:crypto';

const CORRELATION_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** `X-Correlation-Id` is accepted when it is a plain token of at most 128 characters; otherwise one is generated. */
export function correlationIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
}
