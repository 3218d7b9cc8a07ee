import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { hasRole } from './auth/session';
import { useSession } from './auth/session-context';

/** The screens, and who each is for (the engine decides; this only leaves out links that would 403). */
export const SCREENS = [
  { href: '/app/readers', label: 'Reader performance', roles: ['quality-committee', 'admin'] },
  { href: '/app/flags', label: 'Opinion shopping', roles: ['quality-committee', 'admin'] },
  {
    href: '/app/cases',
    label: 'Cases',
    roles: ['integrator', 'coordinator', 'quality-committee', 'medico-legal', 'admin', 'radiologist'],
  },
  { href: '/app/operations', label: 'Operations', roles: ['admin'] },
] as const;

export function Shell(props: { children: ComponentChildren }) {
  const { session, signOut } = useSession();
  const { path } = useLocation();
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <a class="brand" href="/app">
          Second opinions
        </a>
        {session && (
          <nav aria-label="Screens">
            <ul>
              {SCREENS.filter((screen) => hasRole(session, ...screen.roles)).map((screen) => (
                <li key={screen.href}>
                  <a href={screen.href} aria-current={path.startsWith(screen.href) ? 'page' : undefined}>
                    {screen.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {session && (
          <div class="who">
            <span>
              Signed in as <strong>{session.name}</strong> ({session.sub};{' '}
              {session.roles.join(', ') || 'no roles'})
            </span>
            <button type="button" class="link" onClick={() => signOut()}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
