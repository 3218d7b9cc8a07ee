import { checkAgainstDocument, type ValidationOptions, validationOptionsOf } from './openapi-validation.js';

/**
 * Requests with any body bytes and any headers (ApiClient sends JSON text only): hostile-input and
 * transport tests. A Uint8Array body makes fetch add no Content-Type of its own. Each request and
 * answer is checked against the app's OpenAPI document (openapi-validation.ts).
 */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export async function sendRaw(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: Uint8Array; headers?: Record<string, string> } & ValidationOptions = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body,
    redirect: 'manual',
  });
  const text = await response.text();
  await checkAgainstDocument(
    baseUrl,
    {
      method,
      path,
      headers,
      ...(options.body !== undefined && { body: new TextDecoder().decode(options.body) }),
      status: response.status,
      responseHeaders: response.headers,
      responseText: text,
    },
    validationOptionsOf(options),
  );
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, text, json };
}
