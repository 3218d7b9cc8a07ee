import { ACCESS_POLICY, type AccessAction, ROLES } from './access-policy.js';

/**
 * Every protected endpoint and the access-policy row that guards it. The authorisation-matrix test
 * checks that the running application registers exactly these routes with exactly these actions,
 * then calls each with every role; `renderAccessMatrix()` is what the README shows.
 */
export const ENDPOINTS: ReadonlyArray<{ method: 'GET' | 'POST'; path: string; action: AccessAction }> = [
  { method: 'POST', path: '/api/v1/cases', action: 'request-case' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/assignments', action: 'assign-reader' },
  {
    method: 'POST',
    path: '/api/v1/cases/{caseId}/assignments/{assignmentId}/unassignment',
    action: 'unassign-reader',
  },
  { method: 'POST', path: '/api/v1/cases/{caseId}/reads', action: 'start-read' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/opinions', action: 'submit-opinion' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/prior-report-reviews', action: 'review-prior-report' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/adjudication', action: 'submit-adjudication' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/escalations', action: 'escalate-case' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/closure', action: 'close-case' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/reopening', action: 'reopen-case' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/withdrawal', action: 'withdraw-case' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/opinions/{opinionId}/addenda', action: 'append-addendum' },
  { method: 'POST', path: '/api/v1/cases/{caseId}/reference-standard', action: 'record-reference-standard' },
  { method: 'POST', path: '/api/v1/opinion-shopping/flags/{flagId}/review', action: 'review-shopping-flag' },
  { method: 'POST', path: '/api/v1/projections/{name}/rebuild', action: 'rebuild-projection' },
  { method: 'GET', path: '/api/v1/cases/{caseId}', action: 'read-case' },
  { method: 'GET', path: '/api/v1/cases', action: 'read-worklist' },
  { method: 'GET', path: '/api/v1/cases/{caseId}/history', action: 'read-history' },
  { method: 'GET', path: '/api/v1/cases/{caseId}/audit-trail', action: 'read-audit-trail' },
  { method: 'GET', path: '/api/v1/audit-trail', action: 'read-audit-trail' },
  { method: 'GET', path: '/api/v1/access-log', action: 'read-access-log' },
  { method: 'GET', path: '/api/v1/metrics/readers', action: 'read-reader-metrics' },
  { method: 'GET', path: '/api/v1/metrics/readers/{readerId}', action: 'read-reader-metrics' },
  { method: 'GET', path: '/api/v1/opinion-shopping/flags', action: 'read-shopping-flags' },
  { method: 'GET', path: '/api/v1/projections', action: 'read-projection-status' },
];

/** Actions a radiologist may take only on its own assignment (403 `not-your-assignment` otherwise). */
const OWN_ASSIGNMENT_ONLY = new Set<AccessAction>([
  'start-read',
  'submit-opinion',
  'review-prior-report',
  'submit-adjudication',
  'append-addendum',
  'read-case',
  'read-worklist',
]);

const ABBREVIATION: Record<(typeof ROLES)[number], string> = {
  integrator: 'I',
  coordinator: 'C',
  radiologist: 'R',
  'quality-committee': 'Q',
  'medico-legal': 'M',
  admin: 'A',
};

/** The README's "who may call what" matrix, rendered from ENDPOINTS and ACCESS_POLICY. */
export function renderAccessMatrix(): string {
  const header = `| endpoint | ${ROLES.map((role) => ABBREVIATION[role]).join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = ENDPOINTS.map(({ method, path, action }) => {
    const allowed: readonly string[] = ACCESS_POLICY[action];
    const cells = ROLES.map((role) =>
      allowed.includes(role)
        ? role === 'radiologist' && OWN_ASSIGNMENT_ONLY.has(action)
          ? '✓ own'
          : '✓'
        : '—',
    );
    return `| \`${method} ${path}\` | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
