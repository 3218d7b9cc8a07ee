/**
 * Opinion-shopping flags as GET /api/v1/opinion-shopping/flags answers them (docs/api.md
 * "Opinion-shopping flags"), and the committee queue's vocabulary and order.
 */

export interface FlagRequester {
  kind: string;
  id: string;
  organisation?: string;
}

export interface FlagCase {
  caseId: string;
  patientRef: string;
  studyInstanceUid: string;
  studyDate: string;
  requester: FlagRequester;
  requestedAt: string;
  status?: string;
  consensusAt?: string;
  outcome?: string;
}

export interface FlagReview {
  reviewedBy: string;
  disposition: string;
  note: string;
  reviewedAt: string;
}

export interface FlagEvidence {
  eventIds: string[];
  caseIds: string[];
  readers: string[];
  organisations: string[];
  window: { from: string; to: string; days: number | null };
  threshold: number;
  observed: number;
  patientRefs?: string[];
  matchedBy?: string[];
}

export interface Flag {
  flagId: string;
  rule: string;
  severity: string;
  patientRef: string;
  bodyRegion: string;
  raisedAt: string;
  evidence: FlagEvidence;
  cases: FlagCase[];
  status: string;
  disposition?: string;
  reviews: FlagReview[];
}

export interface FlagPage {
  items: Flag[];
  nextCursor?: string;
}

/** What each rule looks for (docs/domain.md "Opinion-shopping rules"), in the committee's words. */
export const RULES: Readonly<Record<string, { name: string; meaning: string }>> = {
  'OS-1': {
    name: 'Repeated requests',
    meaning: 'Three or more requests within a year, from several organisations or after a confirming answer.',
  },
  'OS-2': { name: 'Burst of requests', meaning: 'Five or more requests within 90 days.' },
  'OS-3': {
    name: 'Stopped after a favourable answer',
    meaning: 'Agreeing opinions, then one that contradicts them, and no request since.',
  },
  'OS-4': {
    name: 'Identifier evasion',
    meaning: 'The same study sent in under a different patient reference.',
  },
  'OS-5': {
    name: 'Blinding breach',
    meaning: "This engine's own report came back as the prior report.",
  },
};

export const ruleName = (rule: string): string => RULES[rule]?.name ?? rule;

/** Most urgent first: the order of the queue's default sort. */
export const SEVERITIES = ['high', 'review', 'info'] as const;

export const SEVERITY_BADGE: Readonly<Record<string, string>> = {
  high: 'alarm',
  review: 'warn',
  info: 'neutral',
};

export const STATUS_BADGE: Readonly<Record<string, string>> = {
  open: 'warn',
  'needs-follow-up': 'warn',
  resolved: 'ok',
};

/** The status filter: the API's values, plus `all` (no filter). The queue is the default. */
export const STATUS_FILTERS = [
  { value: 'unresolved', label: 'In the queue (open or needs follow-up)' },
  { value: 'open', label: 'Open (never reviewed)' },
  { value: 'needs-follow-up', label: 'Needs follow-up' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'reviewed', label: 'Reviewed at least once' },
  { value: 'all', label: 'All flags' },
] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number]['value'];
export const DEFAULT_STATUS: StatusFilter = 'unresolved';

export const statusFilterOf = (value: string | undefined): StatusFilter =>
  STATUS_FILTERS.find((filter) => filter.value === value)?.value ?? DEFAULT_STATUS;

/** What the committee may decide (the review DTO's dispositions) and what each does to the flag. */
export const DISPOSITIONS = [
  { value: 'dismissed', label: 'Dismissed — no concern; resolves the flag' },
  { value: 'confirmed', label: 'Confirmed — a pattern to act on; resolves the flag' },
  { value: 'needs-follow-up', label: 'Needs follow-up — keeps the flag in the queue' },
] as const;

/** The queue's orders: severity (then oldest first), or by when the flag was raised. */
export const SORTS = ['severity', 'oldest', 'newest'] as const;
export type Sort = (typeof SORTS)[number];
export const sortOf = (value: string | undefined): Sort => SORTS.find((sort) => sort === value) ?? 'severity';

const severityRank = (severity: string): number => {
  const rank = SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]);
  return rank === -1 ? SEVERITIES.length : rank;
};

const byRaised = (a: Flag, b: Flag): number =>
  a.raisedAt === b.raisedAt ? a.flagId.localeCompare(b.flagId) : a.raisedAt < b.raisedAt ? -1 : 1;

/** The flags in the order asked for; the oldest waits longest, so it leads within a severity. */
export function sortFlags(flags: readonly Flag[], sort: Sort): Flag[] {
  const sorted = [...flags];
  switch (sort) {
    case 'severity':
      return sorted.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || byRaised(a, b));
    case 'oldest':
      return sorted.sort(byRaised);
    case 'newest':
      return sorted.sort((a, b) => byRaised(b, a));
    default: {
      const never: never = sort;
      return never;
    }
  }
}

/** A requester as the committee reads it: kind, id and organisation. */
export const requesterLabel = (requester: FlagRequester): string =>
  `${requester.kind.replace(/-/g, ' ')} ${requester.id}${requester.organisation ? ` (${requester.organisation})` : ''}`;
