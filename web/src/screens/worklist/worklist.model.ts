/** Worklist rows as GET /api/v1/cases answers them (docs/api.md "Worklist search"), and its filters. */

export interface WorklistReader {
  readerId: string;
  role: string;
  blinded: boolean;
  submitted: boolean;
  round?: number;
}

export interface WorklistRow {
  caseId: string;
  status: string;
  patientRef: string | null;
  studyInstanceUid: string | null;
  bodyRegion: string | null;
  requester?: { kind: string; id: string; organisation?: string };
  priority: string;
  dueAt: string | null;
  overdue: boolean;
  readers: WorklistReader[];
  requestedAt: string;
  consensusAt?: string;
  outcome?: string;
}

export interface WorklistPage {
  items: WorklistRow[];
  nextCursor?: string;
}

/** The case statuses (docs/domain.md), in lifecycle order. */
export const STATUSES = [
  'requested',
  'in-review',
  'awaiting-adjudication',
  'awaiting-panel',
  'consensus',
  'closed',
  'withdrawn',
] as const;

export const PRIORITIES = ['stat', 'urgent', 'routine'] as const;

export const OVERDUE_CHOICES = [
  { value: '', label: 'Any' },
  { value: 'true', label: 'Overdue' },
  { value: 'false', label: 'Within their due time' },
] as const;

/** The URL's filters: the API's own parameter names, so the URL reads as the query it sends. */
export const FILTERS = ['patientRef', 'studyInstanceUid', 'status', 'priority', 'overdue'] as const;
export type Filter = (typeof FILTERS)[number];
export type Filters = Partial<Record<Filter, string>>;

export const filtersOf = (params: Record<string, string | undefined>): Filters =>
  Object.fromEntries(
    FILTERS.flatMap((name) => {
      const value = params[name]?.trim();
      return value ? [[name, value]] : [];
    }),
  );

/** Rows a page: enough to scan, few enough to read. */
export const PAGE_SIZE = 25;

export const STATUS_BADGE: Readonly<Record<string, string>> = {
  requested: 'neutral',
  'in-review': 'neutral',
  'awaiting-adjudication': 'warn',
  'awaiting-panel': 'warn',
  consensus: 'ok',
  closed: 'ok',
  withdrawn: 'neutral',
};

export const PRIORITY_BADGE: Readonly<Record<string, string | undefined>> = {
  stat: 'alarm',
  urgent: 'warn',
};
