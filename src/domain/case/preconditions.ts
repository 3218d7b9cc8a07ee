import { caseError } from './case.errors.js';
import type { Signature } from './case.events.js';
import type { CommandMetadata } from './case.commands.js';
import type { Assignment, Case, CaseState, Opinion } from './case.state.js';
import type { CaseEvent } from './case.events.js';
import type { CasePolicy } from './case.policy.js';
import { isOneOf, RADPEER_SCORES, type SignatureMeaning } from './case.values.js';
import { assertAccepts, READING_ROLES, type CaseCommandType } from './case.lifecycle.js';

/** A decision about a case that must exist: 404 `not-found` before any other rule. */
export function onExistingCase<Command>(
  decide: (command: Command, state: Case, policy: CasePolicy) => CaseEvent[],
): (command: Command, state: CaseState, policy: CasePolicy) => CaseEvent[] {
  return (command, state, policy) => {
    if (!state.exists) {
      throw caseError(
        'not-found',
        'The case does not exist; check the caseId, or open the case with RequestSecondOpinion.',
      );
    }
    return decide(command, state, policy);
  };
}

/** Checks shared by the command decisions, in the order the API answers them: 404, then 403, then 422 (docs/api.md). */

/** What a command names must exist on the case: else 404 `not-found`, saying where its id comes from. */
function found<Entity>(entity: Entity | undefined, message: string, details: Record<string, string>): Entity {
  if (entity === undefined) throw caseError('not-found', message, details);
  return entity;
}

export const requireAssignment = (state: Case, assignmentId: string): Assignment =>
  found(
    state.assignments.get(assignmentId),
    `Assignment ${assignmentId} does not exist on case ${state.caseId}; use the assignmentId that AssignReader returned.`,
    { assignmentId },
  );

export const requireOpinion = (state: Case, opinionId: string): Opinion =>
  found(
    state.opinions.get(opinionId),
    `Opinion ${opinionId} does not exist on case ${state.caseId}; use the opinionId that SubmitOpinion returned.`,
    { opinionId },
  );

/**
 * The checks every reader command opens with, in the API's order: the assignment exists (404), the
 * caller is its reader or acts for it (403), the case's state accepts the command (422).
 */
export function readerAssignment(
  state: Case,
  { data, metadata }: { data: { assignmentId: string }; metadata: CommandMetadata },
  type: CaseCommandType,
): { assignment: Assignment; person: ActingPerson } {
  const assignment = requireAssignment(state, data.assignmentId);
  const person = assertActsAs(metadata, assignment.readerId, `Assignment ${assignment.assignmentId}`);
  assertAccepts(state, type);
  return { assignment, person };
}

/** The person a reader action is taken by (or for). */
export interface ActingPerson {
  id: string;
  name?: string;
}

/**
 * An integrator acts for the person it names (X-On-Behalf-Of) or, naming no one, for `byDefault`;
 * anyone else acts for themselves.
 */
export function actingPerson({ actor }: CommandMetadata, byDefault: string): ActingPerson {
  if (actor.role !== 'integrator')
    return { id: actor.id, ...(actor.name !== undefined && { name: actor.name }) };
  return actor.onBehalfOf ?? { id: byDefault };
}

/** The reader of an assignment (or author of an opinion) is the only person who may act on it. */
export function assertActsAs(metadata: CommandMetadata, readerId: string, what: string): ActingPerson {
  const person = actingPerson(metadata, readerId);
  if (person.id !== readerId) {
    throw caseError(
      'not-your-assignment',
      `${what} belongs to reader ${readerId}, not to ${person.id}; only that reader may act on it.`,
      { readerId },
    );
  }
  return person;
}

/**
 * Printed name (else the id), meaning and the server's time: made by the engine, never by the
 * client. An integrator signs only for a person (actingPerson), and is recorded as that person's agent.
 */
export const signatureOf = (
  person: ActingPerson,
  meaning: SignatureMeaning,
  { now, actor }: CommandMetadata,
): Signature => ({
  signerName: person.name ?? person.id,
  meaning,
  signedAt: now,
  ...(actor.role === 'integrator' && { agent: { id: actor.id, name: actor.name ?? actor.id } }),
});

/** The id the application generated for a new entity; missing, it is the application's bug, not the client's. */
export function requireNewId(metadata: CommandMetadata, what: string): string {
  if (metadata.newId === undefined || metadata.newId === '') {
    throw new Error(`Command metadata lacks newId: the application must generate the ${what}.`);
  }
  return metadata.newId;
}

/** Unassigned or ended: the reader no longer holds it. */
export function assertOpen(assignment: Assignment): void {
  if (assignment.status === 'open') return;
  const how = assignment.status === 'unassigned' ? 'was unassigned' : 'has ended';
  throw caseError(
    'reader-not-assigned',
    `Assignment ${assignment.assignmentId} ${how}; reader ${assignment.readerId} no longer holds it.`,
    { assignmentId: assignment.assignmentId },
  );
}

/** Primaries may still finish while an adjudicator reads; once a panel sits, only panelists read. */
export function assertReadingRole(state: Case, assignment: Assignment): void {
  if (READING_ROLES[state.status]?.includes(assignment.role)) return;
  throw caseError(
    'invalid-state',
    `A ${assignment.role} cannot read or submit while case ${state.caseId} is ${state.status}.`,
    { status: state.status },
  );
}

export function assertRadpeerScore(score: unknown): void {
  if (!isOneOf(RADPEER_SCORES, score)) {
    throw caseError(
      'invalid-radpeer-score',
      `RADPEER score "${String(score)}" is unknown; use one of ${RADPEER_SCORES.join(', ')}.`,
    );
  }
}
