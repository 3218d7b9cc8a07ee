import { parse as parseContentType } from 'content-type';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type JSONPath, visit } from 'jsonc-parser';
import { ProblemException } from './problem/problem-exception.js';

export const BODY_LIMIT_BYTES = 256 * 1024;
export const MAX_JSON_DEPTH = 32;
/** JSON, and FHIR's JSON (accepted on /fhir only: fhir/fhir-http.ts). */
const JSON_TYPES = ['application/json', 'application/fhir+json'];

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

/** A key path as the validation errors name fields: `findings[1].code`, `["a.b"]` for a key that is not a name. */
function keyPath(path: JSONPath): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : /^[A-Za-z_$][\w$]*$/.test(segment)
          ? `${index === 0 ? '' : '.'}${segment}`
          : `[${JSON.stringify(segment)}]`,
    )
    .join('');
}

/**
 * Paths of the keys that occur more than once in one object of a JSON text (which JSON.parse
 * would silently resolve to the last), in the order of the text.
 */
export function duplicateKeyPaths(text: string): string[] {
  const objects: Array<Set<string>> = [];
  const duplicates: string[] = [];
  visit(text.replace(/^\uFEFF/, ''), {
    onObjectBegin: () => {
      objects.push(new Set());
    },
    onObjectEnd: () => {
      objects.pop();
    },
    onObjectProperty: (property, _offset, _length, _line, _character, pathSupplier) => {
      const keys = objects[objects.length - 1];
      if (keys?.has(property)) duplicates.push(keyPath([...pathSupplier(), property]));
      else keys?.add(property);
    },
  });
  return duplicates;
}

/** Whether a charset label names UTF-8 by the WHATWG Encoding Standard (`utf-8`, `UTF8`, …). */
function isUtf8Label(label: string): boolean {
  try {
    return new TextDecoder(label).encoding === 'utf-8';
  } catch {
    return false;
  }
}

/**
 * A JSON body in another character set is refused before it is read (415, ahead of 413), rather
 * than decoded as UTF-8 against what the client declared.
 */
function refuseForeignCharset(request: FastifyRequest): void {
  const header = request.headers['content-type'];
  if (header === undefined || request.method === 'GET' || request.method === 'HEAD') return;
  const { type, parameters } = parseContentType(header);
  const charset = parameters.charset;
  if (!JSON_TYPES.includes(type) || charset === undefined || isUtf8Label(charset)) return;
  throw new ProblemException(
    415,
    'unsupported-media-type',
    `The body is declared as charset=${charset}; send JSON in UTF-8 (charset=utf-8, or no charset).`,
  );
}

/**
 * Replaces fastify's JSON parser: strict UTF-8 (invalid bytes are refused, not replaced), the
 * nesting limit, fastify's own secure parser (which refuses `__proto__` and `constructor.prototype`),
 * no key twice in one object, and no charset but UTF-8.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (request) => {
    refuseForeignCharset(request);
  });
  const secureParse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  // fastify also parses text/plain by default; docs/api.md accepts application/json only (else 415).
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    JSON_TYPES,
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
        else {
          const duplicates = duplicateKeyPaths(text);
          if (duplicates.length === 0) done(null, parsed);
          else
            done(
              new ProblemException(
                400,
                'duplicate-key',
                `The JSON body repeats the key ${duplicates[0]} in one object; send each key once.`,
                {
                  errors: duplicates.map((field) => ({ field, message: `${field} appears more than once` })),
                },
              ),
              undefined,
            );
        }
      });
    },
  );
}
