import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { ProblemDetails } from '../problem/problem-details.js';
import { FHIR_SYSTEMS } from './fhir-systems.js';

/** The FHIR issue type of each HTTP status the engine answers with (OperationOutcome.issue.code). */
const ISSUE_TYPE: Record<number, OperationOutcomeIssue['code']> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  408: 'timeout',
  409: 'conflict',
  412: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  429: 'throttled',
  500: 'exception',
  503: 'transient',
};

/**
 * A problem answer as FHIR's OperationOutcome: one issue per field error (its `expression` and
 * `location` name the element), else one for the whole answer. The problem code stays machine
 * readable in `details.coding` (docs/fhir.md "Errors").
 */
export function operationOutcomeOf(problem: ProblemDetails): OperationOutcome {
  const code = ISSUE_TYPE[problem.status] ?? (problem.status >= 500 ? 'exception' : 'invalid');
  const details = {
    coding: [{ system: FHIR_SYSTEMS.problem, code: problem.code }],
    text: problem.title,
  };
  const errors = problem.errors ?? [];
  const issue: OperationOutcomeIssue[] =
    errors.length === 0
      ? [{ severity: 'error', code, details, diagnostics: problem.detail }]
      : errors.map((error) => ({
          severity: 'error',
          code,
          details,
          diagnostics: `${problem.detail} ${error.message}`,
          expression: [error.field],
          location: [error.field],
        }));
  return { resourceType: 'OperationOutcome', issue };
}
