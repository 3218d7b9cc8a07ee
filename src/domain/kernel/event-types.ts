/**
 * An event family's schema-version table (one entry per event type, which the compiler keeps
 * complete) is also the list of its type names: both read from it here, for every family alike.
 */
export type SchemaVersions<Type extends string> = Readonly<Record<Type, number>>;

/** The family's event type names, in the table's order. */
export const eventTypesOf = <Type extends string>(versions: SchemaVersions<Type>): Type[] =>
  Object.keys(versions) as Type[];

/** Whether a stored type name is one of the family's (its own entry, never an inherited key). */
export const eventTypeGuard =
  <Type extends string>(versions: SchemaVersions<Type>) =>
  (type: string): type is Type =>
    Object.hasOwn(versions, type);
