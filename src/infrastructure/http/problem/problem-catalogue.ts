import type { CaseErrorCode } from '../../../domain/case/case.errors.js';

/**
 * One problem type: the HTTP status it is always answered with, a short title (the problem's
 * `title`), what it means and what the client should do. Texts may quote names in `backticks`.
 */
export interface ProblemTypeEntry {
  status: number;
  title: string;
  meaning: string;
  action: string;
}

type Section<Code extends string> = Readonly<Record<Code, ProblemTypeEntry>>;

/** Errors of the request itself and of the transport: validation, authentication, negotiation, limits, availability. */
const REQUEST_PROBLEMS = {
  'validation-failed': {
    status: 400,
    title: 'Validation failed',
    meaning:
      'A body field, query parameter or path id is missing, malformed, unknown or repeated; or `occurredAt` came from a non-integrator or lies in the future. `errors[]` lists the fields.',
    action: 'Fix the fields named in `errors`.',
  },
  'invalid-body': {
    status: 400,
    title: 'Invalid body',
    meaning:
      'The body is empty, not JSON, not a JSON object, not valid UTF-8, or nested deeper than 32 levels.',
    action: 'Send one JSON object.',
  },
  'duplicate-key': {
    status: 400,
    title: 'Duplicate key',
    meaning: 'A key appears twice in one object of the JSON body; `errors[]` names each repeated key path.',
    action: 'Send each key once.',
  },
  'invalid-header': {
    status: 400,
    title: 'Invalid header',
    meaning: 'A malformed `If-Match`, `Idempotency-Key`, `X-On-Behalf-Of` or `X-On-Behalf-Of-Name`.',
    action: 'Send the header in the form the API guide gives (Headers).',
  },
  'bad-request': {
    status: 400,
    title: 'Bad request',
    meaning:
      'The path could not be routed (a malformed %-escape, a path parameter over 100 characters), or the framework refused the request before it reached a route.',
    action: 'Fix the URL.',
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    meaning:
      'No bearer token, or one that is expired, forged, unsigned, of another algorithm, without `sub` or `exp`, or that fails the `iss` or `aud` check.',
    action: 'Get a valid token and send it as `Authorization: Bearer <token>`.',
  },
  'insufficient-user-authentication': {
    status: 401,
    title: 'A recent sign-in is needed',
    meaning:
      "A signing route (opinion, prior-report review, adjudication, addendum, flag review) with a token whose `auth_time` is missing, older than `SIGNING_MAX_AGE` or in the future. `WWW-Authenticate` carries RFC 9470's challenge with `max_age`; the body's `maxAge` the same number of seconds.",
    action:
      'Sign in again (OpenID Connect `max_age`, or a new `npm run token`) and resend the same request with the new token.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    meaning: 'No role of the token allows the endpoint, or a non-integrator sent `X-On-Behalf-Of`.',
    action: "Use a token with one of the endpoint's roles (the README's table of who may call what).",
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    meaning:
      "An unknown route, problem type, case, assignment, opinion, flag or projection name, a checkpoint a dossier names that was never signed, or a `revision` beyond the case's last.",
    action: 'Check the path and the ids (use the ids the engine returned); create the case first.',
  },
  'reader-not-found': {
    status: 404,
    title: 'Reader not found',
    meaning:
      'Reader metrics of an id no case has ever assigned. A prior-report author is not a reader: its scores are under `priorReportAuthors`.',
    action: 'Check the reader id.',
  },
  'no-checkpoint': {
    status: 404,
    title: 'No checkpoint',
    meaning: 'No checkpoint of the verifiable log was signed at that tree size (or none yet).',
    action: 'Ask for `checkpoints/latest`, or retry once one is signed.',
  },
  'event-not-in-log': {
    status: 404,
    title: 'Event not in the log',
    meaning:
      'An inclusion proof of an event the verifiable log does not hold: unknown, or stored less than about a second ago.',
    action: 'Check the event id; retry shortly.',
  },
  'tree-size-out-of-range': {
    status: 400,
    title: 'Tree size out of range',
    meaning:
      'A tree size beyond the leaves logged, 0, `from` after `to`, or a tree that does not include the event.',
    action: "Use a checkpoint's `treeSize`.",
  },
  'before-case-existed': {
    status: 404,
    title: 'Before the case existed',
    meaning:
      "A history or dossier replay point (`asOf`, `asOccurredBy`) before the case's first event was recorded (or occurred): there is no case to replay.",
    action: 'Ask for a later time; `detail` says when the case began.',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    meaning: 'The path exists but does not serve this method; `Allow` lists the ones it does.',
    action: 'Use a method from `Allow`.',
  },
  'not-acceptable': {
    status: 406,
    title: 'Not acceptable',
    meaning:
      "`Accept` allows none of the route's media types (JSON and problem+json; CSV on the audit trail; HTML or JSON on the problem pages).",
    action: 'Accept `application/json` (or `text/csv` for an export).',
  },
  'request-timeout': {
    status: 408,
    title: 'Request timeout',
    meaning: 'The request took too long to arrive, and no more specific code applies.',
    action: 'Send the request again, whole.',
  },
  conflict: {
    status: 409,
    title: 'Conflict',
    meaning: 'A conflict the framework reported without a more specific code.',
    action: 'Read the current state and retry.',
  },
  'idempotency-in-progress': {
    status: 409,
    title: 'Idempotent request in progress',
    meaning: 'A request with this `Idempotency-Key` is still running.',
    action: 'Retry after `Retry-After` seconds.',
  },
  'concurrency-conflict': {
    status: 409,
    title: 'Concurrency conflict',
    meaning: 'The case kept changing while the command was decided and retried 10 times.',
    action: 'Retry: the command is decided afresh.',
  },
  'precondition-failed': {
    status: 412,
    title: 'Precondition failed',
    meaning:
      "`If-Match` names another revision than the stream's current one (also when it changed during the append).",
    action: 'Read the case again (its `ETag`), decide again and resend with the new revision.',
  },
  'payload-too-large': {
    status: 413,
    title: 'Body too large',
    meaning: 'The body is over 256 KiB.',
    action: 'Send less: findings are references, not images.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    meaning: 'A body that is not `application/json`, or is declared in a charset other than UTF-8.',
    action: 'Send `Content-Type: application/json` (UTF-8).',
  },
  unprocessable: {
    status: 422,
    title: 'Unprocessable content',
    meaning: 'A request the framework could not process, without a more specific code.',
    action: 'Read `detail`; fix the request.',
  },
  'idempotency-key-reuse': {
    status: 422,
    title: 'Idempotency key reused',
    meaning: 'This `Idempotency-Key` was used for a different request.',
    action: 'Use a new key for a new request.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    meaning: 'Over the requests a minute allowed per user or per address.',
    action: 'Wait `Retry-After` seconds.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal error',
    meaning: 'An unexpected failure (logged), e.g. a stored event this version cannot read.',
    action: 'Report it with the `X-Correlation-Id` of the response.',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service unavailable',
    meaning:
      'The engine is shutting down, or could not serve the request now and no more specific code applies.',
    action: 'Retry on another instance, or after `Retry-After` if given, or shortly.',
  },
  timeout: {
    status: 503,
    title: 'Timed out',
    meaning:
      'The request ran longer than `REQUEST_HANDLER_TIMEOUT_MS` and was abandoned; a command may still take effect.',
    action: 'Read the case, or repeat the command with the same `Idempotency-Key`.',
  },
  'event-store-unreachable': {
    status: 503,
    title: 'Event store unreachable',
    meaning: 'The event store does not answer.',
    action: 'Retry after `Retry-After`; operators check the store.',
  },
  'projection-not-ready': {
    status: 503,
    title: 'Read model not ready',
    meaning: 'A read model is not initialised yet (first start).',
    action: 'Retry after `Retry-After`.',
  },
  'not-ready': {
    status: 503,
    title: 'Not ready',
    meaning: '`GET /ready`: the event store or the read-model database does not answer; `checks` says which.',
    action: 'Operators: see `checks`.',
  },
  'web-app-not-built': {
    status: 503,
    title: 'Web app not built',
    meaning: 'The web app under `/app` was not built into this installation.',
    action: 'Operators: run `npm run build:web` (or `npm run build`) and restart.',
  },
} as const satisfies Section<string>;

