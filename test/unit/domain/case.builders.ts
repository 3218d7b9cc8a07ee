import { createCaseDecider } from '../../../src/application/case/case.decider.js';
import type { AppendAddendum } from '../../../src/application/case/append-addendum/append-addendum.decide.js';
import type { AssignReader } from '../../../src/application/case/assign-reader/assign-reader.decide.js';
import type { CloseCase } from '../../../src/application/case/close-case/close-case.decide.js';
import type { EscalateCase } from '../../../src/application/case/escalate-case/escalate-case.decide.js';
import type { RecordReferenceStandard } from '../../../src/application/case/record-reference-standard/record-reference-standard.decide.js';
import type { RecordSlaBreach } from '../../../src/application/case/record-sla-breach/record-sla-breach.decide.js';
import type { ReopenCase } from '../../../src/application/case/reopen-case/reopen-case.decide.js';
import type { RequestSecondOpinion } from '../../../src/application/case/request-second-opinion/request-second-opinion.decide.js';
import type { ReviewPriorReport } from '../../../src/application/case/review-prior-report/review-prior-report.decide.js';
import type { StartRead } from '../../../src/application/case/start-read/start-read.decide.js';
import type { SubmitAdjudication } from '../../../src/application/case/submit-adjudication/submit-adjudication.decide.js';
import type { SubmitOpinion } from '../../../src/application/case/submit-opinion/submit-opinion.decide.js';
import type { UnassignReader } from '../../../src/application/case/unassign-reader/unassign-reader.decide.js';
import type { WithdrawCase } from '../../../src/application/case/withdraw-case/withdraw-case.decide.js';
import {
  defaultCasePolicy,
  type Actor,
  type AddendumAppended,
  type AssignmentEnded,
  type AssignmentEndReason,
  type AdjudicationDecided,
  type Case,
  type CaseClosed,
  type CaseEscalated,
  type CaseEvent,
  type CasePolicy,
  type CaseReopened,
  type CaseWithdrawn,
  type CommandMetadata,
  type ConsensusReached,
  type DiscordanceDetected,
  type EscalationLevel,
  type EscalationReason,
  type Finding,
  type OpinionSubmitted,
  type Outcome,
  type PriorReport,
  type PriorReportReviewed,
  type PriorReportScore,
  type RadpeerScore,
  type ReaderAssigned,
  type ReaderRole,
  type ReaderUnassigned,
  type ReadStarted,
  type ReferenceStandardRecorded,
  type ReferenceStandardSource,
  type SecondOpinionRequested,
  type ShownMaterial,
  type Signature,
  type SlaBreached,
} from '../../../src/domain/index.js';
import { deciderSpecification } from './decider-specification.js';

/** Builders that keep each test row to the facts that matter. Ids derive from the reader: asg-<reader>, op-<reader>. */

export const CASE_ID = '0b5c3a4e-1d2f-4a6b-9c8d-7e6f5a4b3c2d';
export const REQUESTED_AT = '2025-03-03T08:00:00.000Z';
/** Server time of every command after the request. */
export const NOW = '2025-03-03T09:00:00.000Z';
export const ROUTINE_DUE_AT = '2025-03-06T08:00:00.000Z';
export const PRIOR_AUTHOR = 'dr-prior';

export const specification = (policy: CasePolicy = defaultCasePolicy) =>
  deciderSpecification(createCaseDecider(policy));
export const { given, fold } = specification();

/** The folded state of a history that created the case. */
export function caseAfter(history: readonly CaseEvent[]): Case {
  const state = fold(history);
  if (!state.exists) throw new Error('The history does not create the case.');
  return state;
}

// Findings

export const present = (code: string, details: Omit<Finding, 'code' | 'presence'> = {}): Finding => ({
  code,
  presence: 'present',
  ...details,
});
export const absent = (code: string): Finding => ({ code, presence: 'absent' });
export const uncertain = (code: string): Finding => ({ code, presence: 'uncertain' });

export const assignmentIdOf = (readerId: string): string => `asg-${readerId}`;
export const opinionIdOf = (readerId: string): string => `op-${readerId}`;

