import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Session } from './session';

export interface SessionState {
  session: Session | null;
  signIn(session: Session): void;
  signOut(reason?: string): void;
}

export const SessionContext = createContext<SessionState>({
  session: null,
  signIn: () => undefined,
  signOut: () => undefined,
});

export const useSession = () => useContext(SessionContext);
