import type { Finding } from './findings.js';
import type { PriorReport, PriorReportScore, Requester, Study } from './case.events.js';
import type {
  EscalationLevel,
  EscalationReason,
  Priority,
  RadpeerScore,
  ReaderRole,
  ReferenceStandardSource,
  Role,
} from './case.values.js';

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

interface CommandOf<Type extends string, Data extends object> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

// `data` is the HTTP body plus the id the path names (assignmentId, opinionId); the case id
// travels with the stream (caseStreamId), except on the request that creates it.

export type RequestSecondOpinion = CommandOf<
  'RequestSecondOpinion',
  {
    caseId: string;
    patientRef: string;
    study: Study;
    clinicalQuestion: string;
    requester: Requester;
    priority: Priority;
    /** 1 or 2; the policy's default when absent. */
    readsRequired?: number;
    priorReport?: PriorReport;
  }
>;

export type AssignReader = CommandOf<
  'AssignReader',
  { readerId: string; role: ReaderRole; blinded?: boolean }
>;

export type UnassignReader = CommandOf<'UnassignReader', { assignmentId: string; reason: string }>;

export type StartRead = CommandOf<'StartRead', { assignmentId: string }>;

export type SubmitOpinion = CommandOf<
  'SubmitOpinion',
  {
    assignmentId: string;
    findings: Finding[];
    impression: string;
    confidence: number;
    priorReportReview?: PriorReportScore;
  }
>;

export type ReviewPriorReport = CommandOf<
  'ReviewPriorReport',
  { assignmentId: string; score: RadpeerScore; comment?: string }
>;

export type SubmitAdjudication = CommandOf<
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

export type EscalateCase = CommandOf<'EscalateCase', { level: EscalationLevel; reason: EscalationReason }>;

export type CloseCase = CommandOf<'CloseCase', { note?: string }>;

export type ReopenCase = CommandOf<'ReopenCase', { reason: string }>;

export type WithdrawCase = CommandOf<'WithdrawCase', { reason: string }>;

export type AppendAddendum = CommandOf<'AppendAddendum', { opinionId: string; text: string; reason: string }>;

export type RecordReferenceStandard = CommandOf<
  'RecordReferenceStandard',
  { source: ReferenceStandardSource; findings: Finding[]; note?: string }
>;

/** Sent by the SLA process manager (actor role `system`); the breach time is `metadata.now`. */
export type RecordSlaBreach = CommandOf<'RecordSlaBreach', Record<string, never>>;

export type CaseCommand =
  | RequestSecondOpinion
  | AssignReader
  | UnassignReader
  | StartRead
  | SubmitOpinion
  | ReviewPriorReport
  | SubmitAdjudication
  | EscalateCase
  | CloseCase
  | ReopenCase
  | WithdrawCase
  | AppendAddendum
  | RecordReferenceStandard
  | RecordSlaBreach;

export type CaseCommandType = CaseCommand['type'];
