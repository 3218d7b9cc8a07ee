/** Projection status as GET /api/v1/projections answers it (docs/projections.md "Status and lag"). */

export interface ProjectionStatus {
  name: string;
  state: string;
  checkpoint: string | null;
  lagEvents: number;
  lagSeconds: number;
  generation: number | null;
  error?: string;
  rebuild?: { generation: number; checkpoint: string | null; lagEvents: number };
}

export interface ProjectionsStatus {
  items: ProjectionStatus[];
  oldestOpenTransactionSeconds: number;
}

export interface RebuildAccepted {
  name: string;
  state: string;
}

/** What each read model serves (docs/projections.md "The read models"), for an admin deciding on a rebuild. */
export const SERVES: Readonly<Record<string, string>> = {
  'audit-trail': 'Audit trails and the access log',
  worklist: 'The case worklist and its search',
  'reader-metrics': 'Reader performance: funnel plots and per-reader figures',
  'opinion-shopping': 'Opinion-shopping flags and their reviews',
  'sla-watch': 'The SLA watch (due times not yet settled)',
};

export const STATE_BADGE: Readonly<Record<string, string>> = {
  running: 'ok',
  rebuilding: 'warn',
  failed: 'alarm',
  stopped: 'alarm',
};

/** Something is moving: a rebuild under way or events not applied yet, so the status is read again. */
export const isBusy = (status: ProjectionsStatus): boolean =>
  status.items.some(
    (item) => item.state === 'rebuilding' || item.rebuild !== undefined || item.lagEvents > 0,
  );
