import {
  type ValidationArguments,
  ValidateIf,
  type ValidationOptions,
  registerDecorator,
} from 'class-validator';

/** docs/api.md text limits. */
export const SHORT_TEXT_MAX = 4_000;
export const LONG_TEXT_MAX = 20_000;

/**
 * Text that round-trips through PostgreSQL jsonb and the hash chain unchanged: no NUL, no control
 * characters but tab and newlines (CR, LF, NEL), no lone surrogates (docs/domain.md "Integrity").
 */
export function unsafeTextReason(value: string): string | undefined {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code === 0) return 'must not contain NUL characters';
    // C0 and DEL, and the C1 controls (U+0080–U+009F, e.g. U+009B, a terminal's CSI) but NEL
    // (U+0085), which Unicode counts among the newlines.
    if (
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      (code >= 0x7f && code <= 0x9f && code !== 0x85)
    ) {
      return 'must not contain control characters other than tab and newlines';
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'must not contain lone surrogates';
      index++;
    } else if (code >= 0xdc00 && code <= 0xdfff) return 'must not contain lone surrogates';
  }
  return undefined;
}

/** A string of 1..max characters of safe text (not blank unless allowBlank). */
export function IsSafeText(
  max: number,
  options: ValidationOptions & { allowBlank?: boolean } = {},
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSafeText',
      target: target.constructor,
      propertyName: propertyName as string,
      // Read back by the OpenAPI document (maxLength, not blank).
      constraints: [max, options.allowBlank === true],
      options,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || value.length > max) return false;
          if (!options.allowBlank && value.trim() === '') return false;
          return unsafeTextReason(value) === undefined;
        },
        defaultMessage(args: ValidationArguments) {
          const value: unknown = args.value;
          if (typeof value !== 'string') return `${args.property} must be a string`;
          if (value.length > max) return `${args.property} must be at most ${max} characters`;
          if (!options.allowBlank && value.trim() === '') return `${args.property} must not be blank`;
          return `${args.property} ${unsafeTextReason(value) ?? 'is not acceptable text'}`;
        },
      },
    });
}

/**
 * An optional field: may be left out, but `null` is refused (docs/api.md: "null is never accepted").
 * class-validator's IsOptional would let null through.
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** An ISO 8601 time that is not in the future (a small clock-skew allowance). */
export function IsNotFuture(skewMs = 5_000, options: ValidationOptions = {}): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotFuture',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          const time = Date.parse(value);
          return Number.isFinite(time) && time <= Date.now() + skewMs;
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must not be in the future`;
        },
      },
    });
}
