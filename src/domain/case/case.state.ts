import { assertNever } from '../kernel/decider.js';
import type {
  AddendumAppended,
  AdjudicationDecided,
  CaseClosed,
  CaseEscalated,
  CaseEvent,
  CaseWithdrawn,
  ConsensusReached,
  DiscordanceDetected,
  OpinionSubmitted,
  PriorReportScore,
  ReferenceStandardRecorded,
  SecondOpinionRequested,
  SlaBreached,
} from './case.events.js';
import type { AssignmentEndReason, CaseStatus, ReaderRole, ShownMaterial } from './case.values.js';
import { SHOWN_MATERIALS } from './case.values.js';

/** `ended`: closed by the case (consensus, closure, withdrawal, reopening, escalation to a panel), not by a coordinator. */
export type AssignmentStatus = 'open' | 'ended' | 'unassigned';

export interface Assignment {
  readonly assignmentId: string;
  readonly round: number;
  readonly readerId: string;
  readonly role: ReaderRole;
  readonly blinded: boolean;
  readonly status: AssignmentStatus;
  readonly unassignReason?: string;
  /** Why the engine ended it unsubmitted (AssignmentEnded); absent for endings older than that event. */
  readonly endReason?: AssignmentEndReason;
  readonly readStarted: boolean;
  /** Everything shown so far (every ReadStarted and PriorReportReviewed), in vocabulary order. */
  readonly shown: readonly ShownMaterial[];
  readonly opinionId?: string;
  /** The primary's RADPEER score of the prior report, from its opinion or a later PriorReportReviewed. */
  readonly priorReportReview?: PriorReportScore;
}

export type Opinion = OpinionSubmitted['data'];
export type CaseRequest = SecondOpinionRequested['data'];
export type Discordance = DiscordanceDetected['data'];
export type Escalation = CaseEscalated['data'];
export type Adjudication = AdjudicationDecided['data'];
export type Consensus = ConsensusReached['data'];
export type Closure = CaseClosed['data'];
export type Withdrawal = CaseWithdrawn['data'];
export type Addendum = AddendumAppended['data'];
export type ReferenceStandard = ReferenceStandardRecorded['data'];
export type SlaBreach = SlaBreached['data'];

/** A reading round: the first one opens with the request, each reopening opens the next. */
export interface Round {
  readonly round: number;
  readonly reopenReason?: string;
  readonly discordances: readonly Discordance[];
  readonly escalations: readonly Escalation[];
  readonly adjudication?: Adjudication;
  readonly consensus?: Consensus;
}

export interface Case {
  readonly exists: true;
  readonly caseId: string;
  readonly status: CaseStatus;
  readonly request: CaseRequest;
  /** The current round, from 1. */
  readonly round: number;
  readonly rounds: readonly Round[];
  /** By assignmentId, in assignment order. */
  readonly assignments: ReadonlyMap<string, Assignment>;
  /** By opinionId, in submission order. */
  readonly opinions: ReadonlyMap<string, Opinion>;
  readonly closures: readonly Closure[];
  readonly withdrawal?: Withdrawal;
  readonly addenda: readonly Addendum[];
  /** In recording order; the last one supersedes the others. */
  readonly referenceStandards: readonly ReferenceStandard[];
  readonly slaBreach?: SlaBreach;
}

export interface NoCase {
  readonly exists: false;
}

export type CaseState = NoCase | Case;

export const initialCaseState = (): CaseState => ({ exists: false });

export function evolveCase(state: CaseState, event: CaseEvent): Case {
  if (event.type === 'SecondOpinionRequested') return requested(event.data);
  // Events are facts: a case stream that does not start with its request is corrupt, not a rule broken.
  if (!state.exists) throw new Error(`Case stream is corrupt: ${event.type} before SecondOpinionRequested.`);
  return evolveExisting(state, event);
}

function requested(request: CaseRequest): Case {
  return {
    exists: true,
    caseId: request.caseId,
    status: 'requested',
    request,
    round: 1,
    rounds: [emptyRound(1)],
    assignments: new Map(),
    opinions: new Map(),
    closures: [],
    addenda: [],
    referenceStandards: [],
  };
}