/**
 * Broken business rules (docs/domain.md); nothing is written. Every code the case's deciders throw
 * (CASE_ERROR_CODES) must be here: the type below refuses to compile without one.
 */
const DOMAIN_PROBLEMS = {
  'case-exists': {
    status: 409,
    title: 'Case exists',
    meaning: 'RequestSecondOpinion with the `caseId` of an existing case.',
    action: 'Send further commands to that case, or leave `caseId` out.',
  },
  'not-your-assignment': {
    status: 403,
    title: 'Not your assignment',
    meaning:
      "The person acting is not the assignment's reader or the opinion's author; or a radiologist reads a case it is not assigned to; or the caller's own pending blinded read hides this history or audit trail.",
    action: 'Act on your own assignment; submit your read first.',
  },
  'invalid-state': {
    status: 422,
    title: 'Invalid state',
    meaning:
      "The case's state does not accept the command, or the reader role or escalation level does not fit the state.",
    action: 'See the state table (docs/domain.md); `detail` names the accepting states.',
  },
  'case-closed': {
    status: 422,
    title: 'Case closed',
    meaning: 'The case is closed; only ReopenCase, RecordReferenceStandard and AppendAddendum are accepted.',
    action: 'Reopen the case first.',
  },
  'case-withdrawn': {
    status: 422,
    title: 'Case withdrawn',
    meaning: 'The case is withdrawn and accepts nothing.',
    action: 'Open a new case.',
  },
  'reader-not-independent': {
    status: 422,
    title: 'Reader not independent',
    meaning: 'The reader wrote the prior report or already held an assignment on the case (in any round).',
    action: 'Assign another reader.',
  },
  'too-many-readers': {
    status: 422,
    title: 'Too many readers',
    meaning:
      'The round already has `readsRequired` primary readers (reading or submitted), or an open adjudicator.',
    action: 'Unassign one who has not submitted first.',
  },
  'invalid-blinding': {
    status: 422,
    title: 'Invalid blinding',
    meaning: '`blinded: true` for an adjudicator or panelist: only a primary read can be blinded.',
    action: 'Leave `blinded` out.',
  },
  'reader-not-assigned': {
    status: 422,
    title: 'Reader not assigned',
    meaning: 'The assignment was unassigned or has ended.',
    action: 'Use a current assignment.',
  },
  'read-not-started': {
    status: 422,
    title: 'Read not started',
    meaning: 'An opinion or adjudication before StartRead on that assignment.',
    action: 'Start the read first.',
  },
  'already-submitted': {
    status: 422,
    title: 'Already submitted',
    meaning: 'The assignment already holds a signed opinion (to submit, start a read or unassign).',
    action: 'Append an addendum to amend it.',
  },
  'invalid-assignment-role': {
    status: 422,
    title: 'Invalid assignment role',
    meaning:
      "The assignment's role cannot do this (an adjudicator submitting an opinion, a non-primary scoring the prior report).",
    action: 'Use SubmitAdjudication, or a primary assignment.',
  },
  'blinding-violation': {
    status: 422,
    title: 'Blinding violation',
    meaning: '`priorReportReview` in the opinion of a blinded read that was never shown the prior report.',
    action: 'Submit without it, then use prior-report-reviews.',
  },
  'no-prior-report': {
    status: 422,
    title: 'No prior report',
    meaning: 'Scoring or selecting a prior report on a case without one.',
    action: 'Leave the score out; select an opinion.',
  },
  'opinion-not-submitted': {
    status: 422,
    title: 'Opinion not submitted',
    meaning: "ReviewPriorReport before the reader's own opinion.",
    action: 'Submit the opinion first.',
  },
  'already-reviewed': {
    status: 422,
    title: 'Already reviewed',
    meaning: 'The assignment already scored the prior report.',
    action: 'Nothing: a score is given once.',
  },
  'not-the-adjudicator': {
    status: 422,
    title: 'Not the adjudicator',
    meaning: "SubmitAdjudication on an assignment that is not an adjudicator's.",
    action: 'Use the adjudicator assignment.',
  },
  'invalid-adjudication': {
    status: 422,
    title: 'Invalid adjudication',
    meaning:
      'Not exactly one of `selectedOpinionId` and `findings`, or the selected opinion is not a primary opinion of the current round.',
    action: 'Select one current primary opinion or `prior-report`, or give findings.',
  },
  'unknown-finding-code': {
    status: 422,
    title: 'Unknown finding code',
    meaning: 'A finding code outside the configured vocabulary.',
    action: 'Use a configured code (`detail` lists them).',
  },
  'duplicate-finding-code': {
    status: 422,
    title: 'Duplicate finding code',
    meaning: 'A code appears twice in one set of findings.',
    action: 'Give each code once.',
  },
  'unknown-body-region': {
    status: 422,
    title: 'Unknown body region',
    meaning: 'A body region outside the configured list.',
    action: 'Use a configured region (`detail` lists them).',
  },
  'invalid-priority': {
    status: 422,
    title: 'Invalid priority',
    meaning: 'A priority without a configured SLA.',
    action: '`routine`, `urgent` or `stat`.',
  },
  'invalid-reads-required': {
    status: 422,
    title: 'Invalid reads required',
    meaning: '`readsRequired` other than 1 or 2.',
    action: 'Send 1 or 2, or leave it out.',
  },
  'invalid-confidence': {
    status: 422,
    title: 'Invalid confidence',
    meaning: 'A confidence that is not a whole number from 1 to 5.',
    action: 'Send 1 to 5.',
  },
  'invalid-radpeer-score': {
    status: 422,
    title: 'Invalid RADPEER score',
    meaning: 'A score outside `1`, `2a`, `2b`, `3a`, `3b`.',
    action: 'Send a RADPEER score.',
  },
  'invalid-disposition': {
    status: 422,
    title: 'Invalid disposition',
    meaning: 'An opinion-shopping flag review with an unknown disposition.',
    action: '`dismissed`, `confirmed` or `needs-follow-up`.',
  },
  'note-required': {
    status: 422,
    title: 'Note required',
    meaning: 'An opinion-shopping flag review with a blank note.',
    action: 'Say why the committee decided so.',
  },
  'no-sla': {
    status: 422,
    title: 'No SLA',
    meaning:
      'The case has no due time (imported history), so it cannot breach an SLA. Only the engine\'s SLA watch meets it, as "nothing to do"; it is not answered over HTTP.',
    action: 'Nothing.',
  },
  'sla-not-due': {
    status: 422,
    title: 'SLA not due',
    meaning:
      "The case is not overdue yet. Only the engine's SLA watch meets it; it is not answered over HTTP.",
    action: 'Nothing.',
  },
  'sla-already-breached': {
    status: 422,
    title: 'SLA already breached',
    meaning:
      "The SLA breach of this case is already recorded. Only the engine's SLA watch meets it; it is not answered over HTTP.",
    action: 'Nothing.',
  },
} as const satisfies Section<string>;

