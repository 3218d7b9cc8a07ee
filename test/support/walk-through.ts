import { type Caller, radiologist } from './api.js';
import type { CaseSteps } from './case-steps.js';

type Json = Record<string, unknown>;

/** rad-a's opinion in the walk-through: the fracture the prior report missed. */
export const FRACTURE_OPINION = 'Non-displaced scaphoid waist fracture.';

/**
 * The events of a 2+1 case that ends in adjudication and closure, in the order they are recorded:
 * revisions 0–15, the engine's own follow-ups (discordance, escalation, consensus) included.
 */
export const TWO_PLUS_ONE_EVENT_TYPES = [
  'SecondOpinionRequested',
  'ReaderAssigned',
  'ReaderAssigned',
  'ReadStarted',
  'OpinionSubmitted',
  'PriorReportReviewed',
  'ReadStarted',
  'OpinionSubmitted',
  'PriorReportReviewed',
  'DiscordanceDetected',
  'CaseEscalated',
  'ReaderAssigned',
  'ReadStarted',
  'AdjudicationDecided',
  'ConsensusReached',
  'CaseClosed',
] as const;

export interface WalkThroughOptions {
  /** Overrides of the request (`secondOpinionRequest`). */
  request?: Json;
  /** The two primaries and the adjudicator: by default Dr rad-a, Dr rad-b and Dr rad-c. */
  readers?: { first?: Caller; second?: Caller; adjudicator?: Caller };
  rationale?: string;
  /** Runs once while the case is open (rad-a's read has started): accesses its access log then shows. */
  whileOpen?: (caseId: string) => Promise<void>;
}

export interface WalkedCase {
  caseId: string;
  /** The closure's revision: 15. */
  revision: number;
  /** What the first primary's read answered (what it was shown). */
  firstRead: Json;
}

/**
 * The README's walk-through through the public API: two blinded primaries disagree on a fracture
 * (the first sees one, the second none), each scores the prior report, the adjudicator selects the
 * fracture, and the coordinator closes the case: the events of TWO_PLUS_ONE_EVENT_TYPES.
 */
export async function walkThroughCase(
  steps: CaseSteps,
  options: WalkThroughOptions = {},
): Promise<WalkedCase> {
  const first = options.readers?.first ?? radiologist('rad-a');
  const second = options.readers?.second ?? radiologist('rad-b');
  const adjudicator = options.readers?.adjudicator ?? radiologist('rad-c');
  const { requestCase, assign, startRead, submitOpinion, command } = steps;

  const caseId = await requestCase(options.request);
  const a = await assign(caseId, first.sub);
  const b = await assign(caseId, second.sub);
  const firstRead = await startRead(caseId, a, first);
  await options.whileOpen?.(caseId);
  await submitOpinion(caseId, a, first, {
    findings: [{ code: 'fracture', presence: 'present', location: 'scaphoid waist' }],
    impression: FRACTURE_OPINION,
  });
  await command(`/api/v1/cases/${caseId}/prior-report-reviews`, { assignmentId: a, score: '3b' }, first);
  await startRead(caseId, b, second);
  await submitOpinion(caseId, b, second, {
    findings: [{ code: 'fracture', presence: 'absent' }],
    impression: 'No fracture seen.',
    confidence: 3,
  });
  await command(`/api/v1/cases/${caseId}/prior-report-reviews`, { assignmentId: b, score: '1' }, second);

  const c = await assign(caseId, adjudicator.sub, 'adjudicator');
  const read = await startRead(caseId, c, adjudicator);
  const opinions = (read.materials as { opinions: Array<{ opinionId: string; impression: string }> })
    .opinions;
  const selected = opinions.find((opinion) => opinion.impression === FRACTURE_OPINION)!;
  await command(
    `/api/v1/cases/${caseId}/adjudication`,
    {
      assignmentId: c,
      selectedOpinionId: selected.opinionId,
      rationale: options.rationale ?? 'Cortical break on the oblique view.',
    },
    adjudicator,
  );
  const closed = await command(`/api/v1/cases/${caseId}/closure`, { note: 'Requester informed.' });
  return { caseId, revision: closed.revision as number, firstRead };
}
