/**
 * Who is signed in: the bearer token and what its claims say, kept in sessionStorage (gone when the
 * tab closes; never a cookie). The claims are read for display only: the engine verifies the token
 * on every request, and its answer is what counts.
 */
export type SignInMethod = 'development' | 'oidc' | 'access-token';

export interface Session {
  token: string;
  sub: string;
  name: string;
  roles: string[];
  /** Seconds since the epoch, from `exp`. */
  expiresAt: number | null;
  method: SignInMethod;
}

const STORAGE_KEY = 'second-opinions.session';

function claimsOf(token: string): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(decodeURIComponent(escape(json)));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The session a token opens, or null when it is not a JWT at all. */
export function sessionFor(token: string, method: SignInMethod): Session | null {
  const claims = claimsOf(token.trim());
  if (!claims || typeof claims.sub !== 'string') return null;
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((role) => typeof role === 'string') : [];
  return {
    token: token.trim(),
    sub: claims.sub,
    name: typeof claims.name === 'string' ? claims.name : claims.sub,
    roles,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : null,
    method,
  };
}

export function storedSession(): Session | null {
  const text = sessionStorage.getItem(STORAGE_KEY);
  if (!text) return null;
  try {
    const session = JSON.parse(text) as Session;
    if (session.expiresAt === null || session.expiresAt * 1000 > Date.now()) return session;
  } catch {
    // not ours: dropped below
  }
  sessionStorage.removeItem(STORAGE_KEY);
  return null;
}

export function storeSession(session: Session | null): void {
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}

export const hasRole = (session: Session | null, ...roles: string[]): boolean =>
  !!session && session.roles.some((role) => roles.includes(role));
