/**
 * The closed value sets of docs/domain.md. They are the stored format and the integrators' vocabulary,
 * so the HTTP layer validates request bodies against these same lists.
 */
export const PRIORITIES = ['routine', 'urgent', 'stat'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const MODALITIES = ['CR', 'DX', 'XR'] as const;
export type Modality = (typeof MODALITIES)[number];

export const REQUESTER_KINDS = [
  'patient',
  'referring-physician',
  'insurer',
  'legal-counsel',
  'other',
] as const;
export type RequesterKind = (typeof REQUESTER_KINDS)[number];

export const READS_REQUIRED = [1, 2] as const;
export type ReadsRequired = (typeof READS_REQUIRED)[number];

export const READER_ROLES = ['primary', 'adjudicator', 'panelist'] as const;
export type ReaderRole = (typeof READER_ROLES)[number];

export const PRESENCES = ['present', 'absent', 'uncertain'] as const;
export type Presence = (typeof PRESENCES)[number];

export const LATERALITIES = ['left', 'right', 'bilateral'] as const;
export type Laterality = (typeof LATERALITIES)[number];

/** ACR RADPEER (2016): 1 concur; 2a/2b understandable miss; 3a/3b should be made; b = likely clinically significant. */
export const RADPEER_SCORES = ['1', '2a', '2b', '3a', '3b'] as const;
export type RadpeerScore = (typeof RADPEER_SCORES)[number];

/** What a reader may be shown; `ReadStarted.shown` holds these, in this order. */
export const SHOWN_MATERIALS = [
  'images',
  'clinical-question',
  'prior-report',
  'primary-opinions',
  'adjudication',
] as const;
export type ShownMaterial = (typeof SHOWN_MATERIALS)[number];

export const ESCALATION_LEVELS = ['adjudication', 'panel'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export const ESCALATION_REASONS = [
  'reader-discordance',
  'significant-discrepancy',
  'low-confidence',
  'requester-appeal',
  'clinical-concern',
  'quality-review',
  'sla-breach',
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

export const SEVERITIES = ['major', 'minor'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONSENSUS_METHODS = ['concordance', 'adjudication', 'panel-majority'] as const;
export type ConsensusMethod = (typeof CONSENSUS_METHODS)[number];

export const OUTCOMES = ['confirmed', 'amended', 'overturned', 'no-prior'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const REFERENCE_STANDARD_SOURCES = [
  'pathology',
  'follow-up-imaging',
  'clinical-outcome',
  'external-panel',
] as const;
export type ReferenceStandardSource = (typeof REFERENCE_STANDARD_SOURCES)[number];

export const SIGNATURE_MEANINGS = ['authorship', 'approval'] as const;
export type SignatureMeaning = (typeof SIGNATURE_MEANINGS)[number];

export const CASE_STATUSES = [
  'requested',
  'in-review',
  'awaiting-adjudication',
  'awaiting-panel',
  'consensus',
  'closed',
  'withdrawn',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The roles a token may carry (docs/api.md). */
export const TOKEN_ROLES = [
  'integrator',
  'coordinator',
  'radiologist',
  'quality-committee',
  'medico-legal',
  'admin',
] as const;

/** An actor's role: a token's, or `system` (the engine and its process managers). */
export const ROLES = [...TOKEN_ROLES, 'system'] as const;
export type Role = (typeof ROLES)[number];

/** `selectedOpinionId` and discordance values name the prior report with this id. */
export const PRIOR_REPORT = 'prior-report';

export const isOneOf = <Value extends string | number>(
  values: readonly Value[],
  value: unknown,
): value is Value => (values as readonly unknown[]).includes(value);

/** Why the engine ended an unsubmitted assignment (AssignmentEnded). */
export const ASSIGNMENT_END_REASONS = ['consensus-reached', 'case-closed', 'case-withdrawn'] as const;
export type AssignmentEndReason = (typeof ASSIGNMENT_END_REASONS)[number];
