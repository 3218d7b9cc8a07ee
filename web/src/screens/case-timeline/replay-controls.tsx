import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import {
  type ReplayPoint,
  type TimeKind,
  instantFromField,
  timeFieldValue,
  timelineUrl,
} from './replay-point';

/**
 * Replay by revision (a slider: arrows step one event, Home/End jump to the ends) or by a moment,
 * as recorded at it or as occurred by it. Every choice goes into the URL, so it can be bookmarked
 * and Back returns to the previous one.
 */
export function ReplayControls(props: {
  caseId: string;
  point: ReplayPoint;
  revision: number;
  lastRevision: number;
  /** What the moment field offers before one is chosen: when the last event replayed was recorded. */
  defaultMoment: string | undefined;
}) {
  const { caseId, point, revision, lastRevision, defaultMoment } = props;
  const { route } = useLocation();
  const [draft, setDraft] = useState(revision);
  useEffect(() => setDraft(revision), [revision]);

  const pointTime = 'time' in point ? point.time : defaultMoment;
  const [kind, setKind] = useState<TimeKind>(point.kind === 'asOccurredBy' ? 'asOccurredBy' : 'asOf');
  const [moment, setMoment] = useState(timeFieldValue(pointTime));
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    if (point.kind === 'asOf' || point.kind === 'asOccurredBy') setKind(point.kind);
    setMoment(timeFieldValue(pointTime));
    setInvalid(false);
  }, [point.kind, pointTime]);

  const replayAtMoment = (event: Event) => {
    event.preventDefault();
    const time = instantFromField(moment);
    setInvalid(time === null);
    if (time !== null) route(timelineUrl(caseId, { kind, time }));
  };

  return (
    <section class="replay" aria-labelledby="replay-title">
      <h2 id="replay-title">Replay the case</h2>
      <div class="replay-panels">
        <div class="replay-revision">
          <label for="replay-revision">By revision</label>
          <div class="slider-row">
            <span aria-hidden="true">0</span>
            <input
              id="replay-revision"
              type="range"
              min={0}
              max={lastRevision}
              step={1}
              value={draft}
              aria-valuetext={`Revision ${draft} of ${lastRevision}`}
              aria-describedby="replay-revision-value"
              onInput={(event) => setDraft(Number(event.currentTarget.value))}
              onChange={(event) =>
                route(timelineUrl(caseId, { kind: 'revision', revision: event.currentTarget.value }))
              }
            />
            <span aria-hidden="true">{lastRevision}</span>
          </div>
          <output id="replay-revision-value" for="replay-revision">
            Revision {draft} of {lastRevision}
            {draft === lastRevision ? ' (the latest)' : ''}
          </output>
        </div>
        <form class="replay-moment" onSubmit={replayAtMoment} noValidate>
          <label>
            By a moment
            <select value={kind} onChange={(event) => setKind(event.currentTarget.value as TimeKind)}>
              <option value="asOf">as recorded at</option>
              <option value="asOccurredBy">as occurred by</option>
            </select>
          </label>
          <label>
            Moment (UTC)
            <input
              type="datetime-local"
              step="0.001"
              value={moment}
              aria-invalid={invalid ? 'true' : undefined}
              aria-describedby={invalid ? 'replay-moment-problem' : 'replay-moment-hint'}
              onInput={(event) => setMoment(event.currentTarget.value)}
            />
          </label>
          <button type="submit">Replay</button>
        </form>
      </div>
      {invalid && (
        <p id="replay-moment-problem" role="alert" class="problem">
          Give a date and a time (UTC) to replay at.
        </p>
      )}
      <p id="replay-moment-hint" class="hint">
        <strong>As recorded at</strong>: what the record said at that moment. <strong>As occurred by</strong>:
        everything that had happened by then, including history an integrator imported later.
        {point.kind !== 'latest' && (
          <>
            {' '}
            <a href={timelineUrl(caseId, { kind: 'latest' })}>Back to the current state</a>
          </>
        )}
      </p>
    </section>
  );
}
