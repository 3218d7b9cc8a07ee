import { DECORATORS, type OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { UUID_PATTERN } from '../../../domain/kernel/identifiers.js';

type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

/** What a property's OpenAPI schema says, as @nestjs/swagger's ApiProperty metadata holds it. */
type PropertySchema = Record<string, unknown>;

/**
 * Safe text (IsSafeText) as a pattern: not blank, and no control characters but tab and newlines.
 * Lone surrogates cannot be written as a pattern; the engine refuses them too.
 */
const SAFE_TEXT = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F]*$';
const NOT_BLANK_SAFE_TEXT = `^(?=[\\s\\S]*\\S)${SAFE_TEXT.slice(1)}`;

/** A JavaScript pattern an OpenAPI `pattern` can say: OpenAPI patterns take no flags. */
function patternOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof RegExp && value.flags.replace(/[gy]/g, '') === '') return value.source;
  return undefined;
}

/** An enum, typed by its values (1 and 2 are integers, not any number). */
function enumOf(values: readonly unknown[]): PropertySchema {
  const types = new Set(values.map((value) => (Number.isInteger(value) ? 'integer' : typeof value)));
  const [type] = types;
  return { enum: [...values], ...(types.size === 1 && type !== 'object' && { type }) };
}

/**
 * What one class-validator constraint says about the value, as OpenAPI schema keywords, by the
 * constraint's name (built-in validators and the engine's own, e.g. isSafeText). A constraint
 * not named here checks something a schema cannot say (isNotFuture, a query text check whose
 * parameter decorator documents itself) and leaves the schema as it is.
 */
const KEYWORDS: Readonly<Record<string, (constraints: readonly unknown[]) => PropertySchema>> = {
  isString: () => ({ type: 'string' }),
  isBoolean: () => ({ type: 'boolean' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  min: ([minimum]) => ({ minimum }),
  max: ([maximum]) => ({ maximum }),
  minLength: ([minLength]) => ({ minLength }),
  maxLength: ([maxLength]) => ({ maxLength }),
  isLength: ([minLength, maxLength]) => ({ minLength, ...(maxLength !== undefined && { maxLength }) }),
  arrayMinSize: ([minItems]) => ({ minItems }),
  arrayMaxSize: ([maxItems]) => ({ maxItems }),
  arrayUnique: () => ({ uniqueItems: true }),
  isIn: ([values]) => enumOf(values as unknown[]),
  isEnum: ([values]) => enumOf(Object.values(values as object)),
  isUuid: () => ({ format: 'uuid' }),
  matches: ([pattern]) =>
    // The engine's UUID pattern is case-insensitive: `format: uuid` says the same without a flag.
    pattern === UUID_PATTERN
      ? { format: 'uuid' }
      : patternOf(pattern) === undefined
        ? {}
        : { pattern: patternOf(pattern) },
  // A strict separator means a date and a time (RFC 3339); otherwise a date alone is accepted too.
  isIso8601: ([options]) =>
    (options as { strictSeparator?: boolean } | undefined)?.strictSeparator ? { format: 'date-time' } : {},
  isSafeText: ([max, allowBlank]) => ({
    type: 'string',
    maxLength: max,
    ...(allowBlank === true ? { safeText: SAFE_TEXT } : { minLength: 1, safeText: NOT_BLANK_SAFE_TEXT }),
  }),
};

function nameOf(metadata: ValidationMetadata): string | undefined {
  if (metadata.type !== ValidationTypes.CUSTOM_VALIDATION) return undefined;
  return getMetadataStorage()
    .getTargetValidatorConstraints(metadata.constraintCls)
    .map(({ name }) => name)
    .find((name) => name !== undefined);
}

const PRIMITIVES = new Set<unknown>([String, Number, Boolean]);

/**
 * An optional property: Optional() (ValidateIf skipping undefined) or class-validator's IsOptional,
 * both conditional validations (the engine's DTOs use no other condition).
 */
const isOptional = (metadata: ValidationMetadata): boolean =>
  metadata.type === ValidationTypes.CONDITIONAL_VALIDATION;

/** The schema keywords a property's validators enforce, merged. */
export function constraintsOf(metadatas: readonly ValidationMetadata[]): PropertySchema {
  const schema: PropertySchema = {};
  for (const metadata of metadatas) {
    const name = nameOf(metadata);
    const keywords = name === undefined ? undefined : KEYWORDS[name];
    // `each` checks the items of an array, which their own DTO documents.
    if (keywords && !metadata.each) Object.assign(schema, keywords(metadata.constraints ?? []));
  }
  // A pattern of its own (a DICOM UID, a code) already excludes blanks and control characters.
  const safeText = schema.safeText;
  delete schema.safeText;
  if (safeText !== undefined && schema.pattern === undefined) schema.pattern = safeText;
  return schema;
}

/**
 * Writes what class-validator enforces on each DTO property into @nestjs/swagger's property
 * metadata, so that the document is generated from the same decorators that validate: length
 * limits, patterns, enums, formats, integer types, array sizes and whether the property is
 * required. Keywords the validators imply win over hand-written ones, which can only drift; a
 * `type` or `format` written by hand stays (a query parameter is checked as text, documented as
 * the integer or boolean it stands for). Runs before SwaggerModule.createDocument; idempotent.
 */
export function applyValidationConstraints(): void {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<new () => object, ValidationMetadata[]>;
  };
  for (const target of storage.validationMetadatas.keys()) {
    const prototype = target.prototype as object;
    // The class's own and its parents' validators: a subclass may re-document an inherited field.
    const all = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const metadata of all) {
      byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
    }
    for (const [property, metadatas] of byProperty) {
      const documented = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, property) as
        PropertySchema | undefined;
      // Only what the document shows: a class with no documented property is no OpenAPI schema.
      if (documented === undefined) continue;
      const derived = constraintsOf(metadatas);
      const merged: PropertySchema = { ...documented, ...derived };
      // A documented DTO, array or OpenAPI type name stays (a query parameter is validated as text
      // and documented as the integer or boolean it stands for); a bare String or Number from the
      // property's TypeScript type yields to what the validators say.
      const refines = documented.type === 'number' && derived.type === 'integer';
      if (documented.type !== undefined && !PRIMITIVES.has(documented.type) && !refines) {
        merged.type = documented.type;
      }
      if (typeof documented.format === 'string') merged.format = documented.format;
      // Required when no validator lets undefined through; one documented as required stays so
      // (a parameter checked as optional text may be required by its route, e.g. `measure`).
      merged.required = documented.required === true || !metadatas.some(isOptional);
      Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, merged, prototype, property);
    }
  }
}

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null;

