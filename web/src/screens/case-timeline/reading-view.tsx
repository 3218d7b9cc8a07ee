import { formatInstant } from '../../ui/format';
import type { RecordIndex } from './case-events';
import type { CaseView, FullCaseView, ReadingCaseView } from './case-record';
import { CaseState, PriorReportText, StatusBadge, studyText } from './case-state';
import { Facts } from './facts';
import { findingsText, shownList } from './vocabulary';

/** Who wrote which opinion, from the case view itself (no history behind it). */
function indexState(state: FullCaseView): RecordIndex {
  return {
    readerOfOpinion: new Map(state.opinions.map((opinion) => [opinion.opinionId, opinion.readerId])),
    readerOfAssignment: new Map(
      state.assignments.map((assignment) => [assignment.assignmentId, assignment.readerId]),
    ),
    revisionOfEvent: new Map(),
  };
}

/**
 * A reader with a read it has not submitted: exactly what GET /cases/{id} answered it, which is its
 * own assignment and the materials that read shows. The engine decides; nothing here adds to it.
 */
function PendingRead(props: { view: ReadingCaseView }) {
  const { view } = props;
  const { assignment, materials } = view;
  return (
    <>
      <p class="notice" role="note">
        {view.visibility === 'reading'
          ? 'Your read on this case is not submitted yet. Until you submit, you see only your own assignment and the materials your read shows: the other readers, their opinions, the decisions and the case’s history stay hidden.'
          : 'Your read on this case ended without a submission. You see only what that read showed you.'}
      </p>
      <section aria-labelledby="reading-assignment">
        <h2 id="reading-assignment">Your assignment</h2>
        <Facts
          items={[
            ['Status of the case', <StatusBadge status={view.status} />],
            ['Patient', view.patientRef],
            ['Priority', view.priority],
            ['Due', formatInstant(view.dueAt)],
            ['Role', `${assignment.role}, round ${assignment.round}${assignment.blinded ? ', blinded' : ''}`],
            ['Read', assignment.readStarted ? 'started' : 'not started'],
            ['Shown so far', shownList(assignment.shown)],
          ]}
        />
      </section>
      <section aria-labelledby="reading-materials">
        <h2 id="reading-materials">Materials of your read</h2>
        <Facts
          items={[
            ['Study', studyText(materials.study)],
            ['Clinical question', <q>{materials.clinicalQuestion}</q>],
            materials.priorReport && ['Prior report', <PriorReportText report={materials.priorReport} />],
            materials.adjudication && [
              'Adjudication',
              <>
                {findingsText(materials.adjudication.findings)} — <q>{materials.adjudication.rationale}</q>
              </>,
            ],
          ]}
        />
        {materials.opinions && materials.opinions.length > 0 && (
          <>
            <h3>Primary opinions (reader names withheld)</h3>
            <ol>
              {materials.opinions.map((opinion) => (
                <li key={opinion.opinionId}>
                  {findingsText(opinion.findings)} — <q>{opinion.impression}</q>
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </>
  );
}

/** The case for someone whose role does not open its history: the view the engine gives that person. */
export function CaseViewPanel(props: { view: CaseView }) {
  const { view } = props;
  if (view.visibility !== 'full') return <PendingRead view={view} />;
  return (
    <>
      <p class="notice" role="note">
        Your role does not open the case’s event history; this is the case as it stands now.
      </p>
      <section aria-labelledby="state-heading">
        <h2 id="state-heading">Current state</h2>
        <CaseState state={view} index={indexState(view)} />
      </section>
    </>
  );
}
