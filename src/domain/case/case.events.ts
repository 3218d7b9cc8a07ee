import type { DomainEvent } from '../kernel/decider.js';
import { eventTypeGuard, eventTypesOf } from '../kernel/event-types.js';
import type { Finding, FindingDisagreement } from './findings.js';
import type {
  AssignmentEndReason,
  ConsensusMethod,
  EscalationLevel,
  EscalationReason,
  Modality,
  Outcome,
  Priority,
  RadpeerScore,
  ReaderRole,
  ReadsRequired,
  ReferenceStandardSource,
  RequesterKind,
  Severity,
  ShownMaterial,
  SignatureMeaning,
} from './case.values.js';

/** The stored format: names and fields are binding (docs/domain.md "Commands and the events they record"). */

export interface Study {
  studyInstanceUid: string;
  accessionNumber?: string;
  modality: Modality;
  bodyRegion: string;
  studyDate: string;
}

export interface Requester {
  kind: RequesterKind;
  id: string;
  organisation?: string;
}

export interface PriorReport {
  author: string;
  institution?: string;
  reportedAt?: string;
  findings: Finding[];
  impression?: string;
}

/** Who executed a signature for its signer: the integrator that submitted it on the signer's behalf. */
export interface SignatureAgent {
  /** The integrator's actor id (its token's `sub`). */
  id: string;
  /** Its printed name (else the id). */
  name: string;
}

/**
 * Made by the engine, never sent by a client: printed name, meaning and server time (21 CFR 11.50),
 * and the agent when an integrator submitted it. Part of the event's data, so of its hash.
 */
export interface Signature {
  signerName: string;
  meaning: SignatureMeaning;
  signedAt: string;
  /** Optional within schema version 1: absent, the signer submitted the signature itself. */
  agent?: SignatureAgent;
}

export interface PriorReportScore {
  score: RadpeerScore;
  comment?: string;
}

/** Opinions not reflected in the final value of `code`. */
export interface Dissent {
  code: string;
  opinionIds: string[];
}

export type SecondOpinionRequested = DomainEvent<
  'SecondOpinionRequested',
  {
    caseId: string;
    patientRef: string;
    study: Study;
    clinicalQuestion: string;
    requester: Requester;
    priority: Priority;
    /** null for imported history: no SLA applies. */
    dueAt: string | null;
    readsRequired: ReadsRequired;
    priorReport?: PriorReport;
  }
>;

export type ReaderAssigned = DomainEvent<
  'ReaderAssigned',
  { assignmentId: string; round: number; readerId: string; role: ReaderRole; blinded: boolean }
>;

export type ReaderUnassigned = DomainEvent<'ReaderUnassigned', { assignmentId: string; reason: string }>;

export type ReadStarted = DomainEvent<
  'ReadStarted',
  { assignmentId: string; readerId: string; shown: ShownMaterial[] }
>;

export type OpinionSubmitted = DomainEvent<
  'OpinionSubmitted',
  {
    opinionId: string;
    assignmentId: string;
    round: number;
    readerId: string;
    role: ReaderRole;
    findings: Finding[];
    impression: string;
    confidence: number;
    priorReportReview?: PriorReportScore;
    signature: Signature;
  }
>;

/** `signature` is not in docs/domain.md's field list; docs/api.md has reviews signed (meaning authorship). */
export type PriorReportReviewed = DomainEvent<
  'PriorReportReviewed',
  {
    assignmentId: string;
    readerId: string;
    score: RadpeerScore;
    comment?: string;
    shown: ['prior-report'];
    signature: Signature;
  }
>;

export type DiscordanceDetected = DomainEvent<
  'DiscordanceDetected',
  { round: number; opinionIds: string[]; findings: FindingDisagreement[]; severity: Severity }
>;

export type CaseEscalated = DomainEvent<
  'CaseEscalated',
  { level: EscalationLevel; reason: EscalationReason }
>;

export type AdjudicationDecided = DomainEvent<
  'AdjudicationDecided',
  {
    adjudicatorId: string;
    /** A primary opinion of the round, or `prior-report`; absent when the adjudicator recorded its own findings. */
    selectedOpinionId?: string;
    findings: Finding[];
    rationale: string;
    signature: Signature;
  }
>;

export type ConsensusReached = DomainEvent<
  'ConsensusReached',
  {
    round: number;
    findings: Finding[];
    impression?: string;
    method: ConsensusMethod;
    /** The opinions the final findings were taken from. */
    basedOn: string[];
    dissent: Dissent[];
    outcome: Outcome;
  }
>;

/** `note` (optional) carries CloseCase's `note`, which docs/api.md accepts and would otherwise be lost. */
export type CaseClosed = DomainEvent<'CaseClosed', { outcome: Outcome; note?: string }>;

export type CaseReopened = DomainEvent<'CaseReopened', { reason: string; round: number }>;

export type CaseWithdrawn = DomainEvent<'CaseWithdrawn', { reason: string }>;

export type AddendumAppended = DomainEvent<
  'AddendumAppended',
  { opinionId: string; text: string; reason: string; signature: Signature }
>;

export type ReferenceStandardRecorded = DomainEvent<
  'ReferenceStandardRecorded',
  { source: ReferenceStandardSource; findings: Finding[]; recordedBy: string; note?: string }
>;

export type SlaBreached = DomainEvent<'SlaBreached', { dueAt: string; detectedAt: string }>;

/**
 * The engine ended an assignment whose reader never submitted, because the case no longer needs
 * it: the record says the read was never submitted and why it ended.
 */
export type AssignmentEnded = DomainEvent<
  'AssignmentEnded',
  { assignmentId: string; readerId: string; role: ReaderRole; round: number; reason: AssignmentEndReason }
>;

export type CaseEvent =
  | SecondOpinionRequested
  | ReaderAssigned
  | ReaderUnassigned
  | ReadStarted
  | OpinionSubmitted
  | PriorReportReviewed
  | DiscordanceDetected
  | CaseEscalated
  | AdjudicationDecided
  | ConsensusReached
  | CaseClosed
  | CaseReopened
  | CaseWithdrawn
  | AddendumAppended
  | ReferenceStandardRecorded
  | SlaBreached
  | AssignmentEnded;

export type CaseEventType = CaseEvent['type'];

/** The schema version each event type is written with today; raise one with an upcaster (case.upcasters.ts). */
export const CASE_EVENT_SCHEMA_VERSIONS: Record<CaseEventType, number> = {
  SecondOpinionRequested: 1,
  ReaderAssigned: 1,
  ReaderUnassigned: 1,
  ReadStarted: 1,
  OpinionSubmitted: 1,
  PriorReportReviewed: 1,
  DiscordanceDetected: 1,
  CaseEscalated: 1,
  AdjudicationDecided: 1,
  ConsensusReached: 1,
  CaseClosed: 1,
  CaseReopened: 1,
  CaseWithdrawn: 1,
  AddendumAppended: 1,
  ReferenceStandardRecorded: 1,
  SlaBreached: 1,
  AssignmentEnded: 1,
};

export const CASE_EVENT_TYPES = eventTypesOf(CASE_EVENT_SCHEMA_VERSIONS);

export const isCaseEventType = eventTypeGuard(CASE_EVENT_SCHEMA_VERSIONS);