export const PRIOR: PriorReport = {
  author: PRIOR_AUTHOR,
  institution: 'Outside Imaging',
  findings: [absent('fracture'), present('joint-effusion')],
  impression: 'No fracture. Small joint effusion.',
};

export const BLINDED: ShownMaterial[] = ['images', 'clinical-question'];
export const UNBLINDED: ShownMaterial[] = ['images', 'clinical-question', 'prior-report'];

export const signature = (signerName: string, meaning: Signature['meaning'] = 'authorship'): Signature => ({
  signerName,
  meaning,
  signedAt: NOW,
});

// Events

export const requested = (data: Partial<SecondOpinionRequested['data']> = {}): SecondOpinionRequested => ({
  type: 'SecondOpinionRequested',
  data: {
    caseId: CASE_ID,
    patientRef: 'patient-42',
    study: {
      studyInstanceUid: '1.2.840.113619.2.55.3.604688119',
      modality: 'DX',
      bodyRegion: 'wrist',
      studyDate: '2025-02-27',
    },
    clinicalQuestion: 'Fall on outstretched hand: scaphoid fracture?',
    requester: { kind: 'patient', id: 'patient-42' },
    priority: 'routine',
    dueAt: ROUTINE_DUE_AT,
    readsRequired: 2,
    ...data,
  },
});

interface AssignmentOptions {
  role?: ReaderRole;
  blinded?: boolean;
  round?: number;
  assignmentId?: string;
}

export const assigned = (readerId: string, options: AssignmentOptions = {}): ReaderAssigned => {
  const role = options.role ?? 'primary';
  return {
    type: 'ReaderAssigned',
    data: {
      assignmentId: options.assignmentId ?? assignmentIdOf(readerId),
      round: options.round ?? 1,
      readerId,
      role,
      blinded: options.blinded ?? role === 'primary',
    },
  };
};

export const unassigned = (
  readerId: string,
  assignmentId = assignmentIdOf(readerId),
  reason = 'Reader on leave',
): ReaderUnassigned => ({ type: 'ReaderUnassigned', data: { assignmentId, reason } });

export const started = (
  readerId: string,
  shown: ShownMaterial[] = BLINDED,
  assignmentId = assignmentIdOf(readerId),
): ReadStarted => ({ type: 'ReadStarted', data: { assignmentId, readerId, shown } });

interface OpinionOptions {
  role?: ReaderRole;
  round?: number;
  confidence?: number;
  impression?: string;
  priorReportReview?: PriorReportScore;
  opinionId?: string;
  assignmentId?: string;
  signerName?: string;
  /** The integrator that submitted the opinion for its reader (the signature's agent). */
  agent?: Signature['agent'];
}

export const submitted = (
  readerId: string,
  findings: Finding[],
  options: OpinionOptions = {},
): OpinionSubmitted => ({
  type: 'OpinionSubmitted',
  data: {
    opinionId: options.opinionId ?? opinionIdOf(readerId),
    assignmentId: options.assignmentId ?? assignmentIdOf(readerId),
    round: options.round ?? 1,
    readerId,
    role: options.role ?? 'primary',
    findings,
    impression: options.impression ?? `Impression of ${readerId}.`,
    confidence: options.confidence ?? 4,
    ...(options.priorReportReview && { priorReportReview: options.priorReportReview }),
    signature: {
      ...signature(options.signerName ?? readerId),
      ...(options.agent && { agent: options.agent }),
    },
  },
});

export const reviewed = (readerId: string, score: RadpeerScore, comment?: string): PriorReportReviewed => ({
  type: 'PriorReportReviewed',
  data: {
    assignmentId: assignmentIdOf(readerId),
    readerId,
    score,
    ...(comment !== undefined && { comment }),
    shown: ['prior-report'],
    signature: signature(readerId),
  },
});

export const discordance = (
  data: Omit<DiscordanceDetected['data'], 'round'> & { round?: number },
): DiscordanceDetected => ({ type: 'DiscordanceDetected', data: { round: 1, ...data } });

export const escalated = (level: EscalationLevel, reason: EscalationReason): CaseEscalated => ({
  type: 'CaseEscalated',
  data: { level, reason },
});

