import type { CaseEvent, ConsensusReached, Dissent, PriorReport } from './case.events.js';
import type { CasePolicy } from './case.policy.js';
import { roundAssignments, roundOpinions, type Case, type Opinion } from './case.state.js';
import { PRIOR_REPORT, type EscalationReason } from './case.values.js';
import {
  assessedCodes,
  disagree,
  disagreements,
  findingFor,
  overallSeverity,
  type Finding,
  type FindingDisagreement,
  type SourcedFindings,
} from './findings.js';
import { outcomeOf } from './outcome.js';

/** Final findings and the opinions not reflected in them. */
export interface MergedFindings {
  findings: Finding[];
  dissent: Dissent[];
}

const sourced = (opinion: Opinion): SourcedFindings => ({
  source: opinion.opinionId,
  findings: opinion.findings,
});

/** One opinion's value for a code. */
interface Vote {
  readonly opinionId: string;
  readonly finding: Finding;
}

/**
 * Merges code by code: `decide` gives a code's final value from the votes of the opinions that
 * assessed it, or undefined when they settle nothing: then the code is `uncertain`, every vote in dissent.
 */
function mergeByCode(
  opinions: readonly Opinion[],
  decide: (votes: readonly Vote[]) => Finding | undefined,
): MergedFindings {
  const findings: Finding[] = [];
  const dissent: Dissent[] = [];
  for (const code of assessedCodes(opinions.map(sourced))) {
    const votes = opinions.flatMap((opinion) => {
      const finding = findingFor(opinion.findings, code);
      return finding ? [{ opinionId: opinion.opinionId, finding }] : [];
    });
    const decided = decide(votes);
    if (decided) {
      findings.push(decided);
    } else {
      findings.push({ code, presence: 'uncertain' });
      dissent.push({ code, opinionIds: votes.map((vote) => vote.opinionId) });
    }
  }
  return { findings, dissent };
}

/**
 * Concordance: the agreed value; present against absent → `uncertain`, listed under dissent;
 * uncertain against a definite value → `uncertain`; a code only one assessed → its value.
 */
export function concordantFindings(opinions: readonly Opinion[]): MergedFindings {
  return mergeByCode(opinions, (votes) => {
    const conflicting = votes.some((a) =>
      votes.some((b) => disagree(a.finding.presence, b.finding.presence)),
    );
    if (conflicting) return undefined;
    const unanimous = votes.every((vote) => vote.finding.presence === votes[0]!.finding.presence);
    return unanimous
      ? votes[0]!.finding
      : votes.find((vote) => vote.finding.presence === 'uncertain')!.finding;
  });
}

/** Panel: a strict majority of the votes cast on a code decides it; without one it is `uncertain`, every vote in dissent. */
export function panelMajorityFindings(votes: readonly Opinion[]): MergedFindings {
  return mergeByCode(votes, (cast) => {
    const majority = cast.find(
      (vote) =>
        cast.filter((other) => other.finding.presence === vote.finding.presence).length * 2 > cast.length,
    );
    return majority?.finding;
  });
}

/** Opinions that disagree with the final value of a code (an adjudication's dissent). */
export function dissentFrom(finalFindings: readonly Finding[], opinions: readonly Opinion[]): Dissent[] {
  return finalFindings.flatMap(({ code, presence }) => {
    const opinionIds = opinions
      .filter((opinion) => {
        const finding = findingFor(opinion.findings, code);
        return finding !== undefined && disagree(finding.presence, presence);
      })
      .map((opinion) => opinion.opinionId);
    return opinionIds.length > 0 ? [{ code, opinionIds }] : [];
  });
}

export function consensusReached(
  state: Case,
  policy: CasePolicy,
  reached: Omit<ConsensusReached['data'], 'round' | 'outcome'>,
): ConsensusReached {
  return {
    type: 'ConsensusReached',
    data: {
      round: state.round,
      ...reached,
      outcome: outcomeOf(reached.findings, state.request.priorReport, policy.findingVocabulary),
    },
  };
}

/** Two primaries are compared with each other; a single one with the prior report (if any). */
function roundDisagreements(
  opinions: readonly Opinion[],
  priorReport: PriorReport | undefined,
  policy: CasePolicy,
): FindingDisagreement[] {
  const [first, second] = opinions;
  if (!first) return [];
  if (second) return disagreements(sourced(first), sourced(second), policy.findingVocabulary);
  if (!priorReport) return [];
  return disagreements(
    sourced(first),
    { source: PRIOR_REPORT, findings: priorReport.findings },
    policy.findingVocabulary,
  );
}

function escalationReason(
  opinions: readonly Opinion[],
  found: readonly FindingDisagreement[],
  scoresForce: boolean,
): EscalationReason | undefined {
  const major = found.some((disagreement) => disagreement.severity === 'major');
  if (major && opinions.length > 1) return 'reader-discordance';
  if (major || scoresForce) return 'significant-discrepancy';
  return undefined;
}

/**
 * Runs after a primary's opinion or prior-report score. Once the round holds all `readsRequired`
 * primary opinions (and, with a prior report, each primary's score): one DiscordanceDetected for
 * every disagreeing code, then an escalation or a concordance consensus. A case someone escalated
 * by hand before that only records the discordance: its adjudicator decides.
 */
export function evaluatePrimaryRound(state: Case, policy: CasePolicy): CaseEvent[] {
  const { readsRequired, priorReport } = state.request;
  const primaries = roundAssignments(state).filter((assignment) => assignment.role === 'primary');
  const opinions = roundOpinions(state, 'primary');
  if (opinions.length < readsRequired) return [];
  const scores = primaries
    .filter((assignment) => assignment.opinionId)
    .map((assignment) => assignment.priorReportReview);
  if (priorReport && scores.some((score) => score === undefined)) return [];

  const found = roundDisagreements(opinions, priorReport, policy);
  const events: CaseEvent[] = [];
  if (found.length > 0) {
    events.push({
      type: 'DiscordanceDetected',
      data: {
        round: state.round,
        opinionIds: opinions.map((opinion) => opinion.opinionId),
        findings: found,
        severity: overallSeverity(found),
      },
    });
  }
  if (state.status !== 'in-review') return events;

  const scoresForce = scores.some(
    (review) => review !== undefined && policy.radpeerScoresForcingAdjudication.includes(review.score),
  );
  const reason = escalationReason(opinions, found, scoresForce);
  if (reason) return [...events, { type: 'CaseEscalated', data: { level: 'adjudication', reason } }];

  const merged = concordantFindings(opinions);
  const [single] = opinions;
  return [
    ...events,
    consensusReached(state, policy, {
      findings: merged.findings,
      ...(opinions.length === 1 && single && { impression: single.impression }),
      method: 'concordance',
      basedOn: opinions.map((opinion) => opinion.opinionId),
      dissent: merged.dissent,
    }),
  ];
}

/** When every panelist still assigned (at least `panelMinSize`) has voted: the panel's consensus. */
export function evaluatePanel(state: Case, policy: CasePolicy): CaseEvent[] {
  if (state.status !== 'awaiting-panel') return [];
  const panelists = roundAssignments(state).filter(
    (assignment) => assignment.role === 'panelist' && assignment.status !== 'unassigned',
  );
  if (panelists.length < policy.panelMinSize || panelists.some((panelist) => !panelist.opinionId)) return [];
  const votes = roundOpinions(state, 'panelist');
  const merged = panelMajorityFindings(votes);
  return [
    consensusReached(state, policy, {
      findings: merged.findings,
      method: 'panel-majority',
      basedOn: votes.map((vote) => vote.opinionId),
      dissent: merged.dissent,
    }),
  ];
}
