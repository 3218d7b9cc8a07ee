import { hasRole } from '../auth/session';
import { useSession } from '../auth/session-context';
import { SCREENS } from '../shell';
import { Page } from '../ui/page';

const PURPOSE: Record<(typeof SCREENS)[number]['href'], string> = {
  '/app/readers': 'Funnel plots of every reader, who is outside the limits, and the cases behind each count.',
  '/app/flags': 'Patients who may be seeking opinions until one agrees: review the open flags.',
  '/app/cases': 'Find a case by status, priority, patient or study, and open its timeline.',
  '/app/operations': 'Projection status and lag; rebuild a read model.',
};

export function HomeScreen() {
  const { session } = useSession();
  const screens = SCREENS.filter((screen) => hasRole(session, ...screen.roles));
  return (
    <Page title="Second opinions">
      {screens.length === 0 ? (
        <p>Your token carries no role that opens a screen here.</p>
      ) : (
        <ul class="screen-list">
          {screens.map((screen) => (
            <li key={screen.href}>
              <a href={screen.href}>{screen.label}</a> — {PURPOSE[screen.href]}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

export function NotFoundScreen() {
  return (
    <Page title="No such screen">
      <p>
        Nothing lives at this address. <a href="/app">Go to the start</a>.
      </p>
    </Page>
  );
}
