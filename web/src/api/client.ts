/** RFC 9457 problem details, as the engine answers every error. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: Array<{ field?: string; message?: string }>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `The engine answered ${status}.`);
    this.name = 'ApiError';
  }
}

/** The engine's answer to a signature whose sign-in is too old (RFC 9470 step-up). */
const STEP_UP_PROBLEM_CODE = 'insufficient-user-authentication';

/** A signature asking for a fresher sign-in: it does not end the session (auth/step-up.tsx offers one). */
export const needsStepUp = (error: ApiError | undefined): boolean =>
  error?.status === 401 && error.problem.code === STEP_UP_PROBLEM_CODE;

let bearer: string | null = null;
let onUnauthorized: (error: ApiError) => void = () => undefined;

/** Anything thrown while asking the engine, as an ApiError: its own answer, or status 0 for a failure before one. */
export const asApiError = (error: unknown, title?: string): ApiError =>
  error instanceof ApiError ? error : new ApiError(0, { title, detail: String(error) });

/** The token every request carries, and what to do when the engine no longer accepts it. */
export function useBearer(token: string | null, unauthorized: (error: ApiError) => void): void {
  bearer = token;
  onUnauthorized = unauthorized;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  /** Public routes (sign-in) go without the token. */
  anonymous?: boolean;
  idempotencyKey?: string;
  /** The media type asked for; JSON unless said (a CSV or PDF export). */
  accept?: string;
}

const problemOf = (text: string): Problem => {
  try {
    return (text === '' ? {} : JSON.parse(text)) as Problem;
  } catch {
    return {};
  }
};

/** One call to the engine, with the token; a non-2xx answer throws its problem as an ApiError. */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  if (bearer && !options.anonymous) headers.authorization = `Bearer ${bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'omit',
  });
  if (!response.ok) {
    const error = new ApiError(response.status, problemOf(await response.text()));
    if (response.status === 401 && !options.anonymous && !needsStepUp(error)) onUnauthorized(error);
    throw error;
  }
  return response;
}

/** One call to the engine's JSON API; a non-2xx answer throws its problem as an ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const text = await (await request(path, options)).text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A query string from the values given, leaving out empty ones. */
export function query(values: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