export const adjudicated = (
  adjudicatorId: string,
  decision: { selectedOpinionId?: string; findings: Finding[] },
  rationale = 'Fracture line visible on the oblique view.',
): AdjudicationDecided => ({
  type: 'AdjudicationDecided',
  data: { adjudicatorId, ...decision, rationale, signature: signature(adjudicatorId, 'approval') },
});

export const consensus = (
  data: Partial<ConsensusReached['data']> & Pick<ConsensusReached['data'], 'findings' | 'method' | 'outcome'>,
): ConsensusReached => ({
  type: 'ConsensusReached',
  data: {
    round: data.round ?? 1,
    findings: data.findings,
    ...(data.impression !== undefined && { impression: data.impression }),
    method: data.method,
    basedOn: data.basedOn ?? [],
    dissent: data.dissent ?? [],
    outcome: data.outcome,
  },
});

export const closed = (outcome: Outcome): CaseClosed => ({ type: 'CaseClosed', data: { outcome } });

export const reopened = (
  round: number,
  reason = 'Requester appeal with new clinical history',
): CaseReopened => ({
  type: 'CaseReopened',
  data: { reason, round },
});

export const withdrawn = (reason = 'Requester withdrew the request'): CaseWithdrawn => ({
  type: 'CaseWithdrawn',
  data: { reason },
});

export const addendumAppended = (
  readerId: string,
  text = 'On review, the effusion is small.',
  reason = 'Clarification',
): AddendumAppended => ({
  type: 'AddendumAppended',
  data: { opinionId: opinionIdOf(readerId), text, reason, signature: signature(readerId) },
});

export const referenceRecorded = (
  source: ReferenceStandardSource,
  findings: Finding[],
  recordedBy = COORDINATOR.id,
  note?: string,
): ReferenceStandardRecorded => ({
  type: 'ReferenceStandardRecorded',
  data: { source, findings, recordedBy, ...(note !== undefined && { note }) },
});

export const assignmentEnded = (
  readerId: string,
  reason: AssignmentEndReason,
  { role = 'primary', round = 1 }: { role?: ReaderRole; round?: number } = {},
): AssignmentEnded => ({
  type: 'AssignmentEnded',
  data: { assignmentId: assignmentIdOf(readerId), readerId, role, round, reason },
});

export const slaBreached = (detectedAt: string, dueAt = ROUTINE_DUE_AT): SlaBreached => ({
  type: 'SlaBreached',
  data: { dueAt, detectedAt },
});

/** Assigned and started: the read is open. */
export const reading = (readerId: string, options: AssignmentOptions & { shown?: ShownMaterial[] } = {}) => [
  assigned(readerId, options),
  started(
    readerId,
    options.shown ?? (options.blinded === false ? UNBLINDED : BLINDED),
    options.assignmentId ?? assignmentIdOf(readerId),
  ),
];

/** Assigned, started and submitted. */
export const hasRead = (
  readerId: string,
  findings: Finding[],
  options: AssignmentOptions & OpinionOptions & { shown?: ShownMaterial[] } = {},
): CaseEvent[] => [...reading(readerId, options), submitted(readerId, findings, options)];

// Actors and commands

export const COORDINATOR: Actor = { id: 'coord-1', role: 'coordinator' };
export const SYSTEM: Actor = { id: 'sla-watch', role: 'system' };
export const radiologist = (id: string, name?: string): Actor => ({
  id,
  role: 'radiologist',
  ...(name !== undefined && { name }),
});
export const integrator = (onBehalfOf?: Actor['onBehalfOf']): Actor => ({
  id: 'portal-1',
  role: 'integrator',
  ...(onBehalfOf && { onBehalfOf }),
});

export const metadata = (actor: Actor, overrides: Partial<CommandMetadata> = {}): CommandMetadata => ({
  actor,
  now: NOW,
  occurredAt: overrides.now ?? NOW,
  ...overrides,
});

