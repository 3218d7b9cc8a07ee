import type { DossierEvidence } from '../../application/dossier/dossier-evidence.port.js';
import type { IntegrityVerdict } from '../../application/integrity/hash-chain.js';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import type { FullCaseView } from '../../domain/case/case-view.js';
import type { CaseEvent, Signature } from '../../domain/case/case.events.js';
import type { Finding } from '../../domain/case/findings.js';
import { PRIOR_REPORT, type RadpeerScore } from '../../domain/case/case.values.js';
import { assertNever } from '../../domain/kernel/decider.js';
import {
  CASE_DATA_ACCESSED,
  upcastCaseDataAccessed,
} from '../../projections/access-log/case-data-accessed.event.js';
import { type AssignmentFacts, summarise } from '../../projections/audit-trail/audit-summary.js';
import { actorOf, occurredAtOf } from '../../projections/audit-trail/audit-trail.projection.js';
import type { AccessCut } from './evidence-bundle.js';
import type { BundleCheck } from './evidence-bundle.verifier.js';

/** A label and its value, as the summary and the opinion blocks print them. */
export interface DossierField {
  label: string;
  value: string;
}

/** Who acted, as the event's metadata records it. */
export interface DossierActor {
  id: string;
  role?: string;
  /** The person an integrator acted for. */
  onBehalfOf?: string;
}

export interface TimelineEntry {
  revision: number;
  eventId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: DossierActor;
  /** One sentence naming people and materials (the audit trail's summary). */
  summary: string;
  hash: string;
}

/** A read started, or the prior report shown for scoring: what that reader saw, and when. */
export interface ShownEntry {
  revision: number;
  occurredAt: string;
  readerId: string;
  /** "blinded primary", "adjudicator", … */
  assignment: string;
  round: number;
  shown: string[];
}

/** 21 CFR 11.50: the printed name, the date and time, and the meaning of a signature, with its record. */
export interface SignatureManifestation {
  revision: number;
  /** The signed record: "Opinion", "Adjudication", "RADPEER score", "Addendum". */
  record: string;
  /** Whose signature it is (the reader or adjudicator). */
  signerId: string;
  printedName: string;
  signedAt: string;
  meaning: string;
  /** Who sent it, when that was not the signer (an integrator acting for the signer). */
  recordedBy?: string;
  /** Any further fields the signature holds, as `key: value`. */
  other: string[];
}

/** An opinion, adjudication, addendum or consensus: its facts and its signature. */
export interface DecisionBlock {
  revision: number;
  heading: string;
  fields: DossierField[];
  /** Free text printed in full (impression, rationale, addendum). */
  text?: DossierField;
  signature?: SignatureManifestation;
}

export interface RadpeerEntry {
  revision: number;
  readerId: string;
  score: RadpeerScore;
  meaning: string;
  comment?: string;
  /** Given with the opinion, or later on its own. */
  givenWith: 'opinion' | 'review';
  signedAt?: string;
}

export interface AccessEntry {
  /** The n-th access to the case, as the access log numbers it. */
  sequence: number;
  accessedAt: string;
  actor: DossierActor;
  resource: string;
  summary: string;
  status: number;
  problemCode?: string;
}

export interface DossierIntegrity {
  verdict: IntegrityVerdict;
  evidence: DossierEvidence | null;
  /** The offline verifier's findings on the bundle as issued: the same checks a reader can repeat. */
  checks: BundleCheck[];
  /** The case's events without an inclusion proof (appended after the checkpoint). */
  unprovenEvents: number;
  bundle: { name: string; sha256: string; bytes: number };
}

/** An assignment of the case and what became of it. */
export interface ReaderEntry {
  readerId: string;
  /** "blinded primary", "adjudicator", … */
  assignment: string;
  round: number;
  outcome: string;
  assignmentId: string;
}

