import type { CaseEvent, CaseEventType, Requester, Signature } from '../../domain/case/case.events.js';
import type { Finding } from '../../domain/case/findings.js';
import { type AssignmentEndReason, type Outcome, PRIOR_REPORT } from '../../domain/case/case.values.js';
import {
  SHOPPING_FLAG_REVIEWED,
  type ShoppingFlagReviewed,
} from '../../domain/opinion-shopping/flag-review.js';
import {
  type AccessedResource,
  CASE_DATA_ACCESSED,
  type CaseDataAccessedData,
} from '../access-log/case-data-accessed.event.js';

/** What the audit trail remembers about an assignment, to say who read and how (blinded or not). */
export interface AssignmentFacts {
  readerId: string;
  role: string;
  blinded: boolean;
  round: number;
}

export interface SummaryContext {
  actorId: string | null;
  onBehalfOf: string | null;
  /** The event follows another in the same command (an escalation decided by an opinion, an SLA breach). */
  consequence: boolean;
  assignment(assignmentId: string): AssignmentFacts | undefined;
  opinionAuthor(opinionId: string): string | undefined;
}

type DataOf<Type extends CaseEventType> = Extract<CaseEvent, { type: Type }>['data'];
type Summaries = { [Type in CaseEventType]: (data: DataOf<Type>, context: SummaryContext) => string };

