import type { FieldError } from './problem-details.js';

/** Thrown by the HTTP layer for a response that is already decided (status, code, message). */
export class ProblemException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extensions: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      [key: string]: unknown;
    } = {},
  ) {
    super(detail);
    this.name = 'ProblemException';
  }
}
