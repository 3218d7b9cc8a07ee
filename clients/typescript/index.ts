/**
 * A typed client of the engine's REST API for TypeScript integrators: openapi-fetch over the types
 * `npm run build:client` generates from the engine's own OpenAPI document (generated/schema.d.ts),
 * so a path, parameter, body or response the engine does not have is a compile error.
 *
 * Beside openapi-fetch's `GET`/`POST`: the bearer token on every request; `command()`, a POST
 * with an Idempotency-Key (and If-Match when given) whose body is checked exactly against the
 * document (openapi-fetch infers its body type from the argument, so an unknown field would pass);
 * ok(), which returns a success's body and ETag or throws an EngineProblem holding the engine's
 * problem+json; commandHeaders() for the same headers on a plain POST.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './generated/schema.js';

export type { components, paths };

/** The POST operation of a path (openapi-typescript writes `post?: never` where there is none). */
type PostOf<Path extends keyof paths> = paths[Path] extends { post: infer Operation } ? Operation : never;
/** Every path that takes a command (POST). */
export type CommandPath = {
  [Path in keyof paths]: [PostOf<Path>] extends [never] ? never : Path;
}[keyof paths];
type JsonContent<Part> = Part extends { content: { 'application/json': infer Body } } ? Body : undefined;
/** The JSON body a command takes (undefined where it takes none; `| undefined` where it may be left out). */
export type CommandBody<Path extends CommandPath> =
  PostOf<Path> extends { requestBody: infer Body }
    ? JsonContent<Body>
    : PostOf<Path> extends { requestBody?: infer Body }
      ? JsonContent<Body> | undefined
      : undefined;
/** What a command answers on success. */
export type CommandAnswer<Path extends CommandPath> =
  PostOf<Path> extends { responses: infer Responses }
    ? JsonContent<Responses[Extract<keyof Responses, 200 | 201 | 202>]>
    : never;
type PathParameters<Path extends CommandPath> =
  PostOf<Path> extends { parameters: { path: infer Parameters } } ? Parameters : undefined;

export type CommandInit<Path extends CommandPath> = CommandHeaderOptions & {
  body: CommandBody<Path>;
} & ([PathParameters<Path>] extends [undefined] ? { path?: undefined } : { path: PathParameters<Path> });

export interface EngineClient extends Client<paths> {
  /**
   * POSTs a command with an Idempotency-Key (a new one unless given) and If-Match when given: its
   * answer and ETag, or an EngineProblem.
   */
  command<Path extends CommandPath>(
    path: Path,
    init: CommandInit<Path>,
  ): Promise<Success<CommandAnswer<Path>>>;
}

/** An RFC 9457 problem as the engine answers every error; `code` is stable, `detail` is for people. */
export type Problem = components['schemas']['ProblemDto'];

/** The caller's bearer token, or a function that gives the current one (e.g. after a fresh sign-in). */
export type TokenSource = string | (() => string | Promise<string>);

export interface EngineClientOptions {
  /** Another fetch (a test's, a proxy's); default globalThis.fetch. */
  fetch?: ClientOptions['fetch'];
}

/** A client that calls the engine at `baseUrl` (e.g. `http://localhost:3000`) as the token's subject. */
export function createEngineClient(
  baseUrl: string,
  token: TokenSource,
  options: EngineClientOptions = {},
): EngineClient {
  const client = createClient<paths>({ baseUrl, fetch: options.fetch });
  client.use({
    async onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${typeof token === 'string' ? token : await token()}`);
      return request;
    },
  });
  return Object.assign(client, {
    command<Path extends CommandPath>(path: Path, init: CommandInit<Path>) {
      // The types above are the contract; openapi-fetch's own generics cannot follow a generic path.
      const request = { params: { path: init.path, header: commandHeaders(init) }, body: init.body };
      return ok(client.POST(path, request as never) as Promise<Outcome>) as Promise<
        Success<CommandAnswer<Path>>
      >;
    },
  });
}

/** A new Idempotency-Key: keep it to send the same command again after a time-out or a 503. */
export const newIdempotencyKey = (): string => globalThis.crypto.randomUUID();

export interface CommandHeaderOptions {
  /** Default: a new one. Resending a command with its first key answers the first response again. */
  idempotencyKey?: string;
  /** An ETag the engine answered (`"<revision>"`): the command is refused with 412 if the case moved on since. */
  ifMatch?: string;
}

/** The headers of a command (`params: { header: commandHeaders() }`): Idempotency-Key, and If-Match when given. */
export function commandHeaders({
  idempotencyKey = newIdempotencyKey(),
  ifMatch,
}: CommandHeaderOptions = {}): {
  'Idempotency-Key': string;
  'If-Match'?: string;
} {
  return { 'Idempotency-Key': idempotencyKey, ...(ifMatch !== undefined && { 'If-Match': ifMatch }) };
}

/** An error answer of the engine: its status and, when it was problem+json, the problem. */
export class EngineProblem extends Error {
  override readonly name = 'EngineProblem';

  constructor(
    readonly status: number,
    /** Absent when the body was not a problem (e.g. a proxy's error page in front of the engine). */
    readonly problem: Problem | undefined,
    readonly response: Response,
  ) {
    super(problem ? `${status} ${problem.code}: ${problem.detail}` : `${status} ${response.statusText}`);
  }

  /** The problem's stable code (`already-submitted`, `precondition-failed`, …). */
  get code(): string | undefined {
    return this.problem?.code;
  }
}

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as Record<string, unknown>).code === 'string' &&
  typeof (body as Record<string, unknown>).status === 'number';

/** What openapi-fetch resolves to: a success's data, or an error answer's body. */
type Outcome = { data?: unknown; error?: unknown; response: Response };
/** The data of the success branch (the error branch has `data?: never`). */
type DataOf<O> = O extends { data: infer Data; error?: never } ? Data : never;

export interface Success<Data> {
  data: Data;
  /** The ETag (`"<revision>"`, on commands and `GET /api/v1/cases/{caseId}`): send it back as If-Match. */
  etag: string | undefined;
  response: Response;
}

/** The success of a call, or an EngineProblem for an error answer. */
export async function ok<O extends Outcome>(pending: Promise<O>): Promise<Success<DataOf<O>>> {
  const outcome = await pending;
  const { response } = outcome;
  if (!response.ok) {
    throw new EngineProblem(response.status, isProblem(outcome.error) ? outcome.error : undefined, response);
  }
  return { data: outcome.data as DataOf<O>, etag: response.headers.get('etag') ?? undefined, response };
}