/**
 * Webhook subscriptions (broken rules of the endpoint decider and the URL guard): 422, but 409 for
 * an endpoint that exists already or was removed (the request conflicts with the endpoint's state).
 */
const WEBHOOK_PROBLEMS = {
  'webhook-endpoint-exists': {
    status: 409,
    title: 'Webhook endpoint exists',
    meaning: 'A webhook endpoint with this id is already registered.',
    action: 'Change that endpoint, or register one with another id.',
  },
  'webhook-endpoint-removed': {
    status: 409,
    title: 'Webhook endpoint removed',
    meaning: 'The webhook endpoint was removed: it accepts no change and no redelivery.',
    action: 'Register a new endpoint.',
  },
  'unknown-event-type': {
    status: 422,
    title: 'Unknown event type',
    meaning:
      'A subscription names no event type, `*` together with others, or a name that is not a case event type.',
    action: 'Name case event types such as `ConsensusReached`, or `*` alone for every one.',
  },
  'invalid-secret-overlap': {
    status: 422,
    title: 'Invalid secret overlap',
    meaning:
      'The overlap of a secret rotation, during which the old secret still signs, is not a whole number of seconds from 0 to 604800 (7 days).',
    action: 'Send a whole number of seconds within that range, or leave it out for the default.',
  },
  'webhook-url-refused': {
    status: 422,
    title: 'Webhook URL refused',
    meaning:
      'The endpoint URL is not `https`, or it resolves to a private, loopback or link-local address (loopback only where `WEBHOOKS_ALLOW_LOOPBACK=true`); `detail` says which.',
    action: 'Use an `https` URL on a public address.',
  },
} as const satisfies Section<string>;

