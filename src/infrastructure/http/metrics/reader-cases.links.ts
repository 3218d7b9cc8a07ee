import type { CaseSelector } from '../../../domain/metrics/case-selector.js';

/** The metrics query's scope parameters, carried into every link as the client sent them. */
const SCOPE_PARAMETERS = ['from', 'to', 'bodyRegion', 'finding', 'period'] as const;

/** The dimensions of a count, in the order a link lists them. */
const COUNT_PARAMETERS = ['reference', 'blinding', 'role', 'codes', 'score'] as const;

/** The scope parameters of a query, as the client sent them. */
const scopeParameters = (query: Readonly<Record<string, unknown>>) =>
  SCOPE_PARAMETERS.flatMap((name) => {
    const text = query[name];
    return typeof text === 'string' ? [[name, text] as const] : [];
  });

export const readerCasesPath = (subjectId: string): string =>
  `/api/v1/metrics/readers/${encodeURIComponent(subjectId)}/cases`;

/**
 * Builds the `cases` link of each count: the drill-down endpoint with the count's selector and the
 * scope of the query that produced the figure (the client's own text, so that dates mean there
 * exactly what they meant here); a breakdown's group (finding, body region, period) narrows it.
 */
export function readerCasesLinks(query: Readonly<Record<string, unknown>>) {
  const scope = scopeParameters(query);
  return (subjectId: string, selector: CaseSelector): string => {
    const parameters = new URLSearchParams({ measure: selector.measure });
    for (const name of COUNT_PARAMETERS) {
      const value = selector[name];
      if (value !== undefined) parameters.set(name, value);
    }
    if (selector.institution === null) parameters.set('noInstitution', 'true');
    else if (selector.institution !== undefined) parameters.set('institution', selector.institution);
    for (const [name, text] of scope) parameters.set(name, text);
    for (const name of ['finding', 'bodyRegion', 'period'] as const) {
      const value = selector[name];
      if (value !== undefined) parameters.set(name, value);
    }
    return `${readerCasesPath(subjectId)}?${parameters.toString()}`;
  };
}

/** Builds the link of a reader's metrics (GET /api/v1/metrics/readers/{readerId}) in the scope of the query. */
export function readerMetricsLinks(query: Readonly<Record<string, unknown>>) {
  const search = new URLSearchParams(Object.fromEntries(scopeParameters(query))).toString();
  return (readerId: string): string =>
    `/api/v1/metrics/readers/${encodeURIComponent(readerId)}${search === '' ? '' : `?${search}`}`;
}
