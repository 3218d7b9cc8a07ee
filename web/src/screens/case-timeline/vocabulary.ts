import type { Finding, Integrity } from './case-record';

/**
 * The engine's closed vocabularies (docs/domain.md, docs/events.md) in the words a committee or a
 * court reads. A value this table does not know (a newer engine) is shown as the engine wrote it.
 */
const STATUS = {
  requested: 'Requested',
  'in-review': 'In review',
  'awaiting-adjudication': 'Awaiting adjudication',
  'awaiting-panel': 'Awaiting panel',
  consensus: 'Consensus reached',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
} as const;

const OUTCOME = {
  confirmed: 'Confirmed (the prior report stands)',
  amended: 'Amended (the prior report was partly wrong)',
  overturned: 'Overturned (the prior report was wrong)',
  'no-prior': 'No prior report to compare',
} as const;

const SHOWN = {
  images: 'images',
  'clinical-question': 'clinical question',
  'prior-report': 'prior report',
  'primary-opinions': 'primary opinions (without reader names)',
  adjudication: 'adjudication',
} as const;

const ESCALATION_REASON = {
  'reader-discordance': 'the readers disagreed',
  'significant-discrepancy': 'a significant discrepancy with the prior report',
  'low-confidence': 'a reader’s low confidence',
  'requester-appeal': 'the requester appealed',
  'clinical-concern': 'a clinical concern',
  'quality-review': 'a quality review',
  'sla-breach': 'the due time passed (SLA breach)',
} as const;

const CONSENSUS_METHOD = {
  concordance: 'concordance (the readers agreed)',
  adjudication: 'adjudication',
  'panel-majority': 'panel majority',
} as const;

const ASSIGNMENT_END = {
  'consensus-reached': 'consensus was reached first',
  'case-closed': 'the case was closed',
  'case-withdrawn': 'the case was withdrawn',
} as const;

const SIGNATURE_MEANING = {
  authorship: 'authorship — the signer wrote it',
  approval: 'approval — the signer decided it',
} as const;

const REQUESTER_KIND = {
  patient: 'patient',
  'referring-physician': 'referring physician',
  insurer: 'insurer',
  'legal-counsel': 'legal counsel',
  other: 'other',
} as const;

const REFERENCE_SOURCE = {
  pathology: 'pathology',
  'follow-up-imaging': 'follow-up imaging',
  'clinical-outcome': 'clinical outcome',
  'external-panel': 'external panel',
} as const;

/** Why a chain link is broken (the engine's ChainBreak), said for the person who must act on it. */
const CHAIN_BREAK: Record<NonNullable<Integrity['reason']>, string> = {
  'missing-revision': 'is missing or out of order: an event was deleted or reordered',
  'prev-hash-mismatch': 'does not link to the event before it: an earlier event was removed or replaced',
  'hash-mismatch': 'does not match its hash: it was altered after it was recorded',
};

const wordFrom =
  <Table extends Record<string, string>>(table: Table) =>
  (value: string | undefined | null): string =>
    value === undefined || value === null ? '—' : ((table as Record<string, string>)[value] ?? value);

export const statusLabel = wordFrom(STATUS);
export const outcomeLabel = wordFrom(OUTCOME);
export const shownLabel = wordFrom(SHOWN);
export const escalationReasonLabel = wordFrom(ESCALATION_REASON);
export const consensusMethodLabel = wordFrom(CONSENSUS_METHOD);
export const assignmentEndLabel = wordFrom(ASSIGNMENT_END);
export const signatureMeaningLabel = wordFrom(SIGNATURE_MEANING);
export const requesterKindLabel = wordFrom(REQUESTER_KIND);
export const referenceSourceLabel = wordFrom(REFERENCE_SOURCE);
export const chainBreakLabel = wordFrom(CHAIN_BREAK);

/** Badge tone of a status or outcome: what needs attention stands out, what is settled is calm. */
const TONE: Record<string, 'ok' | 'warn' | 'alarm' | 'neutral'> = {
  'awaiting-adjudication': 'warn',
  'awaiting-panel': 'warn',
  consensus: 'ok',
  confirmed: 'ok',
  amended: 'warn',
  overturned: 'alarm',
};
export const toneOf = (value: string | undefined): string => (value && TONE[value]) || 'neutral';

export const shownList = (shown: readonly string[] | undefined): string =>
  shown && shown.length > 0 ? shown.map(shownLabel).join(', ') : 'nothing yet';

/** `fracture: present (scaphoid waist, left)`. */
export function findingText(finding: Finding): string {
  const where = [finding.location, finding.laterality].filter(Boolean).join(', ');
  return `${finding.code}: ${finding.presence}${where ? ` (${where})` : ''}`;
}

export const findingsText = (findings: readonly Finding[] | undefined): string =>
  findings && findings.length > 0 ? findings.map(findingText).join('; ') : 'no findings recorded';
