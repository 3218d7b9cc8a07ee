import { materialsShown, shownFor, type ReadingMaterials } from './blinding.js';
import { caseError } from './case.errors.js';
import { READING_ROLES } from './case.lifecycle.js';
import {
  currentConsensus,
  currentReferenceStandard,
  currentRound,
  roundAssignments,
  type Addendum,
  type Assignment,
  type Case,
  type Closure,
  type Consensus,
  type Opinion,
  type ReferenceStandard,
  type Round,
  type SlaBreach,
  type Withdrawal,
} from './case.state.js';
import type { CaseStatus, Outcome, Priority, ReaderRole, ReadsRequired, Role } from './case.values.js';
import type { PriorReport, Requester, Study } from './case.events.js';

export interface CaseViewer {
  id: string;
  roles: readonly Role[];
}

export type AssignmentView = Assignment;

export interface OpinionView extends Opinion {
  addenda: Addendum[];
}

/** What the case's staff, committees and integrators see: everything, JSON-ready. */
export interface FullCaseView {
  visibility: 'full';
  caseId: string;
  status: CaseStatus;
  round: number;
  patientRef: string;
  study: Study;
  clinicalQuestion: string;
  requester: Requester;
  priority: Priority;
  dueAt: string | null;
  readsRequired: ReadsRequired;
  priorReport?: PriorReport;
  assignments: AssignmentView[];
  opinions: OpinionView[];
  rounds: Round[];
  /** The newest round's consensus supersedes earlier ones (which stay under `rounds`). */
  consensus?: Consensus;
  outcome?: Outcome;
  closures: Closure[];
  withdrawal?: Withdrawal;
  /** The latest one; all of them are under `referenceStandards`. */
  referenceStandard?: ReferenceStandard;
  referenceStandards: ReferenceStandard[];
  slaBreach?: SlaBreach;
}

/**
 * What a reader sees while its read is pending: its own assignment and the materials its read
 * shows, nothing else (no other reader, opinion, discordance, consensus or reference standard).
 */
export interface ReadingCaseView {
  visibility: 'reading';
  caseId: string;
  status: CaseStatus;
  round: number;
  patientRef: string;
  priority: Priority;
  dueAt: string | null;
  assignment: AssignmentView;
  materials: ReadingMaterials;
}

export type CaseView = FullCaseView | ReadingCaseView;

/** A radiologist may look at a case only while it holds an assignment on it. */
export const isAssignedReader = (state: Case, readerId: string): boolean =>
  [...state.assignments.values()].some(
    (assignment) => assignment.readerId === readerId && assignment.status === 'open',
  );

/** The viewer's read that has yet to be submitted while the case is still being read. */
const pendingRead = (state: Case, viewerId: string): Assignment | undefined =>
  READING_ROLES[state.status] &&
  roundAssignments(state).find(
    (assignment) =>
      assignment.readerId === viewerId && assignment.status === 'open' && assignment.opinionId === undefined,
  );

/**
 * The case as `viewer` may see it. Blinding follows the person, not the token: whoever holds a
 * pending read sees only what that read shows, whatever other roles its token carries. A
 * radiologist (and nothing else) who holds no assignment sees nothing.
 */
export function caseViewFor(state: Case, viewer: CaseViewer): CaseView {
  const pending = pendingRead(state, viewer.id);
  if (pending) return readingView(state, pending);
  const radiologistOnly = viewer.roles.every((role) => role === 'radiologist');
  if (radiologistOnly && !isAssignedReader(state, viewer.id)) {
    throw caseError(
      'not-your-assignment',
      `Reader ${viewer.id} holds no assignment on case ${state.caseId}; a radiologist sees only the cases it is assigned to.`,
    );
  }
  return fullView(state);
}

function readingView(state: Case, assignment: Assignment): ReadingCaseView {
  const { caseId, status, round, request } = state;
  return {
    visibility: 'reading',
    caseId,
    status,
    round,
    patientRef: request.patientRef,
    priority: request.priority,
    dueAt: request.dueAt,
    assignment,
    materials: materialsShown(state, shownFor(assignment, state)),
  };
}

function fullView(state: Case): FullCaseView {
  const consensus = currentConsensus(state);
  const referenceStandard = currentReferenceStandard(state);
  return {
    visibility: 'full',
    ...state.request,
    caseId: state.caseId,
    status: state.status,
    round: state.round,
    assignments: [...state.assignments.values()],
    opinions: [...state.opinions.values()].map((opinion) => ({
      ...opinion,
      addenda: state.addenda.filter((addendum) => addendum.opinionId === opinion.opinionId),
    })),
    rounds: [...state.rounds],
    ...(consensus && { consensus, outcome: consensus.outcome }),
    closures: [...state.closures],
    ...(state.withdrawal && { withdrawal: state.withdrawal }),
    ...(referenceStandard && { referenceStandard }),
    referenceStandards: [...state.referenceStandards],
    ...(state.slaBreach && { slaBreach: state.slaBreach }),
  };
}

export interface CaseStatusSummary {
  caseId: string;
  status: CaseStatus;
  round: number;
  priority: Priority;
  dueAt: string | null;
  readers: { readerId: string; role: ReaderRole; blinded: boolean; submitted: boolean }[];
  outcome?: Outcome;
}

/** The case in one line: what command responses and worklists need. */
export function caseStatusSummary(state: Case): CaseStatusSummary {
  const { adjudication } = currentRound(state);
  const consensus = currentConsensus(state);
  return {
    caseId: state.caseId,
    status: state.status,
    round: state.round,
    priority: state.request.priority,
    dueAt: state.request.dueAt,
    readers: roundAssignments(state)
      .filter((assignment) => assignment.status !== 'unassigned')
      .map(({ readerId, role, blinded, opinionId }) => ({
        readerId,
        role,
        blinded,
        submitted:
          role === 'adjudicator' ? adjudication?.adjudicatorId === readerId : opinionId !== undefined,
      })),
    ...(consensus && { outcome: consensus.outcome }),
  };
}
