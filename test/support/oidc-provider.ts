import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWK, exportJWK, generateKeyPair } from 'jose';

/**
 * A real OpenID provider for the tests: `oidc-provider` (the certified Node implementation), not a
 * mock. One public client (no secret, PKCE required) with the given redirect URIs; access tokens
 * for a resource indicator are RS256 JWTs whose `aud` is the resource and which carry the
 * account's `roles`, `name` and `auth_time` (when it signed in); its development login form (any
 * password) signs in any of `accounts`, so a browser test can log in through it the way a person would.
 */
export interface OidcAccount {
  roles: string[];
  name?: string;
}

export interface OidcProviderOptions {
  redirectUris: string[];
  accounts: Record<string, OidcAccount>;
  /** Default `second-opinion-web`. */
  clientId?: string;
  /** Resource indicators it issues access tokens for; the first is the default when a request names none. */
  resources?: string[];
  /** Default 600. */
  accessTokenTtlSeconds?: number;
}

export interface RunningOidcProvider {
  /** `http://127.0.0.1:<port>`, exactly as the discovery document names it. */
  issuer: string;
  clientId: string;
  resources: string[];
  close(): Promise<void>;
}

export const DEFAULT_RESOURCE = 'https://engine.test/api';

/** oidc-provider's `Provider`: only the members used here (the package ships no types). */
interface Provider {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
}

interface ProviderModule {
  default: new (issuer: string, configuration: Record<string, unknown>) => Provider;
  errors: { InvalidTarget: new (description?: string) => Error };
}

interface Token {
  kind: string;
  accountId?: string;
}

/** What extraTokenClaims reads of the request: the code or refresh token a token is exchanged for. */
interface TokenContext {
  oidc?: { entities?: Record<string, { authTime?: number } | undefined> };
}

/** When the account signed in, from the code (or refresh token) the access token is issued for. */
const authTimeOf = (ctx: TokenContext): number | undefined =>
  ctx.oidc?.entities?.AuthorizationCode?.authTime ?? ctx.oidc?.entities?.RefreshToken?.authTime;

/** A specifier typed as string: TypeScript then asks for no declaration file of the untyped package. */
const OIDC_PROVIDER_MODULE: string = 'oidc-provider';

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    ...(await exportJWK(privateKey)),
    alg: 'RS256',
    use: 'sig',
    kid: `test-${randomBytes(4).toString('hex')}`,
  };
}

export async function startOidcProvider(options: OidcProviderOptions): Promise<RunningOidcProvider> {
  const { default: ProviderClass, errors } = (await import(OIDC_PROVIDER_MODULE)) as ProviderModule;
  const clientId = options.clientId ?? 'second-opinion-web';
  const resources = options.resources ?? [DEFAULT_RESOURCE];
  const accessTokenTTL = options.accessTokenTtlSeconds ?? 600;
  const account = (sub: string | undefined) =>
    sub !== undefined && Object.hasOwn(options.accounts, sub) ? options.accounts[sub] : undefined;

  // The issuer names its port: the server listens first, and serves once the provider exists.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new ProviderClass(issuer, {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [await signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { AccessToken: accessTokenTTL, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    pkce: { required: () => true },
    // The web app's origin calls the token endpoint from the browser.
    clientBasedCORS: (_ctx: unknown, origin: string, client: { redirectUris: string[] }) =>
      client.redirectUris.some((uri) => new URL(uri).origin === origin),
    claims: { openid: ['sub'], profile: ['name'] },
    findAccount: (_ctx: unknown, sub: string) => {
      const found = account(sub);
      if (!found) return undefined;
      return { accountId: sub, claims: async () => ({ sub, name: found.name ?? sub }) };
    },
    // The engine takes roles, the printed name and, for signatures, auth_time from the access token.
    extraTokenClaims: async (ctx: TokenContext, token: Token) => {
      const found = token.kind === 'AccessToken' ? account(token.accountId) : undefined;
      if (!found) return undefined;
      const authTime = authTimeOf(ctx);
      return {
        roles: found.roles,
        name: found.name ?? token.accountId,
        ...(authTime !== undefined && { auth_time: authTime }),
      };
    },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf ?? resources[0],
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
          if (!resources.includes(indicator)) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return {
            scope: 'api',
            audience: indicator,
            accessTokenTTL,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  server.on('request', provider.callback());

  return {
    issuer,
    clientId,
    resources,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A port free right now, for an app whose address a redirect URI must name before it starts
 * (`startTestApp(env, { port })`).
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A tiny cookie jar for one origin: the provider keeps the sign-in's state in cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', value = ''] = attribute.split('=');
        return key.trim().toLowerCase() === 'expires' && Date.parse(value) <= Date.now();
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface SignInOptions {
  /** An account of the provider's `accounts`. */
  login: string;
  redirectUri: string;
  /** Default `openid profile`. */
  scope?: string;
  /** Default: none, so the provider's default resource applies. */
  resource?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  id_token?: string;
  scope?: string;
}

/**
 * The authorization-code flow with PKCE over plain HTTP, as the web app runs it in a browser: the
 * authorization request, the provider's login form and consent, the code at the redirect URI, and
 * the code exchanged with its verifier at the token endpoint.
 */
export async function signInWithPkce(
  provider: RunningOidcProvider,
  options: SignInOptions,
): Promise<TokenResponse> {
  const discovery = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorization = new URL(discovery.authorization_endpoint);
  authorization.search = new URLSearchParams({
    client_id: provider.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: options.scope ?? 'openid profile',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(options.resource !== undefined && { resource: options.resource }),
  }).toString();

  const jar = new CookieJar();
  const send = async (url: string, form?: Record<string, string>): Promise<Response> => {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        ...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    jar.store(response);
    return response;
  };

  let response = await send(authorization.href);
  for (let step = 0; step < 10; step++) {
    const url = response.url || authorization.href;
    if (response.status === 200) {
      // The provider's own interaction page: its login form, or its consent form.
      const page = await response.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      if (prompt === 'login') response = await send(url, { prompt, login: options.login, password: 'any' });
      else if (prompt === 'consent') response = await send(url, { prompt });
      else throw new Error(`Unexpected page from the provider at ${url}: ${page.slice(0, 500)}`);
      continue;
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`The provider answered ${response.status} at ${url}: ${await response.text()}`);
    }
    const next = new URL(location, url);
    if (next.href.startsWith(options.redirectUri)) {
      const error = next.searchParams.get('error');
      if (error)
        throw new Error(`The provider refused: ${error} ${next.searchParams.get('error_description') ?? ''}`);
      if (next.searchParams.get('state') !== state) throw new Error('The state came back changed');
      return exchange(discovery.token_endpoint, provider, options, next.searchParams.get('code')!, verifier);
    }
    response = await send(next.href);
  }
  throw new Error('The sign-in did not reach the redirect URI in 10 steps');
}

async function exchange(
  tokenEndpoint: string,
  provider: RunningOidcProvider,
  options: SignInOptions,
  code: string,
  verifier: string,
): Promise<TokenResponse> {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri,
      client_id: provider.clientId,
      code_verifier: verifier,
      ...(options.resource !== undefined && { resource: options.resource }),
    }).toString(),
  });
  const body = (await response.json()) as TokenResponse & { error?: string; error_description?: string };
  if (!response.ok)
    throw new Error(`The token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}
