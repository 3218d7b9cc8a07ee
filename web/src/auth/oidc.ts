import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { type AuthConfiguration, CALLBACK_PATH } from './auth-configuration';

/**
 * The authorization-code flow with PKCE (oidc-client-ts), with its state and user kept in
 * sessionStorage like the rest of the session. With a resource configured, tokens are asked for
 * it (RFC 8707), so the access token is a JWT the engine can verify.
 */
export function userManagerFor(oidc: NonNullable<AuthConfiguration['oidc']>): UserManager {
  const resource = oidc.resource ? { resource: oidc.resource } : undefined;
  return new UserManager({
    authority: oidc.issuer,
    client_id: oidc.clientId,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    response_type: 'code',
    scope: oidc.scope,
    loadUserInfo: false,
    automaticSilentRenew: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    ...(resource && { extraQueryParams: resource, extraTokenParams: resource }),
  });
}

/**
 * Off to the provider; `returnTo` is the screen to open once signed in. `reauthenticate`: the
 * provider must ask for the credentials again (a signature's step-up), not reuse its session.
 */
export async function beginOidcSignIn(
  oidc: NonNullable<AuthConfiguration['oidc']>,
  returnTo: string,
  options: { reauthenticate?: boolean } = {},
) {
  await userManagerFor(oidc).signinRedirect({
    state: { returnTo },
    ...(options.reauthenticate && { prompt: 'login' }),
  });
}

/** Back from the provider: the access token and the screen to open. */
export async function completeOidcSignIn(
  oidc: NonNullable<AuthConfiguration['oidc']>,
): Promise<{ accessToken: string; returnTo: string }> {
  const user = await userManagerFor(oidc).signinRedirectCallback();
  const state = user.state as { returnTo?: unknown } | undefined;
  const returnTo =
    typeof state?.returnTo === 'string' && state.returnTo.startsWith('/app') ? state.returnTo : '/app';
  return { accessToken: user.access_token, returnTo };
}