/** Everything the dossier prints, in its sections' order (docs/api.md "Case dossier"). */
export interface CaseDossier {
  caseId: string;
  revision: number;
  recordedAt: string;
  state: FullCaseView;
  summary: DossierField[];
  readers: ReaderEntry[];
  timeline: TimelineEntry[];
  shown: ShownEntry[];
  decisions: DecisionBlock[];
  signatures: SignatureManifestation[];
  radpeer: RadpeerEntry[];
  accessCut: AccessCut;
  access: AccessEntry[];
  integrity: DossierIntegrity;
}

/** ACR RADPEER (2016), as the score's meaning is printed. */
export const RADPEER_MEANINGS: Record<RadpeerScore, string> = {
  '1': 'concur with the interpretation',
  '2a': 'discrepancy not ordinarily expected to be made (understandable miss); unlikely to be clinically significant',
  '2b': 'discrepancy not ordinarily expected to be made (understandable miss); likely to be clinically significant',
  '3a': 'discrepancy that should be made most of the time; unlikely to be clinically significant',
  '3b': 'discrepancy that should be made most of the time; likely to be clinically significant',
};

/** What a signature's meaning says the signer did (21 CFR 11.50(a)(3)). */
const SIGNATURE_MEANINGS: Record<string, string> = {
  authorship: 'authorship: the signer wrote this record',
  approval: 'approval: the signer approved this decision',
  review: 'review: the signer reviewed this record',
  responsibility: 'responsibility: the signer takes responsibility for this record',
};

const KNOWN_SIGNATURE_KEYS = new Set(['signerName', 'meaning', 'signedAt', 'agent']);

function finding({ code, presence, location, laterality }: Finding): string {
  const where = [location, laterality].filter(Boolean).join(', ');
  return `${code}: ${presence}${where ? ` (${where})` : ''}`;
}

const findingsText = (findings: readonly Finding[] | undefined): string =>
  findings && findings.length > 0 ? findings.map(finding).join('; ') : 'none recorded';

function actorIn(event: RecordedEvent): DossierActor {
  const { id, role, onBehalfOf } = actorOf(event.metadata);
  return {
    id: id ?? 'unknown',
    ...(role === null ? {} : { role }),
    ...(onBehalfOf === null ? {} : { onBehalfOf }),
  };
}

function manifestation(
  event: RecordedEvent,
  record: string,
  signerId: string,
  signature: Signature,
): SignatureManifestation {
  const actor = actorIn(event);
  const other = Object.entries(signature as unknown as Record<string, unknown>)
    .filter(([key]) => !KNOWN_SIGNATURE_KEYS.has(key))
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  // The agent the signature names (an integrator submitting for the signer); older events say it only in who acted.
  const { agent } = signature;
  const recordedBy = agent ? `${agent.name} (${agent.id})` : actor.id === signerId ? undefined : actor.id;
  return {
    revision: event.revision,
    record,
    signerId,
    printedName: signature.signerName,
    signedAt: signature.signedAt,
    meaning: SIGNATURE_MEANINGS[signature.meaning] ?? signature.meaning,
    ...(recordedBy === undefined ? {} : { recordedBy }),
    other,
  };
}

function readerAssignment(facts: AssignmentFacts | undefined): string {
  if (facts === undefined) return 'unknown assignment';
  if (facts.role !== 'primary') return facts.role;
  return `${facts.blinded ? 'blinded' : 'unblinded'} primary`;
}

export interface DossierInput {
  caseId: string;
  /** The case's events up to the dossier's revision, stored and upcast, in revision order. */
  events: ReadonlyArray<{ stored: RecordedEvent; event: CaseEvent }>;
  state: FullCaseView;
  accessCut: AccessCut;
  accessEvents: readonly RecordedEvent[];
  integrity: DossierIntegrity;
}

