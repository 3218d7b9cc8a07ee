import {
  type ArgumentMetadata,
  Injectable,
  type PipeTransform,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import type { FieldError } from '../problem/problem-details.js';
import { ProblemException } from '../problem/problem-exception.js';

/** class-validator errors as `errors[]` of problem+json, with paths such as `findings[0].code`. */
export function fieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const isIndex = /^\d+$/.test(error.property);
    const field =
      parent === ''
        ? error.property
        : isIndex
          ? `${parent}[${error.property}]`
          : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property (\S+) should not exist$/, '$1 is not a known field'),
    }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

const validation = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) =>
    new ProblemException(400, 'validation-failed', 'The request body is invalid; see errors.', {
      errors: fieldErrors(errors),
    }),
});

/**
 * Validates a command body: a JSON object (not an array, string or null), every field checked by
 * its DTO, unknown fields refused.
 */
@Injectable()
export class BodyValidationPipe implements PipeTransform {
  constructor(private readonly options: { optionalBody?: boolean } = {}) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body') return value;
    if (value === undefined && this.options.optionalBody) value = {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ProblemException(400, 'invalid-body', 'Send a JSON object as the request body.');
    }
    return validation.transform(value, metadata);
  }
}
