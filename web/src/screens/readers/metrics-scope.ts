/**
 * The scope both reader screens share, as their URL carries it: a finding, a body region and a
 * period. The period is a UTC month (`2025-01`) or a quarter (`2025-Q1`); the API takes a month
 * as `period` and a quarter as `from`/`to` (both inclusive dates).
 */
export interface MetricsScope {
  finding?: string;
  bodyRegion?: string;
  period?: string;
}

export const SCOPE_KEYS = ['finding', 'bodyRegion', 'period'] as const;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

const pad = (value: number): string => String(value).padStart(2, '0');

/** The scope in a screen's query string; unknown keys are left to the screen. */
export function scopeOf(query: Readonly<Record<string, string | undefined>>): MetricsScope {
  const scope: MetricsScope = {};
  for (const key of SCOPE_KEYS) {
    const value = query[key];
    if (value) scope[key] = value;
  }
  return scope;
}

/** The scope as the metrics API takes it. A period the app cannot read goes as it is (the API says why). */
export function apiScope(scope: MetricsScope): Record<string, string | undefined> {
  const { finding, bodyRegion, period } = scope;
  const quarter = period ? QUARTER.exec(period) : null;
  if (!quarter) return { finding, bodyRegion, period };
  const year = Number(quarter[1]);
  const first = (Number(quarter[2]) - 1) * 3 + 1;
  // Day 0 of the next month is the last day of this quarter's last month.
  const lastDay = new Date(Date.UTC(year, first + 2, 0)).getUTCDate();
  return {
    finding,
    bodyRegion,
    from: `${year}-${pad(first)}-01`,
    to: `${year}-${pad(first + 2)}-${pad(lastDay)}`,
  };
}

const MONTH_NAME = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A period in words: "January 2025", "2025 Q1 (January–March)". */
export function periodLabel(period: string): string {
  const month = MONTH.exec(period);
  if (month) return MONTH_NAME.format(new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1)));
  const quarter = QUARTER.exec(period);
  if (quarter) {
    const first = (Number(quarter[2]) - 1) * 3;
    const name = (offset: number) =>
      new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }).format(
        new Date(Date.UTC(2000, first + offset, 1)),
      );
    return `${quarter[1]} Q${quarter[2]} (${name(0)}–${name(2)})`;
  }
  return period;
}

export interface Option {
  value: string;
  label: string;
}

/** The quarters and months that have data, newest first: a quarter, then its months. */
export function periodOptions(months: Iterable<string>): Option[] {
  const valid = [...new Set(months)].filter((month) => MONTH.test(month)).sort((a, b) => b.localeCompare(a));
  const options: Option[] = [];
  let lastQuarter = '';
  for (const month of valid) {
    const [year, number] = month.split('-');
    const quarter = `${year}-Q${Math.floor((Number(number) - 1) / 3) + 1}`;
    if (quarter !== lastQuarter) {
      options.push({ value: quarter, label: periodLabel(quarter) });
      lastQuarter = quarter;
    }
    options.push({ value: month, label: periodLabel(month) });
  }
  return options;
}

/** The scope in words, for a lead paragraph or a caption. */
export function scopeText(scope: MetricsScope): string {
  const parts = [
    scope.finding ? `finding ${scope.finding}` : 'every finding',
    scope.bodyRegion ? `body region ${scope.bodyRegion}` : 'every body region',
    scope.period ? periodLabel(scope.period) : 'all periods',
  ];
  return parts.join(', ');
}
