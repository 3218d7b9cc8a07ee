import {
  type ArgumentMetadata,
  Inject,
  Injectable,
  Optional,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate } from 'class-validator';
import type { FieldError } from '../problem/problem-details.js';
import { ProblemException } from '../problem/problem-exception.js';
import { fieldErrors } from './body-validation.pipe.js';

/** Values a query parameter may take that come from configuration (body regions, finding codes), by name. */
export type QueryVocabularies = Readonly<Record<string, readonly string[]>>;

/** Provided by a module whose query DTOs use `VocabularyParameter`. */
export const QUERY_VOCABULARIES = Symbol('QueryVocabularies');

/** Where a validator finds the vocabularies on the object it checks (a symbol: never a parameter). */
export const VOCABULARIES = Symbol('vocabularies');

/** 400 `validation-failed` naming every refused parameter in `errors[]`. */
export function invalidParameters(errors: readonly FieldError[]): ProblemException {
  return new ProblemException(
    400,
    'validation-failed',
    errors.map(({ message }) => message).join('; ') + '.',
    {
      errors: [...errors],
    },
  );
}

/** The parameters a query DTO declares: every property that carries a validator. */
function parameterNames(dto: Type): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(metadata.map(({ propertyName }) => propertyName))];
}

/**
 * Validates a query string against its DTO, as BodyValidationPipe does a body: a parameter the DTO
 * does not declare, one given twice, or a value its validators refuse → 400 `validation-failed`
 * with `errors[]`. Validators check the text as sent; only then do the DTO's @Transform decorators
 * turn it into numbers, dates or decoded cursors.
 */
@Injectable()
export class QueryValidationPipe implements PipeTransform {
  constructor(
    @Optional() @Inject(QUERY_VOCABULARIES) private readonly vocabularies: QueryVocabularies = {},
  ) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype;
    if (metadata.type !== 'query' || dto === undefined || dto === Object) return value;
    const accepted = parameterNames(dto);
    const errors: FieldError[] = [];
    const given: Record<string, string> = {};
    for (const [name, text] of Object.entries((value ?? {}) as Record<string, unknown>)) {
      if (!accepted.includes(name)) {
        const known = accepted.length > 0 ? `accepted: ${accepted.join(', ')}` : 'this route takes none';
        errors.push({ field: name, message: `${name} is not a known parameter (${known})` });
      } else if (typeof text !== 'string') {
        errors.push({ field: name, message: `${name} must be given once` });
      } else {
        given[name] = text;
      }
    }
    // The text as sent, on an instance of the DTO (its validators), without its conversions.
    const sent: object = Object.assign(Object.create(dto.prototype as object) as object, given);
    Object.defineProperty(sent, VOCABULARIES, { value: this.vocabularies });
    const refused = await validate(sent, {
      stopAtFirstError: true,
      // Unknown parameters are refused above, with the names a query string uses.
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
    });
    errors.push(...fieldErrors(refused));
    if (errors.length > 0) throw invalidParameters(errors);
    return plainToInstance(dto, given);
  }
}
