import type { ComponentChildren } from 'preact';
import { formatInstant } from '../../ui/format';
import { Facts as FactList, type Fact } from './facts';
import type {
  Actor,
  Adjudication,
  Consensus,
  Discordance,
  Finding,
  HistoryEvent,
  Opinion,
  PriorReport,
  Requester,
  Signature,
  Study,
} from './case-record';
import {
  assignmentEndLabel,
  consensusMethodLabel,
  escalationReasonLabel,
  findingsText,
  outcomeLabel,
  referenceSourceLabel,
  requesterKindLabel,
  shownList,
  signatureMeaningLabel,
} from './vocabulary';

/** Who an id in the record stands for, from the events replayed so far: opinions and assignments by reader. */
export interface RecordIndex {
  readerOfOpinion: Map<string, string>;
  readerOfAssignment: Map<string, string>;
  revisionOfEvent: Map<string, number>;
}

export function indexRecord(events: readonly HistoryEvent[]): RecordIndex {
  const index: RecordIndex = {
    readerOfOpinion: new Map(),
    readerOfAssignment: new Map(),
    revisionOfEvent: new Map(),
  };
  for (const event of events) {
    index.revisionOfEvent.set(event.eventId, event.revision);
    const { assignmentId, opinionId, readerId } = event.data;
    if (typeof readerId !== 'string') continue;
    if (typeof assignmentId === 'string') index.readerOfAssignment.set(assignmentId, readerId);
    if (typeof opinionId === 'string' && event.type === 'OpinionSubmitted')
      index.readerOfOpinion.set(opinionId, readerId);
  }
  return index;
}

/** An opinion id as a person reads it: whose opinion it is, or the prior report. */
export function opinionName(opinionId: string | undefined, index: RecordIndex): string {
  if (!opinionId) return '—';
  if (opinionId === 'prior-report') return 'the prior report';
  const reader = index.readerOfOpinion.get(opinionId);
  return reader ? `${reader}’s opinion` : `opinion ${opinionId.slice(0, 8)}`;
}

export function SignatureLine(props: { signature: Signature | undefined }) {
  const { signature } = props;
  if (!signature) return null;
  return (
    <p class="signature">
      <span aria-hidden="true">✍ </span>Signed by <strong>{signature.signerName}</strong>, meaning{' '}
      {signatureMeaningLabel(signature.meaning)}, at{' '}
      <time dateTime={signature.signedAt}>{formatInstant(signature.signedAt)}</time>
    </p>
  );
}

/** An event's facts, set tighter than the state's. */
const Facts = (props: { items: Array<Fact | false | undefined | null> }) => (
  <FactList items={props.items} class="facts event-facts" />
);

const quoted = (text: string | undefined) => (text ? <q>{text}</q> : '—');

type Data = Record<string, unknown>;
/** The event's data in the shape docs/events.md gives it. */
const as = <Shape,>(data: Data) => data as unknown as Shape;

interface EventKind {
  label: string;
  details: (data: Data, index: RecordIndex) => ComponentChildren;
}

/** The case event types of docs/events.md: the table below must name each one. */
type CaseEventType =
  | 'SecondOpinionRequested'
  | 'ReaderAssigned'
  | 'ReaderUnassigned'
  | 'ReadStarted'
  | 'OpinionSubmitted'
  | 'PriorReportReviewed'
  | 'DiscordanceDetected'
  | 'CaseEscalated'
  | 'AdjudicationDecided'
  | 'ConsensusReached'
  | 'CaseClosed'
  | 'CaseReopened'
  | 'CaseWithdrawn'
  | 'AddendumAppended'
  | 'ReferenceStandardRecorded'
  | 'SlaBreached'
  | 'AssignmentEnded';

