import type { Role } from './case.values.js';

export type { Role } from './case.values.js';

/** The person (or system) behind a command, as the token says. */
export interface Actor {
  id: string;
  role: Role;
  /** Printed name, used in signatures. */
  name?: string;
  /** An integrator acting for a person (X-On-Behalf-Of). */
  onBehalfOf?: { id: string; name?: string };
}

/** What the domain may not make up itself: who, when and generated ids. */
export interface CommandMetadata {
  actor: Actor;
  /** ISO server time. */
  now: string;
  /** ISO; equals `now` unless an integrator supplied it for imported history. */
  occurredAt: string;
  /** UUID the application generated for the entity this command creates (AssignReader, SubmitOpinion). */
  newId?: string;
}

/**
 * One case command. `data` is the HTTP body plus the id the path names (assignmentId, opinionId);
 * the case id travels with the stream, except on the request that creates it.
 */
export interface CaseCommandOf<Type extends string, Data extends object> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

/** A command's name: the state table names every command a case accepts (case.lifecycle.ts). */
export type { CaseCommandType } from './case.lifecycle.js';
