import { DataTable } from '../../ui/data-table';
import type { MetricsScope } from '../readers/metrics-scope';
import { CountLink } from './count-link';
import {
  RADPEER_SCORES,
  type RadpeerGiven,
  type RadpeerReceived,
  type ReaderMetrics,
} from './reader-metrics.api';

type ReceivedRow = RadpeerReceived & { institution?: string | null; all?: boolean };

const institutionName = (row: ReceivedRow): string =>
  row.all ? 'All institutions' : (row.institution ?? 'No institution named');

/** What each RADPEER score means (ACR RADPEER), for the column headers' titles. */
const SCORE_MEANING: Readonly<Record<string, string>> = {
  '1': 'Concur with interpretation',
  '2a': 'Discrepancy: diagnosis not ordinarily expected to be made, unlikely clinically significant',
  '2b': 'Discrepancy: diagnosis not ordinarily expected to be made, likely clinically significant',
  '3a': 'Discrepancy: diagnosis should be made most of the time, unlikely clinically significant',
  '3b': 'Discrepancy: diagnosis should be made most of the time, likely clinically significant',
};

/**
 * RADPEER scores this reader's prior reports received (all institutions, then each), and the scores
 * this reader gave as a reviewer; every count linked to its cases.
 */
export function RadpeerTables(props: { radpeer: ReaderMetrics['radpeer']; scope: MetricsScope }) {
  const { received, given } = props.radpeer;
  const receivedRows: ReceivedRow[] = [{ ...received, all: true }, ...received.byInstitution];
  return (
    <>
      <DataTable
        caption="Scores received on this reader's prior reports"
        rows={receivedRows}
        rowKey={(row) => (row.all ? '(all)' : (row.institution ?? '(none)'))}
        columns={[
          {
            header: 'Institution',
            cell: (row) => (row.all ? <strong>{institutionName(row)}</strong> : institutionName(row)),
          },
          ...RADPEER_SCORES.map((score) => ({
            header: `Score ${score}`,
            numeric: true,
            cell: (row: ReceivedRow) => (
              <CountLink
                count={row.counts[score]}
                link={row.cases?.[score]}
                scope={props.scope}
                what={`RADPEER ${score} scores received, ${institutionName(row)}`}
              />
            ),
          })),
          {
            header: 'Scored',
            numeric: true,
            cell: (row) => (
              <CountLink
                count={row.n}
                link={row.cases?.n}
                scope={props.scope}
                what={`RADPEER scores received, ${institutionName(row)}`}
              />
            ),
          },
          {
            header: 'Pending arbitration',
            numeric: true,
            cell: (row) => (
              <CountLink
                count={row.pendingArbitration}
                link={row.cases?.pendingArbitration}
                scope={props.scope}
                what={`RADPEER scores pending arbitration, ${institutionName(row)}`}
              />
            ),
          },
        ]}
      />
      <GivenTable given={given} scope={props.scope} />
      <p class="hint">
        Scores: {RADPEER_SCORES.map((score) => `${score} ${SCORE_MEANING[score]?.toLowerCase()}`).join('; ')}.
      </p>
    </>
  );
}

function GivenTable(props: { given: RadpeerGiven; scope: MetricsScope }) {
  return (
    <DataTable
      caption="Scores this reader gave as a reviewer"
      rows={[props.given]}
      rowKey={() => 'given'}
      columns={[
        { header: 'Reviewer', cell: () => <strong>All scores given</strong> },
        ...RADPEER_SCORES.map((score) => ({
          header: `Score ${score}`,
          numeric: true,
          cell: (row: RadpeerGiven) => (
            <CountLink
              count={row.counts[score]}
              link={row.cases?.[score]}
              scope={props.scope}
              what={`RADPEER ${score} scores given`}
            />
          ),
        })),
        {
          header: 'Scored',
          numeric: true,
          cell: (row) => (
            <CountLink count={row.n} link={row.cases?.n} scope={props.scope} what="RADPEER scores given" />
          ),
        },
      ]}
    />
  );
}
