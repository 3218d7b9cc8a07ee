import type { Actor } from './case.commands.js';
import type { CaseState } from './case.state.js';

/** What a reader command names: the assignment it works on, or the opinion it amends. */
export type ReaderRef = { assignmentId: string } | { opinionId: string };

/**
 * The person an integrator acts for, recorded as the events' `actor.onBehalfOf`: the one it names
 * (X-On-Behalf-Of) or, naming no one, the reader whose assignment or opinion the command names.
 * Anyone else acts for itself (undefined).
 */
export function personActedFor(
  state: CaseState,
  actor: Actor,
  readerRef: ReaderRef | null,
): string | undefined {
  if (actor.role !== 'integrator' || !state.exists) return undefined;
  if (actor.onBehalfOf) return actor.onBehalfOf.id;
  if (readerRef === null) return undefined;
  return 'assignmentId' in readerRef
    ? state.assignments.get(readerRef.assignmentId)?.readerId
    : state.opinions.get(readerRef.opinionId)?.readerId;
}
