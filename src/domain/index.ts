/** The pure case domain: what the application layer and projections may use. */
export { assertNever, type Decider, type DomainEvent } from './shared/decider.js';
export { DomainError } from './shared/domain-error.js';

export * from './case/case.values.js';
export { CASE_ERROR_CODES, type CaseErrorCode } from './case/case.errors.js';
export { defaultCasePolicy, type CasePolicy } from './case/case.policy.js';
export type * from './case/case.commands.js';
export * from './case/case.events.js';
export {
  CASE_EVENT_UPCASTERS,
  EventSchemaError,
  upcastCaseEvent,
  type CaseEventUpcasters,
  type EventData,
  type EventUpcaster,
  type StoredCaseEvent,
} from './case/case.upcasters.js';
export * from './case/case.state.js';
export {
  ACCEPTED_COMMANDS,
  ASSIGNABLE_ROLE,
  ESCALATION_LEVEL,
  READING_ROLES,
  statusesAccepting,
} from './case/case.lifecycle.js';
export { caseStreamId, createCaseDecider } from './case/case.decider.js';
export {
  ENTITLED_MATERIALS,
  materialsFor,
  materialsShown,
  shownFor,
  type AnonymousOpinion,
  type ReadingMaterials,
} from './case/blinding.js';
export {
  caseStatusSummary,
  caseViewFor,
  isAssignedReader,
  type AssignmentView,
  type CaseStatusSummary,
  type CaseView,
  type CaseViewer,
  type FullCaseView,
  type OpinionView,
  type ReadingCaseView,
} from './case/case-view.js';
export * from './case/findings.js';
export { outcomeOf } from './case/outcome.js';
export { concordantFindings, panelMajorityFindings, type MergedFindings } from './case/consensus.js';
export { dueAtFor } from './case/commands/request-second-opinion.js';