export const requestCase = (
  data: Partial<RequestSecondOpinion['data']> = {},
  meta: Partial<CommandMetadata> = {},
): RequestSecondOpinion => {
  const { caseId, patientRef, study, clinicalQuestion, requester, priority } = requested().data;
  return {
    type: 'RequestSecondOpinion',
    data: { caseId, patientRef, study, clinicalQuestion, requester, priority, ...data },
    metadata: metadata(COORDINATOR, { now: REQUESTED_AT, occurredAt: REQUESTED_AT, ...meta }),
  };
};

export const assign = (
  readerId: string,
  data: { role?: ReaderRole; blinded?: boolean } = {},
  newId = assignmentIdOf(readerId),
): AssignReader => ({
  type: 'AssignReader',
  data: {
    readerId,
    role: data.role ?? 'primary',
    ...(data.blinded !== undefined && { blinded: data.blinded }),
  },
  metadata: metadata(COORDINATOR, { newId }),
});

export const unassign = (assignmentId: string, reason = 'Reader on leave'): UnassignReader => ({
  type: 'UnassignReader',
  data: { assignmentId, reason },
  metadata: metadata(COORDINATOR),
});

export const startRead = (readerId: string, actor: Actor = radiologist(readerId)): StartRead => ({
  type: 'StartRead',
  data: { assignmentId: assignmentIdOf(readerId) },
  metadata: metadata(actor),
});

export const submitOpinion = (
  readerId: string,
  findings: Finding[],
  data: Partial<Omit<SubmitOpinion['data'], 'findings'>> = {},
  actor: Actor = radiologist(readerId),
): SubmitOpinion => ({
  type: 'SubmitOpinion',
  data: {
    assignmentId: assignmentIdOf(readerId),
    findings,
    impression: `Impression of ${readerId}.`,
    confidence: 4,
    ...data,
  },
  metadata: metadata(actor, { newId: opinionIdOf(readerId) }),
});

export const reviewPriorReport = (
  readerId: string,
  score: RadpeerScore,
  comment?: string,
  actor: Actor = radiologist(readerId),
): ReviewPriorReport => ({
  type: 'ReviewPriorReport',
  data: { assignmentId: assignmentIdOf(readerId), score, ...(comment !== undefined && { comment }) },
  metadata: metadata(actor),
});

export const adjudicate = (
  readerId: string,
  decision: { selectedOpinionId?: string; findings?: Finding[] },
  actor: Actor = radiologist(readerId),
): SubmitAdjudication => ({
  type: 'SubmitAdjudication',
  data: {
    assignmentId: assignmentIdOf(readerId),
    ...decision,
    rationale: 'Fracture line visible on the oblique view.',
  },
  metadata: metadata(actor),
});

export const escalate = (
  level: EscalationLevel,
  reason: EscalationReason = 'clinical-concern',
): EscalateCase => ({
  type: 'EscalateCase',
  data: { level, reason },
  metadata: metadata(COORDINATOR),
});

export const closeCase = (note?: string): CloseCase => ({
  type: 'CloseCase',
  data: note === undefined ? {} : { note },
  metadata: metadata(COORDINATOR),
});

export const reopenCase = (reason = 'Requester appeal with new clinical history'): ReopenCase => ({
  type: 'ReopenCase',
  data: { reason },
  metadata: metadata(COORDINATOR),
});

export const withdrawCase = (reason = 'Requester withdrew the request'): WithdrawCase => ({
  type: 'WithdrawCase',
  data: { reason },
  metadata: metadata(COORDINATOR),
});

export const appendAddendum = (
  readerId: string,
  actor: Actor = radiologist(readerId),
  opinionId = opinionIdOf(readerId),
): AppendAddendum => ({
  type: 'AppendAddendum',
  data: { opinionId, text: 'On review, the effusion is small.', reason: 'Clarification' },
  metadata: metadata(actor),
});

export const recordReferenceStandard = (
  source: ReferenceStandardSource,
  findings: Finding[],
  actor: Actor = COORDINATOR,
  note?: string,
): RecordReferenceStandard => ({
  type: 'RecordReferenceStandard',
  data: { source, findings, ...(note !== undefined && { note }) },
  metadata: metadata(actor),
});

export const recordSlaBreach = (now: string): RecordSlaBreach => ({
  type: 'RecordSlaBreach',
  data: {},
  metadata: metadata(SYSTEM, { now }),
});
