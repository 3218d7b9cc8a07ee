import type { OpenAPIObject } from '@nestjs/swagger';

/** What each tag groups, in the order Swagger UI and generated clients show them. */
const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  cases:
    'Second-opinion cases: the commands that request, assign, read, sign, adjudicate, close, reopen and withdraw them, and the reads of a case, its history and the worklist.',
  audit: 'The audit trail of case events and the access log of who read or was refused what.',
  metrics: 'Reader performance metrics, the drill-down to the cases behind each count, and the funnel plot.',
  'opinion-shopping':
    'Flags raised when a case looks shopped for a favourable opinion, and their review by the quality committee.',
  integrity:
    'The verifiable log: its public key, signed checkpoints, inclusion and consistency proofs (public except inclusion proofs).',
  projections: 'The read models: their status and lag, and blue-green rebuilds.',
  webhooks:
    'Webhook subscriptions (Standard Webhooks): endpoints with their event types, case filter and rotating secret; the delivery log and manual redelivery.',
  'sign-in': 'How to sign in to this engine: the development sign-in and the OpenID provider.',
  problems: "The problem types: the page each error's `type` names, with its status, meaning and what to do.",
  operations: 'Liveness, readiness and Prometheus metrics for operators and orchestrators.',
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Operation = { tags?: string[]; security?: Array<Record<string, string[]>> };

const operationsOf = (document: OpenAPIObject): Operation[] =>
  Object.values(document.paths).flatMap((item) =>
    METHODS.flatMap((method) => {
      const operation = (item as Partial<Record<(typeof METHODS)[number], Operation>>)[method];
      return operation ? [operation] : [];
    }),
  );

/**
 * The document-level facts the generator does not know: where the API is, its licence, what its
 * tags group, and which operations need no token. Runs after every other post-processing step.
 */
export function applyDocumentFrame(document: OpenAPIObject): void {
  // Relative: the engine answers at the root of whatever origin the client reached (directly or
  // through a proxy); it cannot know that origin, and an absolute URL would be wrong behind a proxy.
  document.servers = [{ url: '/', description: 'This engine, at the origin this document was fetched from' }];
  // The project is UNLICENSED (package.json): no licence is granted, and no licence text is published.
  document.info.license = { name: 'Proprietary' };
  // The generator writes an empty contact; the project publishes none.
  delete document.info.contact;
  const used = new Set(operationsOf(document).flatMap((operation) => operation.tags ?? []));
  const known = Object.keys(TAG_DESCRIPTIONS).filter((name) => used.has(name));
  // A tag without a description is still listed (Redocly's tag-description warns about it).
  const unknown = [...used].filter((name) => !(name in TAG_DESCRIPTIONS)).sort();
  document.tags = [
    ...known.map((name) => ({ name, description: TAG_DESCRIPTIONS[name]! })),
    ...unknown.map((name) => ({ name })),
  ];
  // An operation without the bearer requirement needs no token (the auth hook guards exactly the
  // routes declared with @Allow, which is also what documents `bearer`): say so, rather than
  // leave it undefined.
  for (const operation of operationsOf(document)) operation.security ??= [];
}