/** Every case event type: its name for people, and what its data says. */
const CASE_EVENTS: Record<CaseEventType, EventKind> = {
  SecondOpinionRequested: {
    label: 'Second opinion requested',
    details: (data) => {
      const request = as<{
        requester: Requester;
        priority: string;
        readsRequired: number;
        dueAt: string | null;
        study: Study;
        clinicalQuestion: string;
        priorReport?: PriorReport;
      }>(data);
      return (
        <Facts
          items={[
            [
              'Requester',
              `${request.requester?.id} (${requesterKindLabel(request.requester?.kind)}${request.requester?.organisation ? `, ${request.requester.organisation}` : ''})`,
            ],
            [
              'Priority',
              `${request.priority}; ${request.readsRequired} independent read(s); due ${formatInstant(request.dueAt)}`,
            ],
            ['Question', quoted(request.clinicalQuestion)],
            [
              'Prior report',
              request.priorReport
                ? `${request.priorReport.author}${request.priorReport.institution ? `, ${request.priorReport.institution}` : ''}: ${findingsText(request.priorReport.findings)}`
                : 'none',
            ],
          ]}
        />
      );
    },
  },
  ReaderAssigned: {
    label: 'Reader assigned',
    details: (data) => {
      const assigned = as<{ readerId: string; role: string; blinded: boolean; round: number }>(data);
      return (
        <p>
          <strong>{assigned.readerId}</strong> as {assigned.role}, round {assigned.round},{' '}
          {assigned.blinded ? 'blinded (prior report withheld until its own opinion)' : 'not blinded'}
        </p>
      );
    },
  },
  ReaderUnassigned: {
    label: 'Reader unassigned',
    details: (data, index) => {
      const unassigned = as<{ assignmentId: string; reason: string }>(data);
      return (
        <p>
          <strong>{index.readerOfAssignment.get(unassigned.assignmentId) ?? unassigned.assignmentId}</strong>{' '}
          taken off the case. Reason: {quoted(unassigned.reason)}
        </p>
      );
    },
  },
  ReadStarted: {
    label: 'Read started',
    details: (data) => {
      const read = as<{ readerId: string; shown: string[] }>(data);
      return (
        <p>
          <strong>{read.readerId}</strong> was shown: {shownList(read.shown)}
        </p>
      );
    },
  },
  OpinionSubmitted: {
    label: 'Opinion submitted',
    details: (data) => {
      const opinion = as<Opinion>(data);
      return (
        <>
          <Facts
            items={[
              ['Reader', `${opinion.readerId} (${opinion.role}, round ${opinion.round})`],
              ['Findings', findingsText(opinion.findings)],
              ['Impression', quoted(opinion.impression)],
              ['Confidence', `${opinion.confidence} of 5`],
              opinion.priorReportReview && [
                'Prior report',
                `RADPEER ${opinion.priorReportReview.score}${opinion.priorReportReview.comment ? ` — “${opinion.priorReportReview.comment}”` : ''}`,
              ],
            ]}
          />
          <SignatureLine signature={opinion.signature} />
        </>
      );
    },
  },
  PriorReportReviewed: {
    label: 'Prior report scored',
    details: (data) => {
      const review = as<{
        readerId: string;
        score: string;
        comment?: string;
        shown: string[];
        signature: Signature;
      }>(data);
      return (
        <>
          <p>
            <strong>{review.readerId}</strong>, after its own opinion, was shown the {shownList(review.shown)}{' '}
            and scored it RADPEER <strong>{review.score}</strong>
            {review.comment ? <> — {quoted(review.comment)}</> : null}
          </p>
          <SignatureLine signature={review.signature} />
        </>
      );
    },
  },
  DiscordanceDetected: {
    label: 'Discordance detected',
    details: (data, index) => {
      const discordance = as<Discordance>(data);
      return (
        <>
          <p>
            <strong>{discordance.severity}</strong> disagreement in round {discordance.round}:
          </p>
          <ul class="compact">
            {(discordance.findings ?? []).map((finding) => (
              <li key={finding.code}>
                {finding.code} ({finding.severity}):{' '}
                {finding.values
                  .map((value) => `${opinionName(value.opinionId, index)} ${value.presence}`)
                  .join(', ')}
              </li>
            ))}
          </ul>
        </>
      );
    },
  },
  CaseEscalated: {
    label: 'Case escalated',
    details: (data) => {
      const escalation = as<{ level: string; reason: string }>(data);
      return (
        <p>
          To <strong>{escalation.level}</strong>, because {escalationReasonLabel(escalation.reason)}
        </p>
      );
    },
  },
  AdjudicationDecided: {
    label: 'Adjudication decided',
    details: (data, index) => {
      const adjudication = as<Adjudication>(data);
      return (
        <>
          <Facts
            items={[
              ['Adjudicator', adjudication.adjudicatorId],
              [
                'Decision',
                adjudication.selectedOpinionId
                  ? `selected ${opinionName(adjudication.selectedOpinionId, index)}`
                  : 'recorded its own findings',
              ],
              ['Findings', findingsText(adjudication.findings)],
              ['Rationale', quoted(adjudication.rationale)],
            ]}
          />
          <SignatureLine signature={adjudication.signature} />
        </>
      );
    },
  },
  ConsensusReached: {
    label: 'Consensus reached',
    details: (data, index) => {
      const consensus = as<Consensus>(data);
      return (
        <Facts
          items={[
            ['Outcome', outcomeLabel(consensus.outcome)],
            ['Method', consensusMethodLabel(consensus.method)],
            ['Findings', findingsText(consensus.findings)],
            consensus.dissent?.length > 0 && [
              'Dissent',
              consensus.dissent
                .map(
                  (dissent) =>
                    `${dissent.code}: ${dissent.opinionIds.map((id) => opinionName(id, index)).join(', ')}`,
                )
                .join('; '),
            ],
          ]}
        />
      );
    },
  },
  CaseClosed: {
    label: 'Case closed',
    details: (data) => {
      const closure = as<{ outcome: string; note?: string }>(data);
      return (
        <Facts
          items={[
            ['Outcome', outcomeLabel(closure.outcome)],
            closure.note !== undefined && ['Note', quoted(closure.note)],
          ]}
        />
      );
    },
  },
  CaseReopened: {
    label: 'Case reopened',
    details: (data) => {
      const reopening = as<{ reason: string; round: number }>(data);
      return (
        <p>
          Round {reopening.round} opened. Reason: {quoted(reopening.reason)}
        </p>
      );
    },
  },
  CaseWithdrawn: {
    label: 'Case withdrawn',
    details: (data) => <p>Reason: {quoted(as<{ reason: string }>(data).reason)}</p>,
  },
  AddendumAppended: {
    label: 'Addendum appended',
    details: (data, index) => {
      const addendum = as<{ opinionId: string; text: string; reason: string; signature: Signature }>(data);
      return (
        <>
          <Facts
            items={[
              ['To', opinionName(addendum.opinionId, index)],
              ['Text', quoted(addendum.text)],
              ['Reason', quoted(addendum.reason)],
            ]}
          />
          <SignatureLine signature={addendum.signature} />
        </>
      );
    },
  },
  ReferenceStandardRecorded: {
    label: 'Reference standard recorded',
    details: (data) => {
      const standard = as<{ source: string; findings: Finding[]; recordedBy: string; note?: string }>(data);
      return (
        <Facts
          items={[
            ['Source', referenceSourceLabel(standard.source)],
            ['Findings', findingsText(standard.findings)],
            ['Recorded by', standard.recordedBy],
            standard.note !== undefined && ['Note', quoted(standard.note)],
          ]}
        />
      );
    },
  },
  SlaBreached: {
    label: 'Due time passed (SLA breach)',
    details: (data) => {
      const breach = as<{ dueAt: string; detectedAt: string }>(data);
      return (
        <p>
          Due {formatInstant(breach.dueAt)}; noticed {formatInstant(breach.detectedAt)}
        </p>
      );
    },
  },
  AssignmentEnded: {
    label: 'Assignment ended unsubmitted',
    details: (data) => {
      const ended = as<{ readerId: string; role: string; round: number; reason: string }>(data);
      return (
        <p>
          <strong>{ended.readerId}</strong> ({ended.role}, round {ended.round}) never submitted:{' '}
          {assignmentEndLabel(ended.reason)}
        </p>
      );
    },
  },
};