/** Free text is quoted on one line and cut, so that a summary stays one printable line. */
function text(value: unknown, max = 160): string {
  const line = String(value ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const quoted = (value: unknown): string => `"${text(value)}"`;

/** The person who acted, and the integrator that sent it for them. */
function who(context: SummaryContext): string {
  const actor = context.actorId ?? 'an unknown actor';
  return context.onBehalfOf ? `${context.onBehalfOf} (via ${actor})` : actor;
}

/** The reader as subject, naming whoever recorded it when that was someone else. */
function subject(readerId: string, context: SummaryContext): string {
  const person = context.onBehalfOf ?? context.actorId;
  return person === readerId ? who(context) : `${readerId} (recorded by ${who(context)})`;
}

function finding({ code, presence, location, laterality }: Finding): string {
  const where = [location, laterality].filter(Boolean).join(', ');
  return `${code} ${presence}${where ? ` (${where})` : ''}`;
}

const findings = (list: readonly Finding[] | undefined): string =>
  list && list.length > 0 ? list.map(finding).join(', ') : 'no findings recorded';

const signed = (signature: Signature | undefined): string =>
  signature ? `signed (${signature.meaning}) by ${text(signature.signerName, 80)}` : 'unsigned';

/** `blinded` is undefined when the assignment is not known: the sentence then claims neither. */
function readerRole(role: string, blinded: boolean | undefined): string {
  if (role !== 'primary') return role;
  return blinded === undefined ? 'primary reader' : `${blinded ? 'blinded' : 'unblinded'} primary reader`;
}

/** How a read was done, from its assignment: "blinded read", "adjudication read", "panel read". */
function readKind(assignment: AssignmentFacts | undefined, role?: string): string {
  const of = assignment?.role ?? role;
  if (of === 'primary')
    return assignment ? `${assignment.blinded ? 'blinded' : 'unblinded'} read` : 'primary read';
  if (of === 'adjudicator') return 'adjudication read';
  if (of === 'panelist') return 'panel read';
  return 'read';
}

const withArticle = (phrase: string): string => `${/^[aeiou]/.test(phrase) ? 'an' : 'a'} ${phrase}`;

function source(opinionId: string, context: SummaryContext): string {
  if (opinionId === PRIOR_REPORT) return 'prior report';
  const author = context.opinionAuthor(opinionId);
  return author ?? `opinion ${opinionId}`;
}

const roundNote = (round: number): string => (round > 1 ? ` (round ${round})` : '');

/** An outcome compares the consensus with the prior report, so the sentence names the prior report. */
const OUTCOMES: Record<Outcome, string> = {
  confirmed: 'prior report confirmed',
  amended: 'prior report amended',
  overturned: 'prior report overturned',
  'no-prior': 'no prior report to compare',
};

const ASSIGNMENT_END_REASONS: Record<AssignmentEndReason, string> = {
  'consensus-reached': 'consensus was reached',
  'case-closed': 'the case was closed',
  'case-withdrawn': 'the case was withdrawn',
};

/** The requester is named as the requester, with its kind: a patient requester is not the patient record. */
function requesterOf({ kind, id, organisation }: Requester): string {
  return `requester ${text(id, 80)} (${kind}${organisation ? `, ${text(organisation, 80)}` : ''})`;
}

const CASE_SUMMARIES: Summaries = {
  SecondOpinionRequested: (data, context) => {
    const reads = data.readsRequired === 1 ? 'one independent read' : 'two independent reads';
    const { modality, bodyRegion, studyInstanceUid, studyDate } = data.study;
    const prior = data.priorReport
      ? `prior report by ${text(data.priorReport.author, 80)}` +
        (data.priorReport.institution ? ` (${text(data.priorReport.institution, 80)})` : '')
      : 'no prior report';
    return (
      `${who(context)} recorded ${withArticle(data.priority)} request for a second opinion (${reads}) ` +
      `from ${requesterOf(data.requester)} on patient ${text(data.patientRef, 80)}: ` +
      `${modality} ${text(bodyRegion, 40)} study ${text(studyInstanceUid, 80)} of ${text(studyDate, 40)}, ${prior}; ` +
      `question ${quoted(data.clinicalQuestion)}; ${data.dueAt ? `due ${data.dueAt}` : 'no due time'}`
    );
  },
  ReaderAssigned: (data, context) =>
    `${who(context)} assigned ${data.readerId} as ${readerRole(data.role, data.blinded)}${roundNote(data.round)}`,
  ReaderUnassigned: (data, context) => {
    const assignment = context.assignment(data.assignmentId);
    const reader = assignment
      ? `${assignment.readerId} (${readerRole(assignment.role, assignment.blinded)})`
      : `assignment ${data.assignmentId}`;
    return `${who(context)} unassigned ${reader}: ${text(data.reason)}`;
  },
  ReadStarted: (data, context) => {
    const assignment = context.assignment(data.assignmentId);
    return (
      `${subject(data.readerId, context)} started ${withArticle(readKind(assignment))}${roundNote(assignment?.round ?? 1)}, ` +
      `shown: ${data.shown.join(', ')}`
    );
  },
  OpinionSubmitted: (data, context) => {
    const kind =
      data.role === 'panelist' ? 'panel vote' : readKind(context.assignment(data.assignmentId), data.role);
    const review = data.priorReportReview
      ? `; scored the prior report RADPEER ${data.priorReportReview.score}`
      : '';
    return (
      `${subject(data.readerId, context)} submitted an opinion (${kind}${data.round > 1 ? `, round ${data.round}` : ''}): ${findings(data.findings)}; ` +
      `confidence ${data.confidence}/5${review}; ${signed(data.signature)}`
    );
  },
  PriorReportReviewed: (data, context) =>
    `${subject(data.readerId, context)} scored the prior report RADPEER ${data.score}` +
    `${data.comment ? `: ${quoted(data.comment)}` : ''}; ${signed(data.signature)}`,
  DiscordanceDetected: (data, context) => {
    const disagreements = data.findings
      .map(
        ({ code, values, severity }) =>
          `${code} ${severity} (${values.map((value) => `${source(value.opinionId, context)} ${value.presence}`).join(' vs ')})`,
      )
      .join(', ');
    return `${data.severity} discordance detected in round ${data.round}: ${disagreements || 'no finding named'}`;
  },
  CaseEscalated: (data, context) =>
    context.consequence
      ? `case escalated to ${data.level}: ${data.reason}`
      : `${who(context)} escalated the case to ${data.level}: ${data.reason}`,
  AdjudicationDecided: (data, context) => {
    const selection =
      data.selectedOpinionId === undefined
        ? 'recorded own findings'
        : data.selectedOpinionId === PRIOR_REPORT
          ? 'selected the prior report'
          : `selected the opinion of ${source(data.selectedOpinionId, context)}`;
    return (
      `${subject(data.adjudicatorId, context)} adjudicated: ${selection}; final: ${findings(data.findings)}; ` +
      `rationale ${quoted(data.rationale)}; ${signed(data.signature)}`
    );
  },
  ConsensusReached: (data) => {
    const dissent =
      data.dissent.length > 0 ? `; dissent on ${data.dissent.map((entry) => entry.code).join(', ')}` : '';
    return `consensus reached by ${data.method}${roundNote(data.round)}: ${OUTCOMES[data.outcome]}; final: ${findings(data.findings)}${dissent}`;
  },
  CaseClosed: (data, context) =>
    `${who(context)} closed the case: ${OUTCOMES[data.outcome]}${data.note ? `; note ${quoted(data.note)}` : ''}`,
  CaseReopened: (data, context) =>
    `${who(context)} reopened the case for round ${data.round}: ${text(data.reason)}`,
  CaseWithdrawn: (data, context) => `${who(context)} withdrew the case: ${text(data.reason)}`,
  AddendumAppended: (data, context) => {
    const author = context.opinionAuthor(data.opinionId);
    const opinion = author ? `the opinion of ${author}` : `opinion ${data.opinionId}`;
    return `${who(context)} appended an addendum to ${opinion}: ${quoted(data.text)}; reason: ${text(data.reason)}; ${signed(data.signature)}`;
  },
  ReferenceStandardRecorded: (data, context) =>
    `${subject(data.recordedBy, context)} recorded the reference standard (${data.source}): ${findings(data.findings)}${data.note ? `; note ${quoted(data.note)}` : ''}`,
  SlaBreached: (data) => `SLA breached: due ${data.dueAt}, detected ${data.detectedAt}`,
  AssignmentEnded: (data, context) => {
    const blinded = context.assignment(data.assignmentId)?.blinded;
    return (
      `assignment of ${data.readerId} as ${readerRole(data.role, blinded)}${roundNote(data.round)} ended ` +
      `with nothing submitted: ${ASSIGNMENT_END_REASONS[data.reason]}`
    );
  },
};

/** What a read did, and what an attempt that was refused tried to do. */
const ACCESS_PHRASES: Record<AccessedResource, { done: string; tried: string }> = {
  case: { done: 'viewed the case', tried: 'view the case' },
  history: { done: 'viewed the case history', tried: 'view the case history' },
  'audit-trail': { done: 'viewed the audit trail of the case', tried: 'view the audit trail of the case' },
  'audit-search': { done: 'searched the audit trail', tried: 'search the audit trail' },
  worklist: { done: 'listed the case worklist', tried: 'list the case worklist' },
  'reader-metrics': { done: 'viewed reader accuracy metrics', tried: 'view reader accuracy metrics' },
  'shopping-flags': { done: 'viewed opinion-shopping flags', tried: 'view opinion-shopping flags' },
  'access-log': { done: 'viewed the access log', tried: 'view the access log' },
  dossier: { done: 'obtained the case dossier', tried: 'obtain the case dossier' },
};

/** The point of the history a read asked for, as a phrase (none for the latest). */
function historyPoint(point: CaseDataAccessedData['point']): string {
  if (typeof point !== 'object' || point === null) return '';
  if ('revision' in point) return ` at revision ${text(point.revision, 20)}`;
  if ('asOf' in point) return ` as recorded at ${text(point.asOf, 40)}`;
  if ('asOccurredBy' in point) return ` as it had happened by ${text(point.asOccurredBy, 40)}`;
  return '';
}

/** Events that are not case events but belong in the audit trail. */
const OTHER_SUMMARIES: Record<string, (data: Record<string, unknown>, context: SummaryContext) => string> = {
  [CASE_DATA_ACCESSED]: (data, context) => {
    const access = data as unknown as CaseDataAccessedData;
    const phrases = Object.hasOwn(ACCESS_PHRASES, access.resource)
      ? ACCESS_PHRASES[access.resource]
      : { done: `read ${text(access.resource, 40)}`, tried: `read ${text(access.resource, 40)}` };
    const scope = access.resource === 'audit-search' && access.caseId ? ` for case ${access.caseId}` : '';
    const what = `${scope}${historyPoint(access.point)} from ${text(access.ip, 64) || 'an unknown address'}`;
    // Version 1 has no status: it recorded only reads that succeeded.
    // A dossier's access names what was issued, so that a copy can be matched to it by its SHA-256.
    const issued = access.dossier
      ? `: ${text(access.dossier.format, 8).toUpperCase()} as at revision ${text(access.dossier.revision, 20)}` +
        `${access.dossier.treeSize === undefined ? '' : `, checkpoint ${text(access.dossier.treeSize, 20)}`}, SHA-256 ${text(access.dossier.sha256, 64)}`
      : '';
    if (access.status === undefined || access.status === 200)
      return `${who(context)} ${phrases.done}${what}${issued}`;
    const code = access.problemCode ? ` ${text(access.problemCode, 64)}` : '';
    return `${who(context)} tried to ${phrases.tried}${what} and was refused: ${text(access.status, 3)}${code}`;
  },
  [SHOPPING_FLAG_REVIEWED]: (data, context) => {
    const review = data as unknown as ShoppingFlagReviewed['data'];
    const reviewer =
      typeof review.reviewedBy === 'string' ? subject(review.reviewedBy, context) : who(context);
    return (
      `${reviewer} reviewed opinion-shopping flag ${text(review.flagId, 80)}: ${text(review.disposition, 40)}` +
      `${review.note ? `; note ${quoted(review.note)}` : ''}`
    );
  },
};

const isCaseSummaryType = (type: string): type is CaseEventType => Object.hasOwn(CASE_SUMMARIES, type);

/** One human sentence per event, e.g. "rad-17 submitted an opinion (blinded read): fracture present; …". */
export function summarise(type: string, data: Record<string, unknown>, context: SummaryContext): string {
  try {
    if (isCaseSummaryType(type)) {
      return (CASE_SUMMARIES[type] as (data: unknown, context: SummaryContext) => string)(data, context);
    }
    const other = OTHER_SUMMARIES[type];
    if (other) return other(data, context);
  } catch {
    // Data of an older shape: the fallback below still says who did what.
  }
  return `${who(context)} recorded ${type}`;
}
