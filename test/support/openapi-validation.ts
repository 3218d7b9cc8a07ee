import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Operation, ValidationContext } from 'openapi-backend';

/**
 * Every request the end-to-end tests send through their HTTP helpers, and every answer, checked
 * against the OpenAPI document the engine serves (/openapi.json, read once per app) with
 * openapi-backend: a request must match a documented operation and its parameters, headers and
 * body; an answer must have a documented status, a documented content type and a body its schema
 * accepts. A violation throws, failing the test that sent the request.
 */

/** What a test declares about the request it sends. */
export interface ValidationOptions {
  /**
   * The request breaks the document on purpose (to check a 4xx): it is not validated, but its
   * answer must still be a documented 4xx.
   */
  invalidOnPurpose?: boolean;
  /**
   * Generated or hostile input (the fuzz, the authorisation matrix's probes): the request may or may
   * not follow the document and is not validated; its answer, whatever its status, must be
   * documented for the operation.
   */
  hostileInput?: boolean;
}

/** Only what a caller declared, so a spread of options never carries unrelated keys. */
export const validationOptionsOf = (options: ValidationOptions): ValidationOptions => ({
  ...(options.invalidOnPurpose !== undefined && { invalidOnPurpose: options.invalidOnPurpose }),
  ...(options.hostileInput !== undefined && { hostileInput: options.hostileInput }),
});

/** One request and its answer, as sent and received. */
export interface Exchange {
  method: string;
  /** Path and query string, as sent. */
  path: string;
  headers: Record<string, string>;
  /** The body as sent (JSON text, or bytes decoded as UTF-8). */
  body?: string;
  status: number;
  responseHeaders: Headers;
  responseText: string;
}

/**
 * What the engine serves outside its API, and so outside the document, unless the document names
 * it: the document itself and its viewer, the web app's pages and assets, and the FHIR facade
 * (application/fhir+json, described by its own CapabilityStatement).
 */
const OUTSIDE_THE_DOCUMENT: readonly RegExp[] = [
  /^\/openapi\.json$/,
  /^\/docs(\/|$)/,
  /^\/app(\/|$)/,
  /^\/fhir\//,
];

const mediaTypeOf = (contentType: string | null): string | undefined =>
  contentType?.split(';')[0]?.trim().toLowerCase() || undefined;

const isJson = (mediaType: string): boolean =>
  mediaType === 'application/json' || mediaType.endsWith('+json');

interface ResponseObject {
  content?: Record<string, { schema?: object }>;
}

class DocumentValidator {
  private readonly responseValidators = new Map<string, ValidateFunction>();
  private readonly ajv: ReturnType<OpenAPIBackend['validator']['getAjv']>;

  private constructor(private readonly api: OpenAPIBackend) {
    this.ajv = api.validator.getAjv(ValidationContext.Response);
  }

  static async load(baseUrl: string): Promise<DocumentValidator> {
    const response = await fetch(`${baseUrl}/openapi.json`);
    if (!response.ok)
      throw new Error(`${baseUrl}/openapi.json answered ${response.status}: no document to validate against`);
    const api = new OpenAPIBackend({
      definition: (await response.json()) as never,
      strict: true,
      validate: true,
      // Validators compiled as operations are first met (a file touches a few of them), and no
      // check of the document itself: Redocly lints it (openapi-lint.e2e.spec.ts).
      quick: true,
      customizeAjv: (ajv) => {
        // uuid, date, date-time …: openapi-backend alone checks only the OAS number formats.
        addFormats.default(ajv);
        return ajv;
      },
    });
    await api.init();
    return new DocumentValidator(api);
  }

