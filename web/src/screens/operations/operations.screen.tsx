import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { useApi } from '../../api/use-api';
import { type Column, DataTable } from '../../ui/data-table';
import { formatDuration } from '../../ui/format';
import { Loading, Page, ProblemMessage } from '../../ui/page';
import {
  type ProjectionStatus,
  type ProjectionsStatus,
  type RebuildAccepted,
  SERVES,
  STATE_BADGE,
  isBusy,
} from './operations.model';
import { RebuildDialog } from './rebuild-dialog';

/** While a rebuild runs or events wait, the status is read again this often. */
const REFRESH_MS = 2_000;

const timeOfDay = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium', timeZone: 'UTC' });

function columns(): ReadonlyArray<Column<ProjectionStatus>> {
  return [
    {
      header: 'Projection',
      cell: (item) => (
        <>
          <strong>{item.name}</strong>
          {SERVES[item.name] && (
            <>
              <br />
              <span class="hint">{SERVES[item.name]}</span>
            </>
          )}
        </>
      ),
    },
    {
      header: 'State',
      cell: (item) => (
        <>
          <span class={`badge ${STATE_BADGE[item.state] ?? 'neutral'}`}>{item.state}</span>
          {item.error && <p class="problem projection-error">{item.error}</p>}
        </>
      ),
    },
    { header: 'Generation', numeric: true, cell: (item) => item.generation ?? '—' },
    { header: 'Lag (events)', numeric: true, cell: (item) => item.lagEvents.toLocaleString('en-GB') },
    { header: 'Lag (time)', numeric: true, cell: (item) => formatDuration(item.lagSeconds) },
    {
      header: 'Checkpoint',
      cell: (item) => (item.checkpoint === null ? '—' : <code>{item.checkpoint}</code>),
    },
    {
      header: 'Rebuild',
      cell: (item) =>
        item.rebuild
          ? `generation ${item.rebuild.generation}: ${item.rebuild.lagEvents.toLocaleString('en-GB')} events to go`
          : '—',
    },
    {
      header: 'Action',
      cell: (item) => (
        <a class="button-link" href={`/app/operations?rebuild=${encodeURIComponent(item.name)}`}>
          Rebuild<span class="visually-hidden"> {item.name}</span>…
        </a>
      ),
    },
  ];
}

/**
 * The admin's operations screen: every projection's state and lag, and a
 * rebuild behind a confirmation step. The step is in the URL (`?rebuild=<name>`): Back closes it.
 */
export function OperationsScreen() {
  const { query: params } = useRoute();
  const { route } = useLocation();
  const status = useApi<ProjectionsStatus>('/api/v1/projections');
  const [readAt, setReadAt] = useState<Date>();
  const [result, setResult] = useState<string>();
  const { data, reload } = status;

  useEffect(() => {
    if (!status.loading && data) setReadAt(new Date());
  }, [data, status.loading]);
  // Follow a rebuild (or a catching-up projection) until it settles.
  useEffect(() => {
    if (!data || status.loading || !isBusy(data)) return;
    const timer = setTimeout(reload, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [data, status.loading, reload]);

  const asked = params.rebuild ? data?.items.find((item) => item.name === params.rebuild) : undefined;
  const closeDialog = () => route('/app/operations', true);
  const onRebuilt = (answer: RebuildAccepted) => {
    const from = asked?.generation;
    setResult(
      `Rebuild of ${answer.name} requested (state: ${answer.state}). ${
        from === null || from === undefined ? 'A new generation' : `Generation ${from + 1}`
      } is being built while the current one keeps serving; the table follows it until the switch.`,
    );
    closeDialog();
    reload();
  };

  return (
    <Page
      title="Operations"
      lead="The read models behind every list and figure: whether they are up to date, and rebuilding one."
    >
      <div role="status">{result && <p class="notice">{result}</p>}</div>
      <ProblemMessage error={status.error} context="The projection status could not be read" />
      {!data && status.loading && <Loading what="the projection status" />}
      {data && (
        <>
          <DataTable
            caption={`Projections (${data.items.length}): state and lag behind the event log`}
            columns={columns()}
            rows={data.items}
            rowKey={(item) => item.name}
          />
          <p class="status-footer">
            Oldest open transaction in the database: {formatDuration(data.oldestOpenTransactionSeconds)}
            {readAt && <> · read at {timeOfDay.format(readAt)} UTC</>}{' '}
            <button type="button" class="secondary" onClick={reload} disabled={status.loading}>
              {status.loading ? 'Refreshing…' : 'Refresh'}
            </button>
          </p>
        </>
      )}
      {params.rebuild && data && !asked && (
        <p class="problem">
          There is no projection named {params.rebuild}. <a href="/app/operations">Back to the list</a>.
        </p>
      )}
      {asked && (
        <RebuildDialog key={asked.name} projection={asked} onCancel={closeDialog} onRebuilt={onRebuilt} />
      )}
    </Page>
  );
}
