/**
 * A decider (Jérémie Chassaing's pattern, as in Emmett): pure functions from a command and the
 * state folded from past events to the new events. No clock, ids or I/O: they arrive in the
 * command's metadata, which is what makes replay "as of revision N" trivially correct.
 */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Ends every exhaustive switch: the compiler names each place a new union member must be handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
