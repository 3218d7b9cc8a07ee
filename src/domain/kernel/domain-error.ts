/**
 * A broken business rule. `code` is stable and machine-readable (it becomes the problem+json
 * `code`); the message is a sentence a person can act on.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
