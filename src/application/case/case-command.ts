import type { Type } from '@nestjs/common';
import type { ReaderRef } from '../../domain/case/acting-for.js';
import type { CaseCommandOf, CaseCommandType } from '../../domain/case/case.commands.js';
import type { CaseEvent } from '../../domain/case/case.events.js';
import type { CasePolicy } from '../../domain/case/case.policy.js';
import type { Case, CaseState } from '../../domain/case/case.state.js';
import type { SignatureMeaning } from '../../domain/case/case.values.js';
import type { AccessAction } from '../auth/access-policy.js';
import type { CommandResult } from '../command-path/command-path.js';

/** The ids a command route's path names (`:caseId`, `:assignmentId`, `:opinionId`). */
export interface PathIds {
  caseId: string;
  assignmentId?: string;
  opinionId?: string;
}

export type CaseCommandResult = CommandResult<CaseEvent, CaseState>;

/** What a command route answers with its 201: the body and, for a new resource, its location. */
export interface CaseCommandResponse {
  body: object;
  location?: string;
}

/** The 201 body a command answers with: its documented DTO and how it is made from the result. */
export interface CaseCommandAnswer {
  readonly dto: Type<object>;
  readonly description?: string;
  respond(result: CaseCommandResult, ids: PathIds): CaseCommandResponse;
}

type BodyData<Body> = Omit<Body, 'occurredAt'>;

/** A body that already is the command's data needs no mapping; any other must say how. */
type DataMapping<Data, Body> =
  BodyData<Body> extends Data
    ? { toData?(body: BodyData<Body>, ids: PathIds): Data }
    : { toData(body: BodyData<Body>, ids: PathIds): Data };

/**
 * How one case command is reached over HTTP: POST `/api/v1/cases/<path>`, guarded by an access
 * policy row, its body validated by a DTO class, its result mapped to the answer.
 */
export type CaseCommandRoute<Data, Body extends { occurredAt?: string }> = DataMapping<Data, Body> & {
  /** Relative to /api/v1/cases; path ids are UUIDs. A path without `:caseId` opens a new case. */
  readonly path: string;
  readonly action: AccessAction;
  /** OpenAPI summary: what the command does, in one line. */
  readonly summary: string;
  readonly body: Type<Body>;
  /** The body may be left out (an empty object is validated instead). */
  readonly optionalBody?: boolean;
  readonly answer: CaseCommandAnswer;
};

/**
 * Everything about one case command, tied in by the registry (case-commands.registry.ts): the
 * compiler refuses a command of the state table that lacks any part.
 */
export interface CaseCommandSlice<Type extends CaseCommandType, Data extends object, Body extends object> {
  /** Pure: the events the command records, or a DomainError. */
  decide(command: CaseCommandOf<Type, Data>, state: CaseState, policy: CasePolicy): CaseEvent[];
  /**
   * The reader an integrator acts for when it names no one (recorded as `actor.onBehalfOf`); null
   * when the command is not a reader's (the integrator then acts for itself).
   */
  actsForReader(data: Data): ReaderRef | null;
  /**
   * The meaning of the electronic signature the command records, or null when it records none. A
   * signing command needs a recent sign-in (21 CFR 11.200; docs/api.md "Signatures").
   */
  readonly signs: SignatureMeaning | null;
  /** Null for a process manager's command, which has no route. */
  readonly route: CaseCommandRoute<Data, Body & { occurredAt?: string }> | null;
}

/** The one event of `type` a command recorded (its response names what it created). */
export function eventOf<Type extends CaseEvent['type']>(
  result: CaseCommandResult,
  type: Type,
): Extract<CaseEvent, { type: Type }> {
  const event = result.events.find(
    (candidate): candidate is Extract<CaseEvent, { type: Type }> => candidate.type === type,
  );
  if (!event) throw new Error(`The command recorded no ${type}`);
  return event;
}

/** The case after a command (it exists: the command was accepted). */
export function caseAfter(result: CaseCommandResult): Case {
  if (!result.state.exists) throw new Error('The case does not exist after its command');
  return result.state;
}
