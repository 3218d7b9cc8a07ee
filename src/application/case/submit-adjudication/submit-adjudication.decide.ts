import { caseError } from '../../../domain/case/case.errors.js';
import type { AdjudicationDecided, CaseEvent } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import type { CasePolicy } from '../../../domain/case/case.policy.js';
import { evolveCase, roundOpinions, type Case } from '../../../domain/case/case.state.js';
import { PRIOR_REPORT } from '../../../domain/case/case.values.js';
import { consensusReached, dissentFrom } from '../../../domain/case/consensus.js';
import { assertKnownFindings, type Finding } from '../../../domain/case/findings.js';
import {
  assertOpen,
  readerAssignment,
  requireOpinion,
  signatureOf,
} from '../../../domain/case/preconditions.js';

export type SubmitAdjudication = CaseCommandOf<
  'SubmitAdjudication',
  {
    assignmentId: string;
    /** A primary opinion of the current round, or `prior-report`. */
    selectedOpinionId?: string;
    /** The adjudicator's own findings, instead of a selection. */
    findings?: Finding[];
    rationale: string;
  }
>;

/** What the final findings are taken from: a primary opinion, the prior report, or the adjudicator itself. */
interface Decision {
  findings: Finding[];
  impression?: string;
  basedOn: string[];
}

const EXACTLY_ONE =
  'An adjudication either selects an opinion (selectedOpinionId, or "prior-report") or records its own findings; give exactly one of them.';

function decisionOf(command: SubmitAdjudication, state: Case, policy: CasePolicy): Decision {
  const { selectedOpinionId, findings } = command.data;
  if (findings !== undefined) {
    if (selectedOpinionId !== undefined) throw caseError('invalid-adjudication', EXACTLY_ONE);
    assertKnownFindings(findings, policy.findingVocabulary, 'The adjudication');
    return { findings, basedOn: [] };
  }
  if (selectedOpinionId === undefined) throw caseError('invalid-adjudication', EXACTLY_ONE);
  if (selectedOpinionId === PRIOR_REPORT) {
    const { priorReport } = state.request;
    if (!priorReport) {
      throw caseError(
        'no-prior-report',
        `Case ${state.caseId} has no prior report to select; select an opinion instead.`,
      );
    }
    return {
      findings: priorReport.findings,
      ...(priorReport.impression !== undefined && { impression: priorReport.impression }),
      basedOn: [],
    };
  }
  const opinion = requireOpinion(state, selectedOpinionId);
  const selectable = roundOpinions(state, 'primary');
  if (!selectable.includes(opinion)) {
    throw caseError(
      'invalid-adjudication',
      `Opinion ${opinion.opinionId} is not a primary opinion of round ${state.round}; select one of: ${[
        ...selectable.map((primary) => primary.opinionId),
        PRIOR_REPORT,
      ].join(', ')}.`,
    );
  }
  return { findings: opinion.findings, impression: opinion.impression, basedOn: [opinion.opinionId] };
}

/** The adjudicator's decision, then the consensus it makes (same append). */
export function submitAdjudication(
  command: SubmitAdjudication,
  state: Case,
  policy: CasePolicy,
): CaseEvent[] {
  const { data, metadata } = command;
  const { assignment, person } = readerAssignment(state, command, 'SubmitAdjudication');
  if (assignment.role !== 'adjudicator') {
    throw caseError(
      'not-the-adjudicator',
      `Assignment ${assignment.assignmentId} is a ${assignment.role}'s; only the assigned adjudicator decides, on its adjudicator assignment.`,
    );
  }
  assertOpen(assignment);
  if (!assignment.readStarted) {
    throw caseError(
      'read-not-started',
      `Assignment ${assignment.assignmentId} has no started read; start it (StartRead) before deciding.`,
    );
  }
  const { findings, impression, basedOn } = decisionOf(command, state, policy);

  const decided: AdjudicationDecided = {
    type: 'AdjudicationDecided',
    data: {
      adjudicatorId: assignment.readerId,
      ...(data.selectedOpinionId !== undefined && { selectedOpinionId: data.selectedOpinionId }),
      findings,
      rationale: data.rationale,
      signature: signatureOf(person, 'approval', metadata),
    },
  };
  return [
    decided,
    consensusReached(evolveCase(state, decided), policy, {
      findings,
      ...(impression !== undefined && { impression }),
      method: 'adjudication',
      basedOn,
      dissent: dissentFrom(findings, roundOpinions(state, 'primary')),
    }),
  ];
}
