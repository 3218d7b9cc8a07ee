/**
 * The two identifier shapes every layer checks: one definition, so a path id, a query parameter,
 * a token's `sub` and a body field can never disagree on what an id is.
 */

/** A UUID of any version (the engine mints v4 and v8), in either case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An actor id (`rad-17`, `coord-1`, `svc:ris@site-a`): what a token's `sub` and a reader id may be. */
export const ACTOR_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,64}$/;

export const ACTOR_ID_MAX_LENGTH = 64;

/** A patient reference as the requesting system knows it (never a name): `pt-3f9a`, `MRN:00123`. */
export const PATIENT_REF_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID_PATTERN.test(value);

export const isActorId = (value: unknown): value is string =>
  typeof value === 'string' && ACTOR_ID_PATTERN.test(value);
