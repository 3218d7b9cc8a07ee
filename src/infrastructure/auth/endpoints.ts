import { ACCESS_POLICY, type AccessAction, ROLES } from '../../application/auth/access-policy.js';
import { CASE_COMMANDS } from '../../application/case/case-commands.registry.js';
import { WEBHOOK_ENDPOINT_ROUTES } from '../../application/webhook/webhook-endpoint-commands.registry.js';

type Endpoint = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; action: AccessAction };

/** The case commands' routes, from the registry (`:caseId` written `{caseId}` as in OpenAPI). */
const CASE_COMMAND_ENDPOINTS: Endpoint[] = Object.values(CASE_COMMANDS).flatMap(({ route }) =>
  route === null
    ? []
    : [
        {
          method: 'POST' as const,
          path: `/api/v1/cases${route.path === '' ? '' : '/'}${route.path.replace(/:(\w+)/g, '{$1}')}`,
          action: route.action,
        },
      ],
);

/** The webhook endpoint commands' routes, from their registry. */
const WEBHOOK_COMMAND_ENDPOINTS: Endpoint[] = WEBHOOK_ENDPOINT_ROUTES.map(({ method, path, action }) => ({
  method,
  path: `/api/v1/webhooks/endpoints${path === '' ? '' : '/'}${path.replace(/:(\w+)/g, '{$1}')}`,
  action,
}));

/**
 * Every protected endpoint and the access-policy row that guards it: the case commands from their
 * registries, then the rest. The authorisation-matrix test checks that the running application
 * registers exactly these routes with exactly these actions, then calls each with every role;
 * `renderAccessMatrix()` is what the README shows.
 */
export const ENDPOINTS: readonly Endpoint[] = [
  ...CASE_COMMAND_ENDPOINTS,
  { method: 'POST', path: '/api/v1/opinion-shopping/flags/{flagId}/review', action: 'review-shopping-flag' },
  { method: 'POST', path: '/api/v1/projections/{name}/rebuild', action: 'rebuild-projection' },
  { method: 'GET', path: '/api/v1/cases/{caseId}', action: 'read-case' },
  { method: 'GET', path: '/api/v1/cases', action: 'read-worklist' },
  { method: 'GET', path: '/api/v1/cases/{caseId}/history', action: 'read-history' },
  { method: 'GET', path: '/api/v1/cases/{caseId}/audit-trail', action: 'read-audit-trail' },
  { method: 'GET', path: '/api/v1/audit-trail', action: 'read-audit-trail' },
  { method: 'GET', path: '/api/v1/access-log', action: 'read-access-log' },
  { method: 'GET', path: '/api/v1/integrity/proofs/inclusion', action: 'read-inclusion-proof' },
  { method: 'GET', path: '/api/v1/cases/{caseId}/dossier', action: 'read-dossier' },
  { method: 'GET', path: '/api/v1/metrics/readers', action: 'read-reader-metrics' },
  { method: 'GET', path: '/api/v1/metrics/readers/{readerId}', action: 'read-reader-metrics' },
  { method: 'GET', path: '/api/v1/metrics/readers/{readerId}/cases', action: 'read-reader-cases' },
  { method: 'GET', path: '/api/v1/metrics/funnel', action: 'read-reader-metrics' },
  { method: 'GET', path: '/api/v1/opinion-shopping/flags', action: 'read-shopping-flags' },
  { method: 'GET', path: '/api/v1/projections', action: 'read-projection-status' },
  ...WEBHOOK_COMMAND_ENDPOINTS,
  { method: 'GET', path: '/api/v1/webhooks/endpoints', action: 'read-webhook-endpoints' },
  { method: 'GET', path: '/api/v1/webhooks/endpoints/{endpointId}', action: 'read-webhook-endpoints' },
  {
    method: 'GET',
    path: '/api/v1/webhooks/endpoints/{endpointId}/deliveries',
    action: 'read-webhook-deliveries',
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/endpoints/{endpointId}/deliveries/{deliveryId}/redeliver',
    action: 'redeliver-webhook',
  },
];

/**
 * The /api/v1 routes that need no token, on purpose: what the web app asks before anyone has
 * signed in. The authorisation-matrix test fails on any other /api/v1 route without an action.
 */
export const PUBLIC_API_ENDPOINTS: readonly { method: 'GET' | 'POST'; path: string }[] = [
  { method: 'GET', path: '/api/v1/auth/configuration' },
  // Registered only where the development sign-in is offered (development-sign-in.ts).
  { method: 'POST', path: '/api/v1/auth/development-sign-in' },
  // The verifiable log's public side, as a transparency log's (docs/integrity.md "Who may read it").
  { method: 'GET', path: '/api/v1/integrity/public-key' },
  { method: 'GET', path: '/api/v1/integrity/checkpoints/latest' },
  { method: 'GET', path: '/api/v1/integrity/checkpoints/{treeSize}' },
  { method: 'GET', path: '/api/v1/integrity/proofs/consistency' },
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
