import { TOKEN_ROLES } from '../../domain/case/case.values.js';

/**
 * "Who may call what" (docs/api.md), as data: the route guard, the authorisation-matrix test and the
 * README table are all generated from this one table.
 */
export const ROLES = TOKEN_ROLES;
export type Role = (typeof ROLES)[number];

export const ACCESS_POLICY = {
  'request-case': ['integrator', 'coordinator'],
  'assign-reader': ['integrator', 'coordinator'],
  'unassign-reader': ['integrator', 'coordinator'],
  'close-case': ['integrator', 'coordinator'],
  'withdraw-case': ['integrator', 'coordinator'],
  'start-read': ['integrator', 'radiologist'],
  'submit-opinion': ['integrator', 'radiologist'],
  'review-prior-report': ['integrator', 'radiologist'],
  'submit-adjudication': ['integrator', 'radiologist'],
  'append-addendum': ['integrator', 'radiologist'],
  'escalate-case': ['integrator', 'coordinator', 'quality-committee'],
  'reopen-case': ['integrator', 'coordinator', 'quality-committee'],
  'record-reference-standard': ['integrator', 'coordinator', 'quality-committee'],
  'review-shopping-flag': ['quality-committee'],
  'rebuild-projection': ['admin'],
  'read-case': ['integrator', 'coordinator', 'quality-committee', 'medico-legal', 'admin', 'radiologist'],
  'read-worklist': ['integrator', 'coordinator', 'quality-committee', 'medico-legal', 'admin', 'radiologist'],
  'read-history': ['integrator', 'coordinator', 'quality-committee', 'medico-legal', 'admin'],
  'read-audit-trail': ['quality-committee', 'medico-legal', 'admin'],
  'read-access-log': ['quality-committee', 'medico-legal', 'admin'],
  'read-inclusion-proof': ['quality-committee', 'medico-legal', 'admin'],
  'read-dossier': ['quality-committee', 'medico-legal', 'admin'],
  'read-reader-metrics': ['quality-committee', 'admin'],
  'read-reader-cases': ['quality-committee', 'admin'],
  'read-shopping-flags': ['quality-committee', 'admin'],
  'read-projection-status': ['admin'],
  'manage-webhook-endpoints': ['integrator', 'admin'],
  'read-webhook-endpoints': ['integrator', 'admin'],
  'read-webhook-deliveries': ['integrator', 'admin'],
  'redeliver-webhook': ['integrator', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type AccessAction = keyof typeof ACCESS_POLICY;

/** The role that allows the action (the token's first one that does), recorded in the event. */
export function allowingRole(action: AccessAction, roles: readonly Role[]): Role | undefined {
  const allowed: readonly Role[] = ACCESS_POLICY[action];
  return roles.find((role) => allowed.includes(role));
}
