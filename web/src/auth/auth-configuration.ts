import { api } from '../api/client';

/** GET /api/v1/auth/configuration: which sign-in the engine offers. */
export interface AuthConfiguration {
  developmentSignIn: boolean;
  oidc: { issuer: string; clientId: string; scope: string; resource?: string } | null;
}

export const fetchAuthConfiguration = () =>
  api<AuthConfiguration>('/api/v1/auth/configuration', { anonymous: true });

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export const developmentSignIn = (body: { sub: string; name?: string; roles: string[] }) =>
  api<IssuedToken>('/api/v1/auth/development-sign-in', { method: 'POST', body, anonymous: true });

/** Where the OpenID provider sends the browser back with the authorization code. */
export const CALLBACK_PATH = '/app/callback';