  /** What is wrong with this exchange, as sentences; none when it follows the document. */
  violations(exchange: Exchange, options: ValidationOptions): string[] {
    // The path as fetch puts it on the wire: dot segments resolved, characters escaped.
    const sent = new URL(exchange.path, 'http://engine.invalid');
    const path = sent.pathname;
    const query = sent.search.slice(1);
    const method = exchange.method.toLowerCase();
    const headers = Object.fromEntries(
      Object.entries(exchange.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const operation = this.api.router.matchOperation({ method, path, query, headers });
    if (!operation) {
      if (OUTSIDE_THE_DOCUMENT.some((pattern) => pattern.test(path))) return [];
      const unchecked = options.invalidOnPurpose === true || options.hostileInput === true;
      return unchecked && exchange.status >= 400 && exchange.status < 500
        ? []
        : ['the document has no operation for this method and path'];
    }
    const found: string[] = [];
    if (!options.invalidOnPurpose && !options.hostileInput)
      found.push(...this.requestViolations(operation, exchange, path, query, headers));
    found.push(...this.responseViolations(operation, exchange, options));
    return found;
  }

  private requestViolations(
    operation: Operation,
    exchange: Exchange,
    path: string,
    query: string,
    headers: Record<string, string>,
  ): string[] {
    const found: string[] = [];
    let body: unknown = exchange.body;
    if (exchange.body !== undefined) {
      const mediaType = mediaTypeOf(headers['content-type'] ?? null);
      const accepted = Object.keys((operation.requestBody as ResponseObject | undefined)?.content ?? {});
      if (mediaType === undefined || !accepted.includes(mediaType)) {
        found.push(
          `request: a body of type ${mediaType ?? '(none)'}; the operation accepts ${accepted.join(', ') || 'no body'}`,
        );
      } else if (isJson(mediaType)) {
        try {
          body = JSON.parse(exchange.body);
        } catch {
          found.push('request: the body is not JSON');
        }
      }
    }
    const result = this.api.validator.validateRequest(
      { method: exchange.method.toLowerCase(), path, query, headers, body },
      operation,
    );
    for (const error of result.errors ?? []) {
      found.push(
        `request: ${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`,
      );
    }
    return found;
  }

  private responseViolations(operation: Operation, exchange: Exchange, options: ValidationOptions): string[] {
    const { status } = exchange;
    if (options.invalidOnPurpose && (status < 400 || status >= 500)) {
      return [`a request sent invalid on purpose was answered ${status}, not a 4xx`];
    }
    const responses = (operation.responses ?? {}) as Record<string, ResponseObject>;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find(
      (candidate) => responses[candidate],
    );
    if (key === undefined)
      return [`status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
    const documented = responses[key]!.content ?? {};
    const mediaType = mediaTypeOf(exchange.responseHeaders.get('content-type'));
    const hasBody = exchange.responseText !== '' && exchange.method.toUpperCase() !== 'HEAD';
    if (!hasBody) return [];
    if (mediaType === undefined || documented[mediaType] === undefined) {
      return [
        `response: content type ${mediaType ?? '(none)'} is not documented for ${key} (documented: ${Object.keys(documented).join(', ') || 'no body'})`,
      ];
    }
    const schema = documented[mediaType].schema;
    if (!isJson(mediaType) || schema === undefined) return [];
    let body: unknown;
    try {
      body = JSON.parse(exchange.responseText);
    } catch {
      return [`response: the ${mediaType} body is not JSON`];
    }
    const cacheKey = `${operation.operationId} ${key} ${mediaType}`;
    const validate = this.responseValidators.get(cacheKey) ?? this.ajv.compile(schema);
    this.responseValidators.set(cacheKey, validate);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `response: ${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`,
    );
  }
}

const validators = new Map<string, Promise<DocumentValidator>>();

/** Throws, naming method, path, status and every violation, when the exchange breaks the document. */
export async function checkAgainstDocument(
  baseUrl: string,
  exchange: Exchange,
  options: ValidationOptions = {},
): Promise<void> {
  let validator = validators.get(baseUrl);
  if (!validator) {
    validator = DocumentValidator.load(baseUrl);
    validators.set(baseUrl, validator);
  }
  const violations = (await validator).violations(exchange, options);
  if (violations.length > 0) {
    throw new OpenApiViolation(
      `${exchange.method} ${exchange.path} → ${exchange.status} breaks the OpenAPI document:\n` +
        violations.map((violation) => `  - ${violation}`).join('\n') +
        `\n  answer: ${exchange.responseText.slice(0, 500)}`,
    );
  }
}

export class OpenApiViolation extends Error {
  override name = 'OpenApiViolation';
}

/** For a request a test sends invalid on purpose: `api.post(path, body, as, {}, INVALID_ON_PURPOSE)`. */
export const INVALID_ON_PURPOSE: ValidationOptions = Object.freeze({ invalidOnPurpose: true });
