import { assertNever } from '../../domain/kernel/decider.js';

/**
 * What one engine process does (ENGINE_ROLE). `api` serves the HTTP API and runs nothing in the
 * background, so that its event loop answers requests only; `projector` runs the projections, the
 * process managers (SLA watch, opinion-shopping timer) and the background workers (webhook
 * delivery, integrity log) and serves only /health, /ready and /metrics; `all` does both.
 */
export const ENGINE_ROLES = ['all', 'api', 'projector'] as const;

export type EngineRole = (typeof ENGINE_ROLES)[number];

/** Projections, process managers and background workers run in this process. */
export function runsBackgroundWork(role: EngineRole): boolean {
  switch (role) {
    case 'all':
    case 'projector':
      return true;
    case 'api':
      return false;
    default:
      return assertNever(role, 'engine role');
  }
}

/** The public HTTP API (everything but the operations endpoints) is served by this process. */
export function servesApi(role: EngineRole): boolean {
  switch (role) {
    case 'all':
    case 'api':
      return true;
    case 'projector':
      return false;
    default:
      return assertNever(role, 'engine role');
  }
}

/** Paths a projector-role process answers: probes and metrics for its operator. */
export const OPERATIONS_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);
