import type { FastifyInstance } from 'fastify';
import { ProblemException } from './problem/problem-exception.js';

export const BODY_LIMIT_BYTES = 256 * 1024;
export const MAX_JSON_DEPTH = 32;

// ignoreBOM keeps a byte-order mark in the text: fastify's secure parser drops exactly one, so a
// body that starts with two (the second one is not JSON) is refused rather than accepted.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Nesting depth of a JSON text, scanned without parsing: deep bodies are refused before
 * JSON.parse and class-transformer recurse over them (class-transformer overflows its stack).
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) depth--;
  }
  return false;
}

/**
 * Replaces fastify's JSON parser: strict UTF-8 (invalid bytes are refused, not replaced), the
 * nesting limit, and fastify's own secure parser (which refuses `__proto__` and `constructor.prototype`).
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const secureParse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  // fastify also parses text/plain by default; docs/api.md accepts application/json only (else 415).
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES },
    (request, body: Buffer, done) => {
      let text: string;
      try {
        text = strictUtf8.decode(body);
      } catch {
        done(new ProblemException(400, 'invalid-body', 'The body is not valid UTF-8.'), undefined);
        return;
      }
      if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
        done(
          new ProblemException(
            400,
            'invalid-body',
            `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
          ),
          undefined,
        );
        return;
      }
      if (text.trim() === '') {
        done(new ProblemException(400, 'invalid-body', 'The body is empty; send a JSON object.'), undefined);
        return;
      }
      secureParse(request, text, (error, parsed) => {
        if (error)
          done(
            new ProblemException(400, 'invalid-body', `The body is not valid JSON: ${error.message}`),
            undefined,
          );
        else done(null, parsed);
      });
    },
  );
}
