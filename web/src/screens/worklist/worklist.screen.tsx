import { useLocation, useRoute } from 'preact-iso';
import { query } from '../../api/client';
import { useApi } from '../../api/use-api';
import { type Column, DataTable } from '../../ui/data-table';
import { formatInstant } from '../../ui/format';
import { Loading, Page, ProblemMessage } from '../../ui/page';
import { WorklistFilters } from './worklist-filters';
import {
  type Filters,
  PAGE_SIZE,
  PRIORITY_BADGE,
  STATUS_BADGE,
  type WorklistPage,
  type WorklistRow,
  filtersOf,
} from './worklist.model';

/** The case id shortened on screen; its accessible name (and tooltip) is the whole id. */
function CaseLink(props: { caseId: string }) {
  const { caseId } = props;
  return (
    <a href={`/app/cases/${caseId}`} title={caseId} aria-label={caseId} class="case-link">
      <code>{caseId.slice(0, 8)}…</code>
    </a>
  );
}

const COLUMNS: ReadonlyArray<Column<WorklistRow>> = [
  { header: 'Case', cell: (row) => <CaseLink caseId={row.caseId} /> },
  { header: 'Patient', cell: (row) => row.patientRef ?? '—' },
  {
    header: 'Requester',
    cell: (row) =>
      row.requester ? (
        <>
          {row.requester.kind.replace(/-/g, ' ')} {row.requester.id}
          {row.requester.organisation && (
            <>
              <br />
              <span class="hint">{row.requester.organisation}</span>
            </>
          )}
        </>
      ) : (
        // Left out for a caller reading this case blinded.
        '—'
      ),
  },
  {
    header: 'Study',
    cell: (row) => (
      <>
        {row.bodyRegion ?? '—'}
        {row.studyInstanceUid && (
          <>
            <br />
            <code class="uid">{row.studyInstanceUid}</code>
          </>
        )}
      </>
    ),
  },
  {
    header: 'Status',
    cell: (row) => <span class={`badge ${STATUS_BADGE[row.status] ?? 'neutral'}`}>{row.status}</span>,
  },
  {
    header: 'Priority',
    cell: (row) => {
      const badge = PRIORITY_BADGE[row.priority];
      return badge ? <span class={`badge ${badge}`}>{row.priority}</span> : row.priority;
    },
  },
  { header: 'Requested', cell: (row) => formatInstant(row.requestedAt) },
  {
    header: 'Due',
    cell: (row) =>
      row.dueAt === null ? (
        'no SLA'
      ) : (
        <>
          {formatInstant(row.dueAt)}
          {row.overdue && (
            <>
              {' '}
              <span class="badge alarm">overdue</span>
            </>
          )}
        </>
      ),
  },
  {
    header: 'Readers',
    cell: (row) =>
      row.readers.length === 0
        ? '—'
        : row.readers.map((reader, index) => (
            <span key={`${reader.readerId}-${index}`} class="reader">
              {reader.readerId} <span class="hint">({reader.role}</span>
              <span class="hint">{reader.submitted ? ', submitted)' : ', pending)'}</span>
              {index < row.readers.length - 1 && <br />}
            </span>
          )),
  },
  { header: 'Outcome', cell: (row) => row.outcome ?? '—' },
];

const describe = (filters: Filters): string => {
  const parts = [
    filters.patientRef && `patient ${filters.patientRef}`,
    filters.studyInstanceUid && `study ${filters.studyInstanceUid}`,
    filters.status && `status ${filters.status}`,
    filters.priority && `priority ${filters.priority}`,
    filters.overdue === 'true' && 'overdue',
    filters.overdue === 'false' && 'within their due time',
  ].filter(Boolean);
  return parts.length === 0 ? 'All cases' : `Cases: ${parts.join(', ')}`;
};

/**
 * The coordinator's worklist: search by status, due time, priority, patient
 * reference and study UID, a page at a time by the API's cursor; every filter and the page's
 * cursor are in the URL, so a search is a bookmark and Back returns to the previous page.
 */
export function WorklistScreen() {
  const { query: params } = useRoute();
  const { route } = useLocation();
  const filters = filtersOf(params);
  const cursor = params.cursor || undefined;
  const page = useApi<WorklistPage>(`/api/v1/cases${query({ ...filters, limit: PAGE_SIZE, cursor })}`);
  const filtered = Object.keys(filters).length > 0;
  const rows = page.data?.items;
  return (
    <Page
      title="Cases"
      lead="Find a case by patient, study, status, priority or due time, and open its timeline."
    >
      <WorklistFilters
        key={JSON.stringify(filters)}
        filters={filters}
        onSearch={(next) => route(`/app/cases${query(next)}`)}
      />
      <ProblemMessage error={page.error} context="The search failed" />
      {page.loading && <Loading what="cases" />}
      {rows && !page.loading && (
        <>
          <DataTable
            caption={`${describe(filters)} — ${rows.length} ${rows.length === 1 ? 'case' : 'cases'}${
              cursor ? ' on this page' : page.data?.nextCursor ? ' on the first page' : ''
            }, oldest request first`}
            columns={COLUMNS}
            rows={rows}
            rowKey={(row) => row.caseId}
            empty={filtered ? 'No case matches this search.' : 'No case yet.'}
          />
          {(cursor || page.data?.nextCursor) && (
            <nav class="pager" aria-label="Pages of cases">
              {cursor && <a href={`/app/cases${query(filters)}`}>← First page</a>}
              {page.data?.nextCursor && (
                <a href={`/app/cases${query({ ...filters, cursor: page.data.nextCursor })}`}>Next page →</a>
              )}
            </nav>
          )}
        </>
      )}
    </Page>
  );
}