/** Every schema object under `node`, depth first (component schemas, properties, items, allOf …). */
function* schemasUnder(node: unknown): Generator<Schema> {
  if (Array.isArray(node)) {
    for (const item of node) yield* schemasUnder(item);
    return;
  }
  if (!isSchema(node)) return;
  yield node;
  for (const value of Object.values(node)) yield* schemasUnder(value);
}

/** A schema that matches `null` only (OpenAPI 3.0 has no `type: 'null'`). */
const NULL_ONLY = { type: 'object', nullable: true, enum: [null] };

/**
 * `nullable` as OpenAPI 3.0 validators read it: beside `enum` the enum must list null, and beside
 * `allOf` or `$ref` it is ignored (OpenAPI 3.0.3), so the schema becomes `anyOf` [it, null].
 */
export function makeNullablesValidate(document: OpenAPIObject): void {
  for (const schema of schemasUnder(document.components?.schemas)) {
    if (schema.nullable !== true) continue;
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
    const referenced = Array.isArray(schema.allOf) && schema.allOf.length === 1 ? schema.allOf[0] : undefined;
    if (isSchema(referenced) && typeof referenced.$ref === 'string') {
      delete schema.allOf;
      delete schema.nullable;
      delete schema.type;
      schema.anyOf = [referenced, NULL_ONLY];
    }
  }
}

/** Component schemas a request body names, directly or through another one's properties. */
function requestBodySchemas(document: OpenAPIObject): Set<string> {
  const schemas = document.components?.schemas ?? {};
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    for (const schema of schemasUnder(node)) {
      const name = typeof schema.$ref === 'string' ? schema.$ref.split('/').at(-1) : undefined;
      if (name !== undefined && !found.has(name) && schemas[name] !== undefined) {
        found.add(name);
        visit(schemas[name]);
      }
    }
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { requestBody?: unknown }>)) {
      if (isSchema(operation)) visit(operation.requestBody);
    }
  }
  return found;
}

/** Bodies refuse fields their DTO does not declare (BodyValidationPipe): the document says so. */
export function forbidUnknownBodyFields(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (const name of requestBodySchemas(document)) {
    const schema = schemas[name];
    if (isSchema(schema) && schema.type === 'object') schema.additionalProperties = false;
  }
}

/** A UUID the engine accepts wherever one is asked for. */
const UUID_EXAMPLE = '2f0c6a8e-7d2b-4f4e-9a51-0c3c8d1e5b7a';

/**
 * Every `format: uuid` without an example gets one the engine accepts: tools that generate their
 * own (`urn:uuid:…`) would send what the engine refuses.
 */
export function exampleEveryUuid(document: OpenAPIObject): void {
  for (const schema of schemasUnder([document.paths, document.components])) {
    if (schema.format === 'uuid' && schema.type !== 'array' && schema.example === undefined) {
      schema.example = UUID_EXAMPLE;
    }
  }
}
