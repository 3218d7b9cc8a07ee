import { tokenFor } from './app.js';
import { checkAgainstDocument, type ValidationOptions, validationOptionsOf } from './openapi-validation.js';

/** Who makes a request: the claims of the token the client signs for it. */
export interface Caller {
  sub: string;
  roles: string[];
  name?: string;
}

export interface ApiResponse<Body = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: Body;
  text: string;
}

/**
 * A small HTTP client for end-to-end tests: real requests against the listening app, each request
 * and answer checked against the app's OpenAPI document (openapi-validation.ts).
 */
export class ApiClient {
  private readonly tokens = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async token(sub: string, roles: string[], name?: string): Promise<string> {
    const key = `${sub}|${roles.join(',')}|${name ?? ''}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = await tokenFor(sub, roles, { name });
      this.tokens.set(key, token);
    }
    return token;
  }

  async request<Body = Record<string, unknown>>(
    method: string,
    path: string,
    options: {
      as?: Caller;
      token?: string;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    } & ValidationOptions = {},
  ): Promise<ApiResponse<Body>> {
    const headers: Record<string, string> = { ...options.headers };
    const token =
      options.token ??
      (options.as ? await this.token(options.as.sub, options.as.roles, options.as.name) : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    await checkAgainstDocument(
      this.baseUrl,
      {
        method,
        path,
        headers,
        body: payload,
        status: response.status,
        responseHeaders: response.headers,
        responseText: text,
      },
      validationOptionsOf(options),
    );
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON (CSV, HTML)
    }
    return { status: response.status, headers: response.headers, body: body as Body, text };
  }

  post<Body = Record<string, unknown>>(
    path: string,
    body: unknown,
    as: Caller,
    headers: Record<string, string> = {},
    validation: ValidationOptions = {},
  ) {
    return this.request<Body>('POST', path, { as, body, headers, ...validation });
  }

  get<Body = Record<string, unknown>>(
    path: string,
    as: Caller,
    headers: Record<string, string> = {},
    validation: ValidationOptions = {},
  ) {
    return this.request<Body>('GET', path, { as, headers, ...validation });
  }
}

export const COORDINATOR = { sub: 'coord-1', roles: ['coordinator'], name: 'Casey Coordinator' };
export const INTEGRATOR = { sub: 'ris-1', roles: ['integrator'], name: 'RIS Gateway' };
export const QUALITY = { sub: 'qc-1', roles: ['quality-committee'], name: 'Quinn Quality' };
export const MEDICO_LEGAL = { sub: 'ml-1', roles: ['medico-legal'], name: 'Morgan Legal' };
export const ADMIN = { sub: 'admin-1', roles: ['admin'], name: 'Ada Admin' };
export const radiologist = (sub: string) => ({ sub, roles: ['radiologist'], name: `Dr ${sub}` });

export function secondOpinionRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    patientRef: 'pt-001',
    study: {
      studyInstanceUid: '1.2.840.113619.2.55.3.1',
      modality: 'DX',
      bodyRegion: 'wrist',
      studyDate: '2026-11-18',
    },
    clinicalQuestion: 'Scaphoid fracture?',
    requester: { kind: 'patient', id: 'req-1' },
    priority: 'routine',
    readsRequired: 2,
    priorReport: {
      author: 'rad-ext-9',
      institution: 'St. Elsewhere',
      findings: [{ code: 'fracture', presence: 'absent' }],
      impression: 'No fracture.',
    },
    ...overrides,
  };
}
