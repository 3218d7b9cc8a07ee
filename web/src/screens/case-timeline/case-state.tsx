import { DataTable } from '../../ui/data-table';
import { formatInstant } from '../../ui/format';
import { type RecordIndex, SignatureLine, opinionName } from './case-events';
import { type Fact, Facts } from './facts';
import type { Assignment, FullCaseView, Opinion, PriorReport, Round, Study } from './case-record';
import {
  assignmentEndLabel,
  consensusMethodLabel,
  escalationReasonLabel,
  findingsText,
  outcomeLabel,
  referenceSourceLabel,
  requesterKindLabel,
  shownList,
  statusLabel,
  toneOf,
} from './vocabulary';

export function StatusBadge(props: { status: string }) {
  return <span class={`badge ${toneOf(props.status)}`}>{statusLabel(props.status)}</span>;
}

export const studyText = (study: Study | undefined): string =>
  study
    ? `${study.modality} ${study.bodyRegion}, taken ${study.studyDate} (UID ${study.studyInstanceUid}${study.accessionNumber ? `, accession ${study.accessionNumber}` : ''})`
    : '—';

export function PriorReportText(props: { report: PriorReport | undefined }) {
  const { report } = props;
  if (!report) return <>none</>;
  return (
    <>
      {report.author}
      {report.institution ? `, ${report.institution}` : ''}
      {report.reportedAt ? `, ${formatInstant(report.reportedAt)}` : ''}: {findingsText(report.findings)}
      {report.impression && (
        <>
          {' '}
          — <q>{report.impression}</q>
        </>
      )}
    </>
  );
}

function assignmentStatus(assignment: Assignment): string {
  switch (assignment.status) {
    case 'open':
      return assignment.readStarted ? 'reading' : 'assigned, read not started';
    case 'unassigned':
      return `unassigned: ${assignment.unassignReason ?? ''}`;
    case 'ended':
      return `ended unsubmitted${assignment.endReason ? `: ${assignmentEndLabel(assignment.endReason)}` : ''}`;
    default: {
      const unknown: never = assignment.status;
      return String(unknown);
    }
  }
}

function RoundDecisions(props: { round: Round; index: RecordIndex; only: boolean }) {
  const { round, index } = props;
  const nothing =
    round.discordances.length === 0 &&
    round.escalations.length === 0 &&
    !round.adjudication &&
    !round.consensus;
  return (
    <div class="round-decisions">
      {!props.only && <h4>Round {round.round}</h4>}
      {round.reopenReason && (
        <p>
          Reopened: <q>{round.reopenReason}</q>
        </p>
      )}
      {nothing && <p class="hint">No discordance, escalation or consensus yet.</p>}
      <Facts
        items={[
          ...round.discordances.map((discordance, at): Fact => [
            round.discordances.length > 1 ? `Discordance ${at + 1}` : 'Discordance',
            `${discordance.severity}: ${discordance.findings
              .map(
                (finding) =>
                  `${finding.code} (${finding.values.map((value) => `${opinionName(value.opinionId, index)} ${value.presence}`).join(', ')})`,
              )
              .join('; ')}`,
          ]),
          ...round.escalations.map((escalation, at): Fact => [
            round.escalations.length > 1 ? `Escalation ${at + 1}` : 'Escalation',
            `to ${escalation.level}, because ${escalationReasonLabel(escalation.reason)}`,
          ]),
          round.adjudication && [
            'Adjudication',
            <>
              {round.adjudication.adjudicatorId}{' '}
              {round.adjudication.selectedOpinionId
                ? `selected ${opinionName(round.adjudication.selectedOpinionId, index)}`
                : 'recorded its own findings'}
              : <q>{round.adjudication.rationale}</q>
              <SignatureLine signature={round.adjudication.signature} />
            </>,
          ],
          round.consensus && [
            'Consensus',
            `${findingsText(round.consensus.findings)} — by ${consensusMethodLabel(round.consensus.method)}; ${outcomeLabel(round.consensus.outcome)}`,
          ],
          round.consensus &&
            round.consensus.dissent.length > 0 && [
              'Dissent',
              round.consensus.dissent
                .map(
                  (dissent) =>
                    `${dissent.code}: ${dissent.opinionIds.map((id) => opinionName(id, index)).join(', ')}`,
                )
                .join('; '),
            ],
        ]}
      />
    </div>
  );
}

