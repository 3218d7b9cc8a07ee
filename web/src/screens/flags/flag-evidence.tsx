import type { ComponentChildren } from 'preact';
import { formatAge, formatInstant } from '../../ui/format';
import { type Flag, type FlagCase, RULES, requesterLabel } from './flags.model';

const list = (values: readonly string[] | undefined): string =>
  values && values.length > 0 ? values.join(', ') : '—';

/** What the rule observed: the window, the threshold and what crossed it. */
export function FlagFacts(props: { flag: Flag }) {
  const { flag } = props;
  const { evidence } = flag;
  return (
    <dl class="facts">
      <dt>What it means</dt>
      <dd>{RULES[flag.rule]?.meaning ?? flag.rule}</dd>
      <dt>Raised</dt>
      <dd>
        {formatInstant(flag.raisedAt)} ({formatAge(flag.raisedAt)} ago)
      </dd>
      <dt>Body region</dt>
      <dd>{flag.bodyRegion}</dd>
      <dt>Window</dt>
      <dd>
        {formatInstant(evidence.window.from)} – {formatInstant(evidence.window.to)}
        {evidence.window.days !== null && ` (${evidence.window.days} days)`}
      </dd>
      <dt>Observed</dt>
      <dd>
        {evidence.observed} (threshold {evidence.threshold})
      </dd>
      <dt>Organisations</dt>
      <dd>{list(evidence.organisations)}</dd>
      <dt>Readers involved</dt>
      <dd>{list(evidence.readers)}</dd>
      {evidence.patientRefs && (
        <>
          <dt>Patient references</dt>
          <dd>{list(evidence.patientRefs)}</dd>
        </>
      )}
      {evidence.matchedBy && (
        <>
          <dt>Matched by</dt>
          <dd>{list(evidence.matchedBy)}</dd>
        </>
      )}
      <dt>Flag id</dt>
      <dd>
        <code>{flag.flagId}</code>
      </dd>
    </dl>
  );
}

const ROWS: ReadonlyArray<{ label: string; cell: (item: FlagCase) => ComponentChildren }> = [
  { label: 'Requested', cell: (item) => formatInstant(item.requestedAt) },
  { label: 'Requester', cell: (item) => requesterLabel(item.requester) },
  { label: 'Patient', cell: (item) => item.patientRef },
  { label: 'Study date', cell: (item) => item.studyDate },
  { label: 'Study UID', cell: (item) => <code>{item.studyInstanceUid}</code> },
  { label: 'Case status', cell: (item) => item.status ?? 'not in the worklist yet' },
  { label: 'Consensus', cell: (item) => formatInstant(item.consensusAt) },
  { label: 'Outcome', cell: (item) => item.outcome ?? '—' },
  {
    label: 'Case',
    cell: (item) => (
      <a href={`/app/cases/${item.caseId}`} aria-label={`Case ${item.caseId}`} title={item.caseId}>
        <code>{item.caseId.slice(0, 8)}…</code>
      </a>
    ),
  },
];

/** The evidence cases side by side: one column per case, in the evidence's (chronological) order. */
export function EvidenceCases(props: { flag: Flag }) {
  const { cases } = props.flag;
  if (cases.length === 0) return <p>The evidence names no case this engine holds.</p>;
  return (
    <div class="table-scroll">
      <table class="evidence-cases">
        <caption>
          {cases.length} {cases.length === 1 ? 'case' : 'cases'} behind the flag, oldest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Evidence</th>
            {cases.map((item, index) => (
              <th scope="col" key={item.caseId}>
                Request {index + 1}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROWS.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              {cases.map((item) => (
                <td key={item.caseId}>{row.cell(item)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every review, oldest first. */
export function ReviewHistory(props: { flag: Flag }) {
  const { reviews } = props.flag;
  if (reviews.length === 0) return <p>Not reviewed yet.</p>;
  return (
    <ol class="review-history">
      {reviews.map((review, index) => (
        <li key={`${review.reviewedAt}-${index}`}>
          <p>
            <strong>{review.disposition}</strong> by {review.reviewedBy},{' '}
            <time dateTime={review.reviewedAt}>{formatInstant(review.reviewedAt)}</time>
          </p>
          <blockquote>{review.note}</blockquote>
        </li>
      ))}
    </ol>
  );
}
