import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { developmentSignIn, fetchAuthConfiguration } from './auth-configuration';
import { sessionFor } from './session';
import { useSession } from './session-context';

/**
 * A signature (an opinion, an adjudication, a flag review) needs a recent sign-in (21 CFR 11.200).
 * Signing in again here keeps the page, and what was typed into it: then sign again.
 */
export function StepUpPrompt() {
  const { session, signIn } = useSession();
  const [token, setToken] = useState('');
  const [failure, setFailure] = useState<string>();
  const [done, setDone] = useState(false);
  if (!session) return null;
  const renewed = (accessToken: string) => {
    const next = sessionFor(accessToken, session.method);
    if (!next || next.sub !== session.sub) {
      setFailure(`That token is not ${session.sub}'s: signing must be done by the person signed in.`);
      return;
    }
    signIn(next);
    setDone(true);
  };
  const again = async () => {
    setFailure(undefined);
    try {
      if (session.method === 'development') {
        const issued = await developmentSignIn({
          sub: session.sub,
          name: session.name,
          roles: session.roles,
        });
        renewed(issued.accessToken);
      } else if (session.method === 'oidc') {
        const { oidc } = await fetchAuthConfiguration();
        if (!oidc) throw new Error('This engine has no OpenID provider configured any more.');
        const { beginOidcSignIn } = await import('./oidc');
        await beginOidcSignIn(oidc, `${window.location.pathname}${window.location.search}`, {
          reauthenticate: true,
        });
      } else {
        renewed(token);
      }
    } catch (caught) {
      setFailure(caught instanceof ApiError ? (caught.problem.detail ?? caught.message) : String(caught));
    }
  };
  if (done) return <p class="notice">Signed in again: sign once more to record it.</p>;
  return (
    <div class="step-up">
      <p>
        A signature needs a sign-in from the last few minutes. Confirm it is you,
        {session.method === 'oidc' ? ' at your sign-in provider (this page opens again after),' : ''} then
        sign again.
      </p>
      {session.method === 'access-token' && (
        <label>
          Fresh access token
          <textarea rows={2} value={token} onInput={(event) => setToken(event.currentTarget.value)} />
        </label>
      )}
      <button type="button" onClick={again}>
        Confirm it is you
      </button>
      {failure && <p class="problem">{failure}</p>}
    </div>
  );
}
