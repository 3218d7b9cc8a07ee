import { expect } from '@jest/globals';
import type { Decider, DomainEvent } from '../../../src/domain/kernel/decider.js';
import { DomainError } from '../../../src/domain/kernel/domain-error.js';

/**
 * given(events).when(command).then(events) / .thenThrows(code), as Emmett's DeciderSpecification:
 * a test states the history, the command and the decision, nothing else.
 */
export function deciderSpecification<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
) {
  const fold = (events: readonly Event[], from: State = decider.initialState()): State =>
    events.reduce((state, event) => decider.evolve(state, event), from);

  const given = (history: readonly Event[]) => ({
    when: (command: Command) => {
      const decide = (): Event[] => {
        const state = fold(history);
        const decided = decider.decide(command, state);
        fold(decided, state); // what is decided must fold, or the stream would become unreadable
        return decided;
      };
      return {
        then: (expected: Event[]): void => {
          expect(decide()).toStrictEqual(expected);
        },
        thenThrows: (code: string): DomainError => {
          let thrown: unknown;
          try {
            decide();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          const error = thrown as DomainError;
          expect({ code: error.code, message: error.message }).toEqual({
            code,
            message: expect.stringMatching(/\.$/),
          });
          return error;
        },
        /** The decided events, for assertions that are not a whole-list comparison. */
        events: decide,
        /** The state after the decided events. */
        state: (): State => fold(decide(), fold(history)),
      };
    },
  });

  return { given, fold };
}