/** The case at the dossier's revision, as the summary prints it. */
function summaryOf(state: FullCaseView, revision: number, recordedAt: string): DossierField[] {
  const { study, requester, priorReport } = state;
  const fields: DossierField[] = [
    { label: 'Case', value: state.caseId },
    { label: 'As at', value: `revision ${revision}, recorded ${recordedAt}` },
    { label: 'Status', value: state.status },
    { label: 'Outcome', value: state.outcome ?? 'none yet' },
    { label: 'Patient reference', value: state.patientRef },
    {
      label: 'Study',
      value:
        `${study.modality} ${study.bodyRegion}, ${study.studyDate}; study instance UID ${study.studyInstanceUid}` +
        (study.accessionNumber ? `; accession ${study.accessionNumber}` : ''),
    },
    { label: 'Clinical question', value: state.clinicalQuestion },
    {
      label: 'Requester',
      value: `${requester.id} (${requester.kind}${requester.organisation ? `, ${requester.organisation}` : ''})`,
    },
    { label: 'Priority', value: `${state.priority}; due ${state.dueAt ?? 'no due time (imported history)'}` },
    { label: 'Independent reads', value: String(state.readsRequired) },
    { label: 'Rounds', value: String(state.round) },
  ];
  if (priorReport) {
    fields.push(
      {
        label: 'Prior report',
        value:
          `by ${priorReport.author}${priorReport.institution ? `, ${priorReport.institution}` : ''}` +
          (priorReport.reportedAt ? `, reported ${priorReport.reportedAt}` : ''),
      },
      { label: 'Prior findings', value: findingsText(priorReport.findings) },
    );
    if (priorReport.impression) fields.push({ label: 'Prior impression', value: priorReport.impression });
  } else {
    fields.push({ label: 'Prior report', value: 'none' });
  }
  if (state.consensus) {
    fields.push(
      { label: 'Consensus', value: `${state.consensus.method}, round ${state.consensus.round}` },
      { label: 'Final findings', value: findingsText(state.consensus.findings) },
    );
  }
  for (const closure of state.closures) {
    fields.push({
      label: 'Closed',
      value: `${closure.outcome}${closure.note ? `; note: ${closure.note}` : ''}`,
    });
  }
  if (state.withdrawal) fields.push({ label: 'Withdrawn', value: state.withdrawal.reason });
  for (const standard of state.referenceStandards) {
    fields.push({
      label: 'Reference standard',
      value: `${standard.source}: ${findingsText(standard.findings)}${standard.note ? `; note: ${standard.note}` : ''}`,
    });
  }
  if (state.slaBreach) {
    fields.push({
      label: 'SLA breach',
      value: `due ${state.slaBreach.dueAt}, detected ${state.slaBreach.detectedAt}`,
    });
  }
  return fields;
}

/** What became of each assignment: submitted, adjudicated, unassigned, ended unsubmitted, or still open. */
function readersOf(state: FullCaseView): ReaderEntry[] {
  return state.assignments.map((assignment) => {
    const adjudicated =
      state.rounds[assignment.round - 1]?.adjudication?.adjudicatorId === assignment.readerId;
    const outcome =
      assignment.status === 'unassigned'
        ? `unassigned: ${assignment.unassignReason ?? 'no reason recorded'}`
        : assignment.opinionId !== undefined
          ? `opinion submitted (${assignment.opinionId})`
          : assignment.role === 'adjudicator' && adjudicated
            ? 'adjudication submitted'
            : assignment.status === 'ended'
              ? `ended with nothing submitted${assignment.endReason ? `: ${assignment.endReason}` : ''}`
              : 'open, nothing submitted yet';
    return {
      readerId: assignment.readerId,
      assignment:
        assignment.role === 'primary'
          ? `${assignment.blinded ? 'blinded' : 'unblinded'} primary`
          : assignment.role,
      round: assignment.round,
      outcome,
      assignmentId: assignment.assignmentId,
    };
  });
}

/**
 * The dossier's contents from the case's events up to its revision, the case's access events and the
 * integrity evidence. Deterministic: the same input gives the same dossier (no clock, no ids).
 */
