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
 * Keys no DTO declares but that class-transformer and Nest's ValidationPipe drop silently instead of
 * reporting (`constructor`, `prototype`, `toString`, `valueOf`, …: Nest strips the first ones,
 * class-transformer skips any key whose instance value is a function). docs/api.md refuses every unknown
 * field, so they are refused here, before the body reaches either.
 */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Paths (`findings[0].constructor`) of those keys anywhere in a parsed JSON body. */
export function prototypeKeyPaths(body: unknown): string[] {
  const found: string[] = [];
  // The parser caps nesting at 32 levels; the walk keeps its own stack all the same.
  const stack: Array<[unknown, string]> = [[body, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push([item, `${path}[${index}]`]));
      continue;
    }
    for (const key of Object.keys(value)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (PROTOTYPE_KEYS.has(key)) found.push(field);
      else stack.push([(value as Record<string, unknown>)[key], field]);
    }
  }
  return found.sort();
}

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
    const prototypeKeys = prototypeKeyPaths(value);
    if (prototypeKeys.length > 0) {
      throw new ProblemException(400, 'validation-failed', 'The request body is invalid; see errors.', {
        errors: prototypeKeys.map((field) => ({
          field,
          message: `${field.slice(field.lastIndexOf('.') + 1)} is not a known field`,
        })),
      });
    }
    return validation.transform(value, metadata);
  }
}
