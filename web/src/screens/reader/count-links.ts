import { query } from '../../api/client';
import { apiScope, type MetricsScope, periodLabel } from '../readers/metrics-scope';

/**
 * Every count of the reader metrics carries an API link to the cases behind it
 * (`/api/v1/metrics/readers/{id}/cases?measure=…`). The app turns it into its own URL, the reader's
 * screen with the count in the query string (`/app/readers/{id}?measure=…`), which lists those
 * cases: bookmarkable, and Back returns to the figures. A breakdown's group (a finding, a body
 * region or a month narrower than the screen's scope) goes as `byFinding`, `byBodyRegion` and
 * `byPeriod`, so that it does not change the scope of the figures around it.
 */

/** The parameters that name a count (docs/api.md GET /api/v1/metrics/readers/{readerId}/cases). */
const COUNT_KEYS = [
  'measure',
  'reference',
  'blinding',
  'role',
  'codes',
  'score',
  'institution',
  'noInstitution',
] as const;

const NARROWING = { finding: 'byFinding', bodyRegion: 'byBodyRegion', period: 'byPeriod' } as const;
type Narrowed = keyof typeof NARROWING;
const NARROWED = Object.keys(NARROWING) as Narrowed[];

/** The count a reader screen lists, from its query string: absent without a measure. */
export type CountQuery = Partial<
  Record<(typeof COUNT_KEYS)[number] | (typeof NARROWING)[Narrowed], string>
> & {
  measure: string;
};

const CASES_PATH = /^\/api\/v1\/metrics\/readers\/([^/]+)\/cases$/;

export const readerHref = (readerId: string, scope: MetricsScope): string =>
  `/app/readers/${encodeURIComponent(readerId)}${query({ ...scope })}`;

/** The app's URL for an API drill-down link, in the screen's scope; undefined for a link it cannot read. */
export function casesHref(apiLink: string | undefined, scope: MetricsScope): string | undefined {
  if (!apiLink) return undefined;
  const url = new URL(apiLink, 'https://engine.invalid');
  const match = CASES_PATH.exec(url.pathname);
  if (!match?.[1]) return undefined;
  const sent = apiScope(scope);
  const values: Record<string, string | undefined> = { ...scope };
  for (const key of COUNT_KEYS) values[key] = url.searchParams.get(key) ?? undefined;
  for (const key of NARROWED) {
    const value = url.searchParams.get(key);
    if (value !== null && value !== sent[key]) values[NARROWING[key]] = value;
  }
  return `/app/readers/${match[1]}${query(values)}`;
}

/** The count named by a reader screen's query string, if any. */
export function countOf(screenQuery: Readonly<Record<string, string | undefined>>): CountQuery | undefined {
  const measure = screenQuery.measure;
  if (!measure) return undefined;
  const count: CountQuery = { measure };
  for (const key of [...COUNT_KEYS, ...Object.values(NARROWING)]) {
    const value = screenQuery[key];
    if (value) count[key] = value;
  }
  return count;
}

/** The screen's query without its count: the reader's figures alone. */
export function withoutCount(
  screenQuery: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const rest: Record<string, string | undefined> = { ...screenQuery };
  for (const key of [...COUNT_KEYS, ...Object.values(NARROWING)]) delete rest[key];
  return rest;
}

/** GET /api/v1/metrics/readers/{readerId}/cases for a count in the screen's scope. */
export function readerCasesPath(
  readerId: string,
  scope: MetricsScope,
  count: CountQuery,
  cursor?: string,
): string {
  const { byFinding, byBodyRegion, byPeriod, ...named } = count;
  const parameters: Record<string, string | undefined> = { ...apiScope(scope), ...named, cursor };
  if (byFinding) parameters.finding = byFinding;
  if (byBodyRegion) parameters.bodyRegion = byBodyRegion;
  if (byPeriod) parameters.period = byPeriod;
  return `/api/v1/metrics/readers/${encodeURIComponent(readerId)}/cases${query(parameters)}`;
}

/** What each measure counts, plural, for a heading ("15 major discordances"). */
const COUNTED: Readonly<Record<string, string>> = {
  reads: 'opinions submitted',
  'compared-reads': 'opinions compared with a reference',
  'true-positive': 'true positives',
  'false-positive': 'false positives',
  'false-negative': 'false negatives',
  'true-negative': 'true negatives',
  uncertain: 'uncertain finding pairs',
  'compared-pairs': 'compared finding pairs',
  'major-discordance': 'major discordances',
  'compared-with-consensus': 'opinions compared with the consensus',
  'adjudicated-read': 'reads escalated to adjudication',
  'decided-read': 'decided reads',
  'adjudicator-agreed': 'reads the adjudicator agreed with',
  'adjudicator-compared': 'reads compared with the adjudication',
  'adjudicator-disagreed': 'cases where the adjudicator disagreed',
  'primary-case': 'cases read as primary',
  'turnaround-timed': 'timed reads',
  'turnaround-excluded': 'reads left out of the turnaround',
  'turnaround-backfilled': 'reads from imported history',
  decisions: 'decisions',
  'decision-matched': 'decisions matching the reference standard',
  'decision-compared': 'decisions compared with the reference standard',
  'radpeer-given': 'RADPEER scores given',
  'radpeer-received': 'RADPEER scores received',
  'radpeer-pending': 'RADPEER scores pending arbitration',
};

const AGAINST: Readonly<Record<string, string>> = {
  'reference-standard': 'against the reference standard',
  consensus: 'against the consensus',
  adjudicator: 'against the adjudication',
};

/** The count in words: "major discordances against the consensus · finding fracture". */
export function describeCount(count: CountQuery): { counted: string; qualifiers: string[] } {
  const qualifiers = [
    count.reference && (AGAINST[count.reference] ?? `against ${count.reference}`),
    count.score && `score ${count.score}`,
    count.role && `as ${count.role}`,
    count.codes === 'significant' && 'significant codes only',
    count.blinding === 'unblinded' && 'unblinded reads',
    count.institution && `prior reports of ${count.institution}`,
    count.noInstitution === 'true' && 'prior reports naming no institution',
    count.byFinding && `finding ${count.byFinding}`,
    count.byBodyRegion && `body region ${count.byBodyRegion}`,
    count.byPeriod && periodLabel(count.byPeriod),
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  return { counted: COUNTED[count.measure] ?? count.measure, qualifiers };
}
