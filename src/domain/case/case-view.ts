import { materialsShown, shownFor, type ReadingMaterials } from './blinding.js';
import { hasSubmitted } from './assignment-ending.js';
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
  type CaseRequest,
  type Closure,
  type Consensus,
  type Opinion,
  type ReferenceStandard,
  type Round,
  type SlaBreach,
  type Withdrawal,
} from './case.state.js';
import type { CaseStatus, Outcome, Priority, ReaderRole, Role } from './case.values.js';

export interface CaseViewer {
  id: string;
  roles: readonly Role[];
}

export type AssignmentView = Assignment;

export interface OpinionView extends Opinion {
  addenda: Addendum[];
}

/** What the case's staff, committees and integrators see: everything, JSON-ready. */
export interface FullCaseView extends CaseRequest {
  visibility: 'full';
  status: CaseStatus;
  round: number;
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
 * What a reader sees while it has a read that it has not submitted, pending (`reading`) or ended
 * without a submission (`blinded`: unassigned, or ended by consensus, closure or withdrawal): its
 * own assignment and the materials that read shows, nothing else (no other reader, opinion,
 * discordance, adjudication, consensus, outcome or reference standard).
 */
export interface ReadingCaseView {
  visibility: 'reading' | 'blinded';
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

/** One assignment as the blinding rule needs it: whose, which round, whether it was submitted. */
export interface ReaderRecord {
  readerId: string;
  round?: number;
  submitted: boolean;
}

/**
 * The blinding rule, for every endpoint and every status: a person who has held an assignment in
 * a round and did not submit in that round sees no more than what its own read showed — before
 * and after consensus, after closure and after reopening, whatever other roles its token carries.
 */
export function isBlindedViewer(records: readonly ReaderRecord[], viewerId: string): boolean {
  const mine = records.filter((record) => record.readerId === viewerId);
  const submittedIn = new Set(mine.filter((record) => record.submitted).map((record) => record.round));
  return mine.some((record) => !record.submitted && !submittedIn.has(record.round));
}

const readerRecords = (state: Case): ReaderRecord[] =>
  [...state.assignments.values()].map((assignment) => ({
    readerId: assignment.readerId,
    round: assignment.round,
    submitted: hasSubmitted(state, assignment),
  }));

/**
 * The case as `viewer` may see it. Blinding follows the person, not the token (isBlindedViewer).
 * A radiologist (and nothing else) that never held an assignment on the case, or was unassigned
 * from every one, sees nothing.
 */
export function caseViewFor(state: Case, viewer: CaseViewer): CaseView {
  const mine = [...state.assignments.values()].filter((assignment) => assignment.readerId === viewer.id);
  const radiologistOnly = viewer.roles.every((role) => role === 'radiologist');
  if (radiologistOnly && !mine.some((assignment) => assignment.status !== 'unassigned')) {
    throw caseError(
      'not-your-assignment',
      `Reader ${viewer.id} holds no assignment on case ${state.caseId}; a radiologist sees only the cases it is assigned to.`,
    );
  }
  if (isBlindedViewer(readerRecords(state), viewer.id)) return blindedView(state, mine);
  return fullView(state);
}

/** The reader's unsubmitted assignment that matters most: a pending one, else the latest one. */
function blindedView(state: Case, mine: readonly Assignment[]): ReadingCaseView {
  const unsubmitted = mine.filter((assignment) => !hasSubmitted(state, assignment));
  const pending = unsubmitted.find(
    (assignment) =>
      assignment.status === 'open' &&
      assignment.round === state.round &&
      READING_ROLES[state.status]?.includes(assignment.role),
  );
  const assignment =
    pending ?? unsubmitted.findLast((candidate) => candidate.status !== 'unassigned') ?? unsubmitted.at(-1)!;
  const { caseId, status, round, request } = state;
  return {
    visibility: pending ? 'reading' : 'blinded',
    caseId,
    status,
    round,
    patientRef: request.patientRef,
    priority: request.priority,
    dueAt: request.dueAt,
    assignment,
    // A pending read shows what a read started now would; an ended one what it was shown.
    materials: pending
      ? materialsShown(state, shownFor(pending, state))
      : materialsShown(state, assignment.shown, assignment.round),
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