/**
 * The FHIR R4 facade's own refusals. Under /fhir/R4 every error is an OperationOutcome, its
 * `issue.details.coding` carrying the problem code (system `urn:xray-second-opinion:problem`).
 */
const FHIR_PROBLEMS = {
  'invalid-search': {
    status: 400,
    title: 'Invalid search',
    meaning:
      'A FHIR search with a parameter the resource type does not support, or one given more than once; the OperationOutcome names the parameter in `issue.expression`.',
    action: 'Use the search parameters the CapabilityStatement lists, each once.',
  },
  'unmappable-element': {
    status: 422,
    title: 'Unmappable element',
    meaning:
      'A `ServiceRequest` that cannot be mapped to a second-opinion request (not a ServiceRequest, or an element missing or not usable: subject, study, reason, requester, …); the OperationOutcome names each element in `issue.expression`.',
    action: 'Fix or add the elements named, and send the ServiceRequest again.',
  },
} as const satisfies Section<string>;

/** Compile-time: every code a case decider throws has an entry (REQUEST_PROBLEMS holds `not-found`). */
type MissingCaseCodes = Exclude<CaseErrorCode, keyof typeof REQUEST_PROBLEMS | keyof typeof DOMAIN_PROBLEMS>;
const everyCaseCodeCatalogued: [MissingCaseCodes] extends [never] ? true : MissingCaseCodes = true;
void everyCaseCodeCatalogued;

