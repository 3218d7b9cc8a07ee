import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { useBearer } from './api/client';
import { type AuthConfiguration, CALLBACK_PATH, fetchAuthConfiguration } from './auth/auth-configuration';
import { type Session, sessionFor, storeSession, storedSession } from './auth/session';
import { SessionContext, type SessionState } from './auth/session-context';
import { SignInScreen } from './auth/sign-in.screen';
import { CaseTimelineScreen } from './screens/case-timeline/case-timeline.screen';
import { FlagsScreen } from './screens/flags/flags.screen';
import { HomeScreen, NotFoundScreen } from './screens/home.screen';
import { OperationsScreen } from './screens/operations/operations.screen';
import { WorklistScreen } from './screens/worklist/worklist.screen';
import { Shell } from './shell';
import { Loading, Page } from './ui/page';

// The two chart screens carry Observable Plot, most of the app's weight: loaded when opened.
const ReadersScreen = lazy(() =>
  import('./screens/readers/readers.screen').then((module) => module.ReadersScreen),
);
const ReaderScreen = lazy(() =>
  import('./screens/reader/reader.screen').then((module) => module.ReaderScreen),
);

/** Back from the OpenID provider: trade the code for a token, then open the screen asked for. */
function OidcCallback(props: { onSignedIn: (session: Session) => void }) {
  const { route } = useLocation();
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    fetchAuthConfiguration()
      .then(async (configuration: AuthConfiguration) => {
        if (!configuration.oidc) throw new Error('This engine has no OpenID provider configured.');
        const { completeOidcSignIn } = await import('./auth/oidc');
        const { accessToken, returnTo } = await completeOidcSignIn(configuration.oidc);
        const session = sessionFor(accessToken, 'oidc');
        if (!session) throw new Error('The provider’s access token is not a JWT the engine can verify.');
        props.onSignedIn(session);
        route(returnTo, true);
      })
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
  }, []);
  return (
    <Page title="Signing in">
      {failure ? (
        <p role="alert" class="problem">
          {failure} <a href="/app">Try again</a>.
        </p>
      ) : (
        <Loading what="your session" />
      )}
    </Page>
  );
}

function Screens() {
  return (
    <Router>
      <Route path="/app" component={HomeScreen} />
      <Route path="/app/readers" component={ReadersScreen} />
      <Route path="/app/readers/:readerId" component={ReaderScreen} />
      <Route path="/app/cases" component={WorklistScreen} />
      <Route path="/app/cases/:caseId" component={CaseTimelineScreen} />
      <Route path="/app/flags" component={FlagsScreen} />
      <Route path="/app/operations" component={OperationsScreen} />
      <Route default component={NotFoundScreen} />
    </Router>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null>(storedSession);
  const [reason, setReason] = useState<string>();
  const signIn = useCallback((next: Session) => {
    storeSession(next);
    setReason(undefined);
    setSession(next);
  }, []);
  const signOut = useCallback((why?: string) => {
    storeSession(null);
    setReason(why);
    setSession(null);
  }, []);
  // Before any screen fetches: the token to send, and a 401 (expired, revoked) ends the session.
  useBearer(session?.token ?? null, (error) =>
    signOut(
      `The engine no longer accepts your token: ${(error.problem.detail ?? 'sign in again.').replace(/\.?$/, '.')}`,
    ),
  );
  const state = useMemo<SessionState>(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return (
    <SessionContext.Provider value={state}>
      <LocationProvider scope="/app">
        <Shell>
          <Body session={session} reason={reason} signIn={signIn} />
        </Shell>
      </LocationProvider>
    </SessionContext.Provider>
  );
}

function Body(props: { session: Session | null; reason?: string; signIn: (session: Session) => void }) {
  const { path } = useLocation();
  if (path === CALLBACK_PATH) return <OidcCallback onSignedIn={props.signIn} />;
  return props.session ? <Screens /> : <SignInScreen reason={props.reason} />;
}