function evolveExisting(state: Case, event: Exclude<CaseEvent, { type: 'SecondOpinionRequested' }>): Case {
  switch (event.type) {
    case 'ReaderAssigned': {
      const { assignmentId, round, readerId, role, blinded } = event.data;
      const assignment: Assignment = {
        assignmentId,
        round,
        readerId,
        role,
        blinded,
        status: 'open',
        readStarted: false,
        shown: [],
      };
      return {
        ...state,
        status: state.status === 'requested' ? 'in-review' : state.status,
        assignments: new Map(state.assignments).set(assignmentId, assignment),
      };
    }
    case 'ReaderUnassigned':
      return updateAssignment(state, event.data.assignmentId, () => ({
        status: 'unassigned',
        unassignReason: event.data.reason,
      }));
    case 'ReadStarted':
      return updateAssignment(state, event.data.assignmentId, (assignment) => ({
        readStarted: true,
        shown: withShown(assignment.shown, event.data.shown),
      }));
    case 'OpinionSubmitted': {
      const { opinionId, assignmentId, priorReportReview } = event.data;
      const withOpinion = { ...state, opinions: new Map(state.opinions).set(opinionId, event.data) };
      return updateAssignment(withOpinion, assignmentId, () => ({
        opinionId,
        ...(priorReportReview && { priorReportReview }),
      }));
    }
    case 'PriorReportReviewed': {
      const { score, comment } = event.data;
      return updateAssignment(state, event.data.assignmentId, (assignment) => ({
        shown: withShown(assignment.shown, event.data.shown),
        priorReportReview: comment === undefined ? { score } : { score, comment },
      }));
    }
    case 'DiscordanceDetected':
      return updateRound(state, event.data.round, (round) => ({
        discordances: [...round.discordances, event.data],
      }));
    case 'CaseEscalated': {
      const escalated = updateRound(state, state.round, (round) => ({
        escalations: [...round.escalations, event.data],
      }));
      if (event.data.level === 'adjudication') return { ...escalated, status: 'awaiting-adjudication' };
      // The panel takes over from the adjudicator, whose assignment ends with this event.
      return endOpenAssignments(
        { ...escalated, status: 'awaiting-panel' },
        (assignment) => assignment.role === 'adjudicator',
      );
    }
    case 'AdjudicationDecided':
      return updateRound(state, state.round, () => ({ adjudication: event.data }));
    case 'ConsensusReached':
      return {
        ...updateRound(state, event.data.round, () => ({ consensus: event.data })),
        status: 'consensus',
      };
    case 'CaseClosed':
      return { ...state, status: 'closed', closures: [...state.closures, event.data] };
    case 'CaseReopened': {
      const ended = endOpenAssignments(state, () => true);
      return {
        ...ended,
        status: 'in-review',
        round: event.data.round,
        rounds: [...state.rounds, { ...emptyRound(event.data.round), reopenReason: event.data.reason }],
      };
    }
    case 'CaseWithdrawn':
      return { ...endOpenAssignments(state, () => true), status: 'withdrawn', withdrawal: event.data };
    case 'AddendumAppended':
      return { ...state, addenda: [...state.addenda, event.data] };
    case 'ReferenceStandardRecorded':
      return { ...state, referenceStandards: [...state.referenceStandards, event.data] };
    case 'SlaBreached':
      return { ...state, slaBreach: event.data };
    case 'AssignmentEnded':
      return updateAssignment(state, event.data.assignmentId, () => ({
        status: 'ended',
        endReason: event.data.reason,
      }));
    default:
      return assertNever(event, 'case event');
  }
}

const emptyRound = (round: number): Round => ({ round, discordances: [], escalations: [] });

/** Keeps `shown` in vocabulary order without repeats, whatever order it was shown in. */
const withShown = (shown: readonly ShownMaterial[], more: readonly ShownMaterial[]): ShownMaterial[] =>
  SHOWN_MATERIALS.filter((material) => shown.includes(material) || more.includes(material));

function updateAssignment(
  state: Case,
  assignmentId: string,
  change: (assignment: Assignment) => Partial<Assignment>,
): Case {
  const assignment = state.assignments.get(assignmentId);
  if (!assignment) throw new Error(`Case stream is corrupt: assignment ${assignmentId} was never assigned.`);
  return {
    ...state,
    assignments: new Map(state.assignments).set(assignmentId, { ...assignment, ...change(assignment) }),
  };
}

function updateRound(state: Case, roundNumber: number, change: (round: Round) => Partial<Round>): Case {
  return {
    ...state,
    rounds: state.rounds.map((round) =>
      round.round === roundNumber ? { ...round, ...change(round) } : round,
    ),
  };
}

function endOpenAssignments(state: Case, which: (assignment: Assignment) => boolean): Case {
  const assignments = new Map(state.assignments);
  for (const assignment of state.assignments.values()) {
    if (assignment.status === 'open' && which(assignment)) {
      assignments.set(assignment.assignmentId, { ...assignment, status: 'ended' });
    }
  }
  return { ...state, assignments };
}

// Reading the state: small named questions the rules and views ask.

export const currentRound = (state: Case): Round => state.rounds[state.round - 1]!;

/** The newest consensus of any round: a new round's consensus supersedes the old one. */
export const currentConsensus = (state: Case): Consensus | undefined =>
  state.rounds.findLast((round) => round.consensus !== undefined)?.consensus;

/** The last one recorded supersedes the earlier ones (which stay in history). */
export const currentReferenceStandard = (state: Case): ReferenceStandard | undefined =>
  state.referenceStandards.at(-1);

export const roundAssignments = (state: Case, round = state.round): Assignment[] =>
  [...state.assignments.values()].filter((assignment) => assignment.round === round);

/** Opinions of the round by `role`, in submission order. */
export const roundOpinions = (state: Case, role: ReaderRole, round = state.round): Opinion[] =>
  [...state.opinions.values()].filter((opinion) => opinion.round === round && opinion.role === role);