const kindOf = (type: string): EventKind | undefined =>
  Object.hasOwn(CASE_EVENTS, type) ? CASE_EVENTS[type as CaseEventType] : undefined;

export const eventLabel = (type: string): string => kindOf(type)?.label ?? type;

export function EventDetails(props: { event: HistoryEvent; index: RecordIndex }) {
  const kind = kindOf(props.event.type);
  if (!kind)
    return (
      <p class="hint">
        An event this version of the app does not describe; the audit-trail CSV has its data.
      </p>
    );
  return <>{kind.details(props.event.data, props.index)}</>;
}

/** The person (or the engine) behind an event, and whom an integrator acted for. */
export function ActorCell(props: { actor: Actor | undefined; causedBy: number | undefined }) {
  const { actor, causedBy } = props;
  if (!actor) return <>—</>;
  if (actor.role === 'system') {
    return (
      <>
        <strong>{actor.id === 'engine' ? 'Engine' : actor.id}</strong>
        <span class="muted-line">
          automatic{causedBy !== undefined ? `, following revision ${causedBy}` : ''}
        </span>
      </>
    );
  }
  return (
    <>
      <strong>{actor.id}</strong>
      <span class="muted-line">{actor.role ?? 'no role'}</span>
      {actor.onBehalfOf && <span class="muted-line">on behalf of {actor.onBehalfOf}</span>}
    </>
  );
}
