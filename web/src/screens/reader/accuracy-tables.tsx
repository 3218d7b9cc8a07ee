import { type Column, DataTable } from '../../ui/data-table';
import { formatNumber } from '../../ui/format';
import type { MetricsScope } from '../readers/metrics-scope';
import { CountLink, RateWithInterval } from './count-link';
import { type AccuracyFigures, type FindingFigures, REFERENCE_NAMES } from './reader-metrics.api';

type Row = AccuracyFigures & { code?: string };

/**
 * The columns of an accuracy table after its `first`: the pair counts, each linked to its cases,
 * and the rates with their intervals. `label` names the row in each link's accessible name.
 */
export function accuracyColumns<Figures extends AccuracyFigures>(
  scope: MetricsScope,
  first: Column<Figures>,
  label: (row: Figures) => string,
): Column<Figures>[] {
  const count = (key: 'tp' | 'fp' | 'fn' | 'tn' | 'uncertain' | 'n', what: string): Column<Figures> => ({
    header: key === 'n' ? 'Pairs' : key === 'uncertain' ? 'Uncertain' : key.toUpperCase(),
    numeric: true,
    cell: (row) => (
      <CountLink count={row[key]} link={row.cases?.[key]} scope={scope} what={`${what}, ${label(row)}`} />
    ),
  });
  return [
    first,
    count('n', 'compared finding pairs'),
    count('tp', 'true positives'),
    count('fp', 'false positives'),
    count('fn', 'false negatives'),
    count('tn', 'true negatives'),
    count('uncertain', 'uncertain pairs'),
    {
      header: 'Sensitivity (95% CI)',
      numeric: true,
      cell: (row) => <RateWithInterval rate={row.sensitivity} />,
    },
    {
      header: 'Specificity (95% CI)',
      numeric: true,
      cell: (row) => <RateWithInterval rate={row.specificity} />,
    },
    { header: 'Agreement (95% CI)', numeric: true, cell: (row) => <RateWithInterval rate={row.agreement} /> },
    { header: 'κ', numeric: true, cell: (row) => formatNumber(row.kappa) },
  ];
}

/**
 * Accuracy by finding, one table per reference (the reference standard, then the consensus): the
 * overall row first, then each finding code.
 */
export function AccuracyTables(props: {
  overall: readonly AccuracyFigures[];
  byFinding: readonly FindingFigures[];
  scope: MetricsScope;
}) {
  const references = props.overall.map((figures) => figures.reference);
  return (
    <>
      {references.map((reference) => {
        const rows: Row[] = [
          ...props.overall.filter((figures) => figures.reference === reference),
          ...props.byFinding.filter((figures) => figures.reference === reference),
        ];
        const name = REFERENCE_NAMES[reference] ?? reference;
        return (
          <DataTable
            key={reference}
            caption={`Against ${name}`}
            rows={rows}
            rowKey={(row) => row.code ?? '(all)'}
            columns={accuracyColumns<Row>(
              props.scope,
              {
                header: 'Finding',
                cell: (row) => (row.code ? <code>{row.code}</code> : <strong>All findings</strong>),
              },
              (row) => `${row.code ?? 'all findings'}, against ${name}`,
            )}
            empty="Nothing compared in this scope."
          />
        );
      })}
    </>
  );
}
