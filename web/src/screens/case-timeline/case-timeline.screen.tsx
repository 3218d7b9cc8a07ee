import { useMemo, useRef } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { useApi } from '../../api/use-api';
import { hasRole } from '../../auth/session';
import { useSession } from '../../auth/session-context';
import { Loading, Page, ProblemMessage } from '../../ui/page';
import { AuditTrailDownload, DossierDownload } from './record-download';
import { indexRecord } from './case-events';
import type { CaseHistory, CaseView } from './case-record';
import { CaseState, studyText } from './case-state';
import { EventTable } from './event-table';
import { IntegrityVerdict } from './integrity-verdict';
import { CaseViewPanel } from './reading-view';
import { ReplayControls } from './replay-controls';
import { historyPath, pointHeading, replayPointOf, timelineUrl } from './replay-point';

/**
 * Which roles the engine lets read a case's history and audit trail (README "Who may call what").
 * Only to avoid asking for what would be refused: the engine decides, and its answer is shown.
 */
const HISTORY_ROLES = ['integrator', 'coordinator', 'quality-committee', 'medico-legal', 'admin'];
/** Who may export the audit trail and the dossier (the engine's access policy says the same). */
const AUDIT_TRAIL_ROLES = ['quality-committee', 'medico-legal', 'admin'];

/**
 * Case timeline (medico-legal): every event of a case in order, the integrity verdict, and the
 * case replayed at a revision or a moment (`?revision=k`, `?asOf=…`, `?asOccurredBy=…`).
 */
export function CaseTimelineScreen() {
  const { params, query } = useRoute();
  const caseId = params.caseId ?? '';
  const { session } = useSession();
  const point = replayPointOf(query);
  const readsHistory = hasRole(session, ...HISTORY_ROLES);
  const history = useApi<CaseHistory>(readsHistory ? historyPath(caseId, point) : null);
  // A reader, or anyone the engine refuses the history (a pending blinded read): the case view it allows.
  const caseView = useApi<CaseView>(
    !readsHistory || history.error?.status === 403 ? `/api/v1/cases/${encodeURIComponent(caseId)}` : null,
  );

  // The last replay that succeeded keeps the controls in place while a point the engine refuses is shown.
  const lastGood = useRef<CaseHistory | undefined>(undefined);
  if (history.data && !history.error) lastGood.current = history.data;
  const shown = history.error ? undefined : history.data;
  const controls = shown ?? lastGood.current;
  const index = useMemo(() => indexRecord(shown?.events ?? []), [shown]);

  const request = (shown ?? controls)?.state;
  const lead = (
    <>
      Case <code>{caseId}</code>
      {request && (
        <>
          {' '}
          · patient {request.patientRef} · {studyText(request.study)}
        </>
      )}
    </>
  );

  if (!readsHistory || history.error?.status === 403) {
    return (
      <Page title="Case" lead={lead}>
        <div class="case-timeline">
          {caseView.loading && <Loading what="the case" />}
          <ProblemMessage error={caseView.error} context="This case" />
          {caseView.data && <CaseViewPanel view={caseView.data} />}
        </div>
      </Page>
    );
  }

  return (
    <Page title="Case timeline" lead={lead}>
      <div class="case-timeline">
        {controls && (
          <IntegrityVerdict
            integrity={controls.integrity}
            revision={controls.revision}
            replaying={point.kind !== 'latest'}
          />
        )}
        {hasRole(session, ...AUDIT_TRAIL_ROLES) && controls && (
          <>
            <AuditTrailDownload caseId={caseId} />
            <DossierDownload caseId={caseId} revision={controls.revision} />
          </>
        )}
        {controls && (
          <ReplayControls
            caseId={caseId}
            point={point}
            revision={controls.revision}
            lastRevision={controls.integrity.lastRevision}
            defaultMoment={controls.events.at(-1)?.recordedAt}
          />
        )}
        {history.loading && <Loading what={shown ? 'the replay' : 'the case’s history'} />}
        <ProblemMessage error={history.error} context={point.kind === 'latest' ? 'This case' : 'Replay'} />
        {history.error && !controls && point.kind !== 'latest' && (
          <p>
            <a href={timelineUrl(caseId, { kind: 'latest' })}>Show the case as it stands now</a>
          </p>
        )}
        {shown && (
          <>
            <section aria-labelledby="state-heading" class="case-state">
              <h2 id="state-heading">{pointHeading(point, shown.revision)}</h2>
              {shown.state ? <CaseState state={shown.state} index={index} /> : <p>No case at this point.</p>}
            </section>
            <section aria-labelledby="events-heading">
              <h2 id="events-heading">
                Events up to revision {shown.revision}
                {shown.revision < shown.integrity.lastRevision ? ` of ${shown.integrity.lastRevision}` : ''}
              </h2>
              <EventTable caseId={caseId} events={shown.events} index={index} />
            </section>
          </>
        )}
      </div>
    </Page>
  );
}
