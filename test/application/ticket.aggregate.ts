import type { AggregateDefinition } from '../../src/application/command-path/command-path.js';
import type { DomainEvent } from '../../src/domain/kernel/decider.js';
import { DomainError } from '../../src/domain/kernel/domain-error.js';

/** A tiny aggregate for the command-path tests: a ticket opened once, taken once, noted any number of times. */
export type TicketEvent =
  | DomainEvent<'Opened', { id: string }>
  | DomainEvent<'Taken', { by: string }>
  | DomainEvent<'Noted', { n: number }>;
export type TicketCommand =
  | { type: 'Open'; id: string }
  | { type: 'Take'; by: string }
  | { type: 'Note' }
  /** Taken, and noted in consequence: a follow-up event in the same append. */
  | { type: 'TakeAndNote'; by: string };
export interface TicketState {
  open: boolean;
  takenBy?: string;
  notes: number;
}

export const ticket: AggregateDefinition<TicketCommand, TicketEvent, TicketState> = {
  decider: {
    initialState: () => ({ open: false, notes: 0 }),
    evolve: (state, event) => {
      switch (event.type) {
        case 'Opened':
          return { ...state, open: true };
        case 'Taken':
          return { ...state, takenBy: event.data.by };
        case 'Noted':
          return { ...state, notes: event.data.n };
      }
    },
    decide: (command, state) => {
      if (command.type === 'Open') return [{ type: 'Opened', data: { id: command.id } }];
      if (!state.open) throw new DomainError('not-found', 'no ticket');
      if (command.type === 'TakeAndNote') {
        return [
          { type: 'Taken', data: { by: command.by } },
          { type: 'Noted', data: { n: state.notes + 1 } },
        ];
      }
      if (command.type === 'Take') {
        if (state.takenBy) throw new DomainError('already-taken', `taken by ${state.takenBy}`);
        return [{ type: 'Taken', data: { by: command.by } }];
      }
      return [{ type: 'Noted', data: { n: state.notes + 1 } }];
    },
  },
  fromStored: (event) => ({ type: event.type, data: event.data }) as TicketEvent,
  schemaVersionOf: () => 1,
};
