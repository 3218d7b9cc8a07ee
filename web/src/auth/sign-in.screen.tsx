import { useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api/client';
import { Loading, Page, ProblemMessage } from '../ui/page';
import { type AuthConfiguration, developmentSignIn, fetchAuthConfiguration } from './auth-configuration';
import { type Session, sessionFor } from './session';
import { useSession } from './session-context';

/** The people a development engine is usually tried as, by what they do. */
const PERSONAS = [
  { sub: 'dev-committee', name: 'Quality committee (development)', roles: ['quality-committee'] },
  { sub: 'dev-lawyer', name: 'Medico-legal (development)', roles: ['medico-legal'] },
  { sub: 'dev-coordinator', name: 'Coordinator (development)', roles: ['coordinator'] },
  { sub: 'dev-admin', name: 'Administrator (development)', roles: ['admin'] },
  { sub: 'dev-radiologist', name: 'Radiologist (development)', roles: ['radiologist'] },
] as const;

const ALL_ROLES = [
  'integrator',
  'coordinator',
  'radiologist',
  'quality-committee',
  'medico-legal',
  'admin',
] as const;

const asError = (error: unknown) => asApiError(error, 'Sign-in failed');

function DevelopmentSignIn(props: { onSignedIn: (session: Session) => void }) {
  const [sub, setSub] = useState<string>(PERSONAS[0].sub);
  const [name, setName] = useState<string>(PERSONAS[0].name);
  const [roles, setRoles] = useState<string[]>([...PERSONAS[0].roles]);
  const [error, setError] = useState<ApiError>();
  const choosePersona = (value: string) => {
    const persona = PERSONAS.find((candidate) => candidate.sub === value);
    if (!persona) return;
    setSub(persona.sub);
    setName(persona.name);
    setRoles([...persona.roles]);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const issued = await developmentSignIn({ sub, name, roles });
      const session = sessionFor(issued.accessToken, 'development');
      if (session) props.onSignedIn(session);
    } catch (caught) {
      setError(asError(caught));
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="dev-sign-in">
      <h2 id="dev-sign-in">Development sign-in</h2>
      <p class="hint">
        This engine runs on its generated development secret, so anyone here may pick who they are. It is
        never offered in production or with a configured secret.
      </p>
      <label>
        Persona
        <select value={sub} onChange={(event) => choosePersona(event.currentTarget.value)}>
          {PERSONAS.map((persona) => (
            <option key={persona.sub} value={persona.sub}>
              {persona.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        User id
        <input value={sub} onInput={(event) => setSub(event.currentTarget.value)} required />
      </label>
      <label>
        Display name
        <input value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>Roles</legend>
        {ALL_ROLES.map((role) => (
          <label key={role} class="inline">
            <input
              type="checkbox"
              checked={roles.includes(role)}
              onChange={(event) =>
                setRoles(
                  event.currentTarget.checked ? [...roles, role] : roles.filter((held) => held !== role),
                )
              }
            />
            {role}
          </label>
        ))}
      </fieldset>
      <ProblemMessage error={error} context="Development sign-in" />
      <button type="submit">Sign in as {sub}</button>
    </form>
  );
}

function TokenSignIn(props: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const submit = (event: Event) => {
    event.preventDefault();
    const session = sessionFor(token, 'access-token');
    if (!session) {
      setError('That is not a JWT with a subject (sub). Paste the whole token, three dot-separated parts.');
      return;
    }
    props.onSignedIn(session);
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="token-sign-in">
      <h2 id="token-sign-in">Sign in with a bearer token</h2>
      <label>
        Access token
        <textarea
          name="access-token"
          rows={3}
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          autoComplete="off"
          spellcheck={false}
          required
        />
      </label>
      {error && (
        <p role="alert" class="problem">
          {error}
        </p>
      )}
      <button type="submit">Sign in with token</button>
    </form>
  );
}

/** Shown instead of any screen until someone is signed in; the URL stays, so the screen opens after. */
export function SignInScreen(props: { reason?: string }) {
  const { signIn } = useSession();
  const [configuration, setConfiguration] = useState<AuthConfiguration>();
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    fetchAuthConfiguration().then(setConfiguration, (caught: unknown) => setError(asError(caught)));
  }, []);
  const returnTo = `${window.location.pathname}${window.location.search}`;
  return (
    <Page title="Sign in" lead="Every figure on these screens comes from the engine's API, with your token.">
      {props.reason && (
        <p role="alert" class="problem">
          {props.reason}
        </p>
      )}
      <ProblemMessage error={error} context="Sign-in options" />
      {!configuration && !error && <Loading what="sign-in options" />}
      <div class="sign-in-options">
        {configuration?.oidc && (
          <div class="card">
            <h2>Single sign-on</h2>
            <button
              type="button"
              onClick={() =>
                // Loaded only by those who sign in this way.
                import('./oidc')
                  .then(({ beginOidcSignIn }) => beginOidcSignIn(configuration.oidc!, returnTo))
                  .catch((caught: unknown) => setError(asError(caught)))
              }
            >
              Sign in with {new URL(configuration.oidc.issuer).host}
            </button>
          </div>
        )}
        {configuration?.developmentSignIn && <DevelopmentSignIn onSignedIn={signIn} />}
        <TokenSignIn onSignedIn={signIn} />
      </div>
    </Page>
  );
}
