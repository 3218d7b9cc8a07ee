import { assertNever } from '../kernel/decider.js';
import { caseError } from './case.errors.js';
import type { PriorReport, Study } from './case.events.js';
import { currentRound, roundOpinions, type Assignment, type Case } from './case.state.js';
import type { ShownMaterial } from './case.values.js';
import type { Finding } from './findings.js';

type ReadingKind = 'blinded-primary' | 'unblinded-primary' | 'adjudicator' | 'panelist';

/**
 * What each kind of read is entitled to see (docs/domain.md, StartRead). Blinding is decided here, by
 * the engine, and recorded in `ReadStarted.shown`: never by the client.
 */
export const ENTITLED_MATERIALS: Readonly<Record<ReadingKind, readonly ShownMaterial[]>> = {
  'blinded-primary': ['images', 'clinical-question'],
  'unblinded-primary': ['images', 'clinical-question', 'prior-report'],
  adjudicator: ['images', 'clinical-question', 'prior-report', 'primary-opinions'],
  panelist: ['images', 'clinical-question', 'prior-report', 'primary-opinions', 'adjudication'],
};

const readingKind = (assignment: Assignment): ReadingKind => {
  if (assignment.role !== 'primary') return assignment.role;
  return assignment.blinded ? 'blinded-primary' : 'unblinded-primary';
};

/**
 * Only the current round's opinions and adjudication exist for a reader: a reopened round's readers
 * never see an earlier round's opinions or consensus (an unblinded one gets the prior report only).
 */
function isAvailable(material: ShownMaterial, state: Case): boolean {
  switch (material) {
    case 'images':
    case 'clinical-question':
      return true;
    case 'prior-report':
      return state.request.priorReport !== undefined;
    case 'primary-opinions':
      return roundOpinions(state, 'primary').length > 0;
    case 'adjudication':
      return currentRound(state).adjudication !== undefined;
    default:
      return assertNever(material, 'shown material');
  }
}

/** What a read on `assignment` shows now: its entitlement, less what does not exist (yet). */
export const shownFor = (assignment: Assignment, state: Case): ShownMaterial[] =>
  ENTITLED_MATERIALS[readingKind(assignment)].filter((material) => isAvailable(material, state));

/** An opinion as another reader sees it: no reader name, no signature. */
export interface AnonymousOpinion {
  opinionId: string;
  findings: Finding[];
  impression: string;
}

export interface ReadingMaterials {
  study: Study;
  clinicalQuestion: string;
  priorReport?: PriorReport;
  opinions?: AnonymousOpinion[];
  adjudication?: { selectedOpinionId?: string; findings: Finding[]; rationale: string };
}

/** The materials behind `shown` in `round` (the current one by default), exactly: nothing that is not listed in it. */
export function materialsShown(
  state: Case,
  shown: readonly ShownMaterial[],
  round = state.round,
): ReadingMaterials {
  const { priorReport, study, clinicalQuestion } = state.request;
  const adjudication = state.rounds[round - 1]?.adjudication;
  return {
    study,
    clinicalQuestion,
    ...(shown.includes('prior-report') && priorReport && { priorReport }),
    ...(shown.includes('primary-opinions') && {
      opinions: roundOpinions(state, 'primary', round).map(({ opinionId, findings, impression }) => ({
        opinionId,
        findings,
        impression,
      })),
    }),
    ...(shown.includes('adjudication') &&
      adjudication && {
        adjudication: {
          ...(adjudication.selectedOpinionId !== undefined && {
            selectedOpinionId: adjudication.selectedOpinionId,
          }),
          findings: adjudication.findings,
          rationale: adjudication.rationale,
        },
      }),
  };
}

/** The materials of an assignment's reads so far (StartRead's response; after a review, with the prior report). */
export function materialsFor(state: Case, assignmentId: string): ReadingMaterials {
  const assignment = state.assignments.get(assignmentId);
  if (!assignment) {
    throw caseError('not-found', `Assignment ${assignmentId} does not exist on case ${state.caseId}.`, {
      assignmentId,
    });
  }
  if (!assignment.readStarted) {
    throw caseError(
      'read-not-started',
      `Assignment ${assignmentId} has not started a read; start it (StartRead) to receive the materials.`,
    );
  }
  return materialsShown(state, assignment.shown);
}
