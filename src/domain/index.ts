/** The pure case domain as the tests use it: only what is imported from here is exported. */
export { DomainError } from './kernel/domain-error.js';

export {
  CASE_STATUSES,
  type CaseStatus,
  type EscalationLevel,
  type EscalationReason,
  type Outcome,
  type Presence,
  type Priority,
  type RadpeerScore,
  type ReaderRole,
  type ReferenceStandardSource,
  type Role,
  type Severity,
  type ShownMaterial,
  type AssignmentEndReason,
} from './case/case.values.js';
export { CASE_ERROR_CODES } from './case/case.errors.js';
export { defaultCasePolicy, type CasePolicy } from './case/case.policy.js';
export type { Actor, CaseCommandType, CommandMetadata } from './case/case.commands.js';
export {
  CASE_EVENT_SCHEMA_VERSIONS,
  CASE_EVENT_TYPES,
  type AddendumAppended,
  type AdjudicationDecided,
  type CaseClosed,
  type CaseEscalated,
  type CaseEvent,
  type CaseReopened,
  type CaseWithdrawn,
  type ConsensusReached,
  type DiscordanceDetected,
  type OpinionSubmitted,
  type PriorReport,
  type PriorReportReviewed,
  type PriorReportScore,
  type ReadStarted,
  type ReaderAssigned,
  type ReaderUnassigned,
  type ReferenceStandardRecorded,
  type SecondOpinionRequested,
  type Signature,
  type SlaBreached,
  type AssignmentEnded,
} from './case/case.events.js';
export { EventSchemaError, upcastCaseEvent, type CaseEventUpcasters } from './case/case.upcasters.js';
export { currentConsensus, currentReferenceStandard, type Case } from './case/case.state.js';
export { ACCEPTED_COMMANDS, ASSIGNABLE_ROLE, ESCALATION_LEVEL } from './case/case.lifecycle.js';
export { caseStreamId } from './case/case.stream.js';
export { materialsFor, shownFor } from './case/blinding.js';
export { caseStatusSummary, caseViewFor } from './case/case-view.js';
export { type Finding, type FindingDisagreement } from './case/findings.js';
export { outcomeOf } from './case/outcome.js';
