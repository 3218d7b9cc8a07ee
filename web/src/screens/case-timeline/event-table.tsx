import { DataTable } from '../../ui/data-table';
import { formatInstant } from '../../ui/format';
import { ActorCell, EventDetails, type RecordIndex, eventLabel } from './case-events';
import type { HistoryEvent } from './case-record';
import { timelineUrl } from './replay-point';

/** Occurred and recorded more than a minute apart: history an integrator imported after the fact. */
const IMPORTED_AFTER_MS = 60_000;

function When(props: { at: string }) {
  return <time dateTime={props.at}>{formatInstant(props.at)}</time>;
}

/** Every event replayed, in revision order: what, who (for whom), when it happened and when it was recorded. */
export function EventTable(props: { caseId: string; events: readonly HistoryEvent[]; index: RecordIndex }) {
  const { caseId, index } = props;
  return (
    <DataTable<HistoryEvent>
      caption={`Events, in the order they were recorded (${props.events.length})`}
      rows={props.events}
      rowKey={(event) => event.eventId}
      empty="No events."
      columns={[
        {
          header: 'Revision',
          numeric: true,
          cell: (event) => (
            <a href={timelineUrl(caseId, { kind: 'revision', revision: String(event.revision) })}>
              <span class="visually-hidden">Replay at revision </span>
              {event.revision}
            </a>
          ),
        },
        {
          header: 'Event',
          cell: (event) => (
            <>
              <strong>{eventLabel(event.type)}</strong>
              <span class="muted-line">
                <code>{event.type}</code>
              </span>
            </>
          ),
        },
        {
          header: 'Who',
          cell: (event) => (
            <ActorCell
              actor={event.metadata.actor}
              causedBy={
                event.metadata.causationId === undefined
                  ? undefined
                  : index.revisionOfEvent.get(event.metadata.causationId)
              }
            />
          ),
        },
        {
          header: 'Occurred',
          cell: (event) => <When at={event.occurredAt} />,
        },
        {
          header: 'Recorded',
          cell: (event) => (
            <>
              <When at={event.recordedAt} />
              {Date.parse(event.recordedAt) - Date.parse(event.occurredAt) > IMPORTED_AFTER_MS && (
                <span class="muted-line">imported after the fact</span>
              )}
            </>
          ),
        },
        { header: 'What the record says', cell: (event) => <EventDetails event={event} index={index} /> },
      ]}
    />
  );
}
