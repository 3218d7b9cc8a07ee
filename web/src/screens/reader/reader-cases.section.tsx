import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, api, asApiError } from '../../api/client';
import { useApi } from '../../api/use-api';
import { type Column, DataTable } from '../../ui/data-table';
import { formatInstant } from '../../ui/format';
import { Loading, ProblemMessage } from '../../ui/page';
import { type MetricsScope, scopeText } from '../readers/metrics-scope';
import { type CountQuery, describeCount, readerCasesPath } from './count-links';
import type { ReaderCase, ReaderCasesPage } from './reader-metrics.api';

const caseColumn: Column<ReaderCase> = {
  header: 'Case',
  cell: (item) => (
    <a href={`/app/cases/${encodeURIComponent(item.caseId)}`} aria-label={`Case ${item.caseId}: timeline`}>
      <code>{item.caseId}</code>
    </a>
  ),
};

/** The optional columns, shown only when some unit of the count has them (a score only for RADPEER). */
const OPTIONAL_COLUMNS: ReadonlyArray<{ has: (item: ReaderCase) => boolean; column: Column<ReaderCase> }> = [
  {
    has: (item) => item.code !== undefined,
    column: { header: 'Finding', cell: (item) => <code>{item.code}</code> },
  },
  {
    has: (item) => item.round !== undefined,
    column: { header: 'Round', numeric: true, cell: (item) => item.round },
  },
  { has: (item) => item.score !== undefined, column: { header: 'Score', cell: (item) => item.score } },
  {
    has: (item) => item.occurredAt !== undefined,
    column: { header: 'Counted at', cell: (item) => formatInstant(item.occurredAt) },
  },
];

function columns(items: readonly ReaderCase[]): Column<ReaderCase>[] {
  return [
    caseColumn,
    { header: 'Requested', cell: (item) => formatInstant(item.requestedAt) },
    { header: 'Body region', cell: (item) => item.bodyRegion },
    ...OPTIONAL_COLUMNS.filter(({ has }) => items.some(has)).map(({ column }) => column),
  ];
}

/**
 * The cases behind one count of the reader's figures (GET /api/v1/metrics/readers/{id}/cases),
 * each linking to its timeline. Opened by a count's link; the heading takes the focus so that a
 * keyboard or screen-reader user lands on the answer.
 */
export function ReaderCasesSection(props: {
  readerId: string;
  scope: MetricsScope;
  count: CountQuery;
  closeHref: string;
}) {
  const path = readerCasesPath(props.readerId, props.scope, props.count);
  const first = useApi<ReaderCasesPage>(path);
  const [more, setMore] = useState<{ items: ReaderCase[]; nextCursor?: string; error?: ApiError }>();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    setMore(undefined);
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start' });
  }, [path]);

  const nextCursor = more ? more.nextCursor : first.data?.nextCursor;
  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const loadMore = () => {
    if (!nextCursor) return;
    api<ReaderCasesPage>(readerCasesPath(props.readerId, props.scope, props.count, nextCursor)).then(
      (page) => setMore({ items: [...(more?.items ?? []), ...page.items], nextCursor: page.nextCursor }),
      (error: unknown) =>
        setMore({
          items: more?.items ?? [],
          nextCursor,
          error: asApiError(error),
        }),
    );
  };

  const { counted, qualifiers } = describeCount(props.count);
  const total = first.data?.total;
  return (
    <section class="reader-cases" aria-labelledby="reader-cases-title">
      <h2 id="reader-cases-title" ref={heading} tabIndex={-1}>
        Cases behind {total ?? ''} {counted}
      </h2>
      <p class="lead">
        {[`Reader ${props.readerId}`, ...qualifiers].join(' · ')}. Scope: {scopeText(props.scope)}.{' '}
        <a href={props.closeHref}>Close the list</a>
      </p>
      <ProblemMessage error={first.error} context="The cases could not be listed" />
      {first.loading && !first.data && <Loading what="the cases" />}
      {first.data && (
        <>
          <DataTable
            caption={`${total} ${counted}: ${items.length === total ? 'all shown' : `${items.length} shown`}, by request time`}
            rows={items}
            rowKey={(item) =>
              `${item.caseId}:${item.opinionId ?? ''}:${item.code ?? ''}:${item.score ?? ''}:${item.round ?? ''}`
            }
            columns={columns(items)}
            empty="No case is behind this count."
          />
          <ProblemMessage error={more?.error} context="The next cases could not be listed" />
          {nextCursor && (
            <button type="button" class="secondary" onClick={loadMore}>
              Show more cases
            </button>
          )}
        </>
      )}
    </section>
  );
}
