import { z } from 'zod';

/**
 * Readers of one environment variable shared by the variable groups app-config.ts joins into its
 * one schema (integrity-config.ts, delivery-config.ts), so each group reads a value the same way.
 */

/** Blank is unset; a value is read trimmed (as app-config.ts reads every variable). */
export const variable = <T extends z.ZodType>(schema: T) =>
  z.preprocess((raw) => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined), schema);

/** Digits only, between `min` and `max`; `fallback` when unset. */
export const wholeNumber = (fallback: number, min: number, max: number) =>
  variable(
    z
      .string()
      .regex(/^\d+$/, { error: (issue) => `must be a whole number, got "${String(issue.input)}"` })
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, { error: `must be between ${min} and ${max}` })
          .max(max, { error: `must be between ${min} and ${max}` }),
      )
      .default(fallback),
  );