export function caseDossier(input: DossierInput): CaseDossier {
  const assignments = new Map<string, AssignmentFacts>();
  const authors = new Map<string, string>();
  const context = (event: RecordedEvent) => {
    const actor = actorOf(event.metadata);
    const correlation = event.metadata.$correlationId;
    const causation = event.metadata.$causationId;
    return {
      actorId: actor.id,
      onBehalfOf: actor.onBehalfOf,
      consequence: typeof causation === 'string' && causation !== correlation,
      assignment: (id: string) => assignments.get(id),
      opinionAuthor: (id: string) => authors.get(id),
    };
  };
  const opinionName = (opinionId: string): string =>
    opinionId === PRIOR_REPORT ? 'the prior report' : `the opinion of ${authors.get(opinionId) ?? opinionId}`;

  const timeline: TimelineEntry[] = [];
  const shown: ShownEntry[] = [];
  const decisions: DecisionBlock[] = [];
  const signatures: SignatureManifestation[] = [];
  const radpeer: RadpeerEntry[] = [];
  for (const { stored, event } of input.events) {
    const occurredAt = occurredAtOf(stored);
    const sign = (record: string, signerId: string, signature: Signature): SignatureManifestation => {
      const manifest = manifestation(stored, record, signerId, signature);
      signatures.push(manifest);
      return manifest;
    };
    // Facts first, so that the event's own summary can name its reader (as the audit trail does).
    if (event.type === 'ReaderAssigned') {
      const { assignmentId, readerId, role, blinded, round } = event.data;
      assignments.set(assignmentId, { readerId, role, blinded, round });
    }
    if (event.type === 'OpinionSubmitted') authors.set(event.data.opinionId, event.data.readerId);
    timeline.push({
      revision: stored.revision,
      eventId: stored.eventId,
      type: stored.type,
      occurredAt,
      recordedAt: stored.recordedAt.toISOString(),
      actor: actorIn(stored),
      summary: summarise(stored.type, stored.data, context(stored)),
      hash: typeof stored.metadata.hash === 'string' ? stored.metadata.hash : '',
    });
    switch (event.type) {
      case 'ReadStarted': {
        const facts = assignments.get(event.data.assignmentId);
        shown.push({
          revision: stored.revision,
          occurredAt,
          readerId: event.data.readerId,
          assignment: readerAssignment(facts),
          round: facts?.round ?? 1,
          shown: [...event.data.shown],
        });
        break;
      }
      case 'OpinionSubmitted': {
        const { data } = event;
        const facts = assignments.get(data.assignmentId);
        const signature = sign(
          data.role === 'panelist' ? 'Panel vote' : 'Opinion',
          data.readerId,
          data.signature,
        );
        const fields: DossierField[] = [
          { label: 'Opinion', value: data.opinionId },
          { label: 'Reader', value: `${data.readerId} (${readerAssignment(facts)}, round ${data.round})` },
          { label: 'Findings', value: findingsText(data.findings) },
          { label: 'Confidence', value: `${data.confidence} of 5` },
        ];
        if (data.priorReportReview) {
          const { score, comment } = data.priorReportReview;
          fields.push({ label: 'RADPEER', value: `${score}${comment ? `; comment: ${comment}` : ''}` });
          radpeer.push({
            revision: stored.revision,
            readerId: data.readerId,
            score,
            meaning: RADPEER_MEANINGS[score],
            ...(comment === undefined ? {} : { comment }),
            givenWith: 'opinion',
            signedAt: data.signature.signedAt,
          });
        }
        decisions.push({
          revision: stored.revision,
          heading: `${data.role === 'panelist' ? 'Panel vote' : 'Opinion'} of ${data.readerId}`,
          fields,
          text: { label: 'Impression', value: data.impression },
          signature,
        });
        break;
      }
      case 'PriorReportReviewed': {
        const { data } = event;
        const facts = assignments.get(data.assignmentId);
        sign('RADPEER score', data.readerId, data.signature);
        shown.push({
          revision: stored.revision,
          occurredAt,
          readerId: data.readerId,
          assignment: readerAssignment(facts),
          round: facts?.round ?? 1,
          shown: [...data.shown],
        });
        radpeer.push({
          revision: stored.revision,
          readerId: data.readerId,
          score: data.score,
          meaning: RADPEER_MEANINGS[data.score],
          ...(data.comment === undefined ? {} : { comment: data.comment }),
          givenWith: 'review',
          signedAt: data.signature.signedAt,
        });
        break;
      }
      case 'AdjudicationDecided': {
        const { data } = event;
        const selection =
          data.selectedOpinionId === undefined
            ? 'own findings recorded'
            : `selected ${opinionName(data.selectedOpinionId)}`;
        decisions.push({
          revision: stored.revision,
          heading: `Adjudication by ${data.adjudicatorId}`,
          fields: [
            { label: 'Decision', value: selection },
            { label: 'Final findings', value: findingsText(data.findings) },
          ],
          text: { label: 'Rationale', value: data.rationale },
          signature: sign('Adjudication', data.adjudicatorId, data.signature),
        });
        break;
      }
      case 'AddendumAppended': {
        const { data } = event;
        const author = authors.get(data.opinionId) ?? actorIn(stored).onBehalfOf ?? actorIn(stored).id;
        decisions.push({
          revision: stored.revision,
          heading: `Addendum to ${opinionName(data.opinionId)}`,
          fields: [{ label: 'Reason', value: data.reason }],
          text: { label: 'Text', value: data.text },
          signature: sign('Addendum', author, data.signature),
        });
        break;
      }
      case 'ConsensusReached': {
        const { data } = event;
        decisions.push({
          revision: stored.revision,
          heading: `Consensus, round ${data.round}`,
          fields: [
            { label: 'Method', value: data.method },
            { label: 'Outcome', value: data.outcome },
            { label: 'Final findings', value: findingsText(data.findings) },
            { label: 'Based on', value: data.basedOn.map(opinionName).join('; ') || 'none' },
            {
              label: 'Dissent',
              value:
                data.dissent.length === 0
                  ? 'none'
                  : data.dissent
                      .map((entry) => `${entry.code}: ${entry.opinionIds.map(opinionName).join(', ')}`)
                      .join('; '),
            },
          ],
          ...(data.impression === undefined ? {} : { text: { label: 'Impression', value: data.impression } }),
        });
        break;
      }
      case 'SecondOpinionRequested':
      case 'ReaderAssigned':
      case 'ReaderUnassigned':
      case 'DiscordanceDetected':
      case 'CaseEscalated':
      case 'CaseClosed':
      case 'CaseReopened':
      case 'CaseWithdrawn':
      case 'ReferenceStandardRecorded':
      case 'SlaBreached':
      case 'AssignmentEnded':
        // In the timeline and the summary only: nothing shown, decided or signed.
        break;
      default:
        assertNever(event, 'case event');
    }
  }

  const access = input.accessEvents
    .filter((event) => event.type === CASE_DATA_ACCESSED)
    .map((event, index): AccessEntry => {
      const data = upcastCaseDataAccessed(event.schemaVersion, event.data);
      return {
        sequence: index + 1,
        accessedAt: occurredAtOf(event),
        actor: actorIn(event),
        resource: data.resource,
        summary: summarise(event.type, event.data, context(event)),
        status: data.status,
        ...(data.problemCode === undefined ? {} : { problemCode: data.problemCode }),
      };
    });

  const last = input.events.at(-1)!.stored;
  const recordedAt = last.recordedAt.toISOString();
  return {
    caseId: input.caseId,
    revision: last.revision,
    recordedAt,
    state: input.state,
    summary: summaryOf(input.state, last.revision, recordedAt),
    readers: readersOf(input.state),
    timeline,
    shown,
    decisions,
    signatures,
    radpeer,
    accessCut: input.accessCut,
    access,
    integrity: input.integrity,
  };
}