/** The case as it stood at the replayed point: what was decided, who read, what each was shown and said. */
export function CaseState(props: { state: FullCaseView; index: RecordIndex }) {
  const { state, index } = props;
  // An adjudicator's read ends in a decision, not an opinion.
  const decided = new Set(
    state.rounds.flatMap((round) =>
      round.adjudication ? [`${round.round}:${round.adjudication.adjudicatorId}`] : [],
    ),
  );
  const readOf = (assignment: Assignment): string => {
    if (assignment.opinionId) return 'submitted';
    if (decided.has(`${assignment.round}:${assignment.readerId}`)) return 'decided';
    return assignmentStatus(assignment);
  };
  return (
    <>
      <div class="split state-summary">
        <div>
          <h3>Case</h3>
          <Facts
            items={[
              ['Status', <StatusBadge status={state.status} />],
              ['Round', String(state.round)],
              ['Outcome', state.outcome ? outcomeLabel(state.outcome) : 'none yet'],
              ['Priority', `${state.priority}, ${state.readsRequired} independent read(s)`],
              ['Due', formatInstant(state.dueAt)],
              state.slaBreach && ['SLA breach', `noticed ${formatInstant(state.slaBreach.detectedAt)}`],
              state.withdrawal && ['Withdrawn', <q>{state.withdrawal.reason}</q>],
              state.closures.length > 0 && [
                'Closed',
                state.closures
                  .map(
                    (closure) =>
                      `${outcomeLabel(closure.outcome)}${closure.note ? ` — “${closure.note}”` : ''}`,
                  )
                  .join('; '),
              ],
              state.referenceStandard && [
                'Reference standard',
                `${referenceSourceLabel(state.referenceStandard.source)}: ${findingsText(state.referenceStandard.findings)}`,
              ],
            ]}
          />
        </div>
        <div>
          <h3>Request</h3>
          <Facts
            items={[
              [
                'Requester',
                `${state.requester.id} (${requesterKindLabel(state.requester.kind)}${state.requester.organisation ? `, ${state.requester.organisation}` : ''})`,
              ],
              ['Patient', state.patientRef],
              ['Study', studyText(state.study)],
              ['Question', <q>{state.clinicalQuestion}</q>],
              ['Prior report', <PriorReportText report={state.priorReport} />],
            ]}
          />
        </div>
      </div>

      <h3>Readers</h3>
      <DataTable<Assignment>
        caption="Readers assigned, and what each was shown"
        captionHidden
        rows={state.assignments}
        rowKey={(assignment) => assignment.assignmentId}
        empty="No reader assigned yet."
        columns={[
          { header: 'Reader', cell: (assignment) => <strong>{assignment.readerId}</strong> },
          { header: 'Role', cell: (assignment) => `${assignment.role}, round ${assignment.round}` },
          { header: 'Blinded', cell: (assignment) => (assignment.blinded ? 'yes' : 'no') },
          { header: 'Shown', cell: (assignment) => shownList(assignment.shown) },
          {
            header: 'Read',
            cell: readOf,
          },
          {
            header: 'Prior report score',
            cell: (assignment) =>
              assignment.priorReportReview
                ? `RADPEER ${assignment.priorReportReview.score}${assignment.priorReportReview.comment ? ` — “${assignment.priorReportReview.comment}”` : ''}`
                : '—',
          },
        ]}
      />

      <h3>Opinions</h3>
      <DataTable<Opinion>
        caption="Signed opinions"
        captionHidden
        rows={state.opinions}
        rowKey={(opinion) => opinion.opinionId}
        empty="No opinion submitted yet."
        columns={[
          { header: 'Reader', cell: (opinion) => <strong>{opinion.readerId}</strong> },
          { header: 'Findings', cell: (opinion) => findingsText(opinion.findings) },
          {
            header: 'Impression',
            cell: (opinion) => (
              <>
                <q>{opinion.impression}</q>
                {opinion.addenda.map((addendum) => (
                  <p key={addendum.signature.signedAt} class="addendum">
                    Addendum: <q>{addendum.text}</q> (reason: {addendum.reason})
                  </p>
                ))}
              </>
            ),
          },
          { header: 'Confidence', numeric: true, cell: (opinion) => `${opinion.confidence}/5` },
          { header: 'Signature', cell: (opinion) => <SignatureLine signature={opinion.signature} /> },
        ]}
      />

      <h3>Discordance, escalation and consensus</h3>
      {state.rounds.map((round) => (
        <RoundDecisions key={round.round} round={round} index={index} only={state.rounds.length === 1} />
      ))}
    </>
  );
}