/**
 * Every problem `code` the engine answers, grouped as docs/api.md's error tables are (rendered
 * from here, and tested to match). A new code gets an entry in its area's section (a new area: a
 * section here, its heading in problem-pages.ts, its table in docs/api.md);
 * test/unit/infrastructure/problem-catalogue.spec.ts fails on a code sent without an entry, and on
 * an entry no code is sent for.
 */
export const PROBLEM_SECTIONS = {
  request: REQUEST_PROBLEMS,
  domain: DOMAIN_PROBLEMS,
  webhooks: WEBHOOK_PROBLEMS,
  fhir: FHIR_PROBLEMS,
} as const;

export type ProblemSection = keyof typeof PROBLEM_SECTIONS;

export const PROBLEM_CATALOGUE: Readonly<Record<string, ProblemTypeEntry>> = Object.freeze({
  ...REQUEST_PROBLEMS,
  ...DOMAIN_PROBLEMS,
  ...WEBHOOK_PROBLEMS,
  ...FHIR_PROBLEMS,
});

export type ProblemCode = {
  [Section in ProblemSection]: keyof (typeof PROBLEM_SECTIONS)[Section];
}[ProblemSection];

export function problemTypeEntry(code: string): ProblemTypeEntry | undefined {
  return Object.hasOwn(PROBLEM_CATALOGUE, code) ? PROBLEM_CATALOGUE[code] : undefined;
}

/**
 * The problem `type`: a relative reference to the engine's own page of the code (RFC 9457 §3.1.1
 * allows one; resolved against the request URI it names this engine, whatever host or proxy the
 * client reached it through, which the engine cannot know).
 */
export const problemTypeUri = (code: string): string => `/problems/${code}`;
