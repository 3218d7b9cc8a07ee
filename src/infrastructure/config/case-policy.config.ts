import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type CasePolicy, defaultCasePolicy } from '../../domain/case/case.policy.js';
import { type Priority, RADPEER_SCORES, READS_REQUIRED } from '../../domain/case/case.values.js';
import { jsonObject, parseJsonDocument } from './json-document.js';

/**
 * The case policy (SLA per priority, reading policy, vocabulary, body regions …): the domain's
 * defaults, overridden by CASE_POLICY_FILE (a JSON object with any CasePolicy fields, `slaHours`
 * field by field) and then by the single-value variables (SLA_HOURS_*, DEFAULT_READS_REQUIRED,
 * SLA_BREACH_ESCALATES).
 */
const HOURS_IN_A_YEAR = 24 * 365;
const MAX_PANEL_SIZE = 100;

const refusal = (expected: string) => ({
  error: (issue: { input?: unknown }) => `must be ${expected}, got ${JSON.stringify(issue.input)}`,
});

/** An SLA or threshold in hours: positive, decimals allowed, at most a year. */
export const hours = z
  .number(refusal('a positive number of hours'))
  .positive(refusal('a positive number of hours'))
  .max(HOURS_IN_A_YEAR, refusal(`a positive number of hours up to ${HOURS_IN_A_YEAR}`));

export const readsRequired = z.literal(READS_REQUIRED, refusal(READS_REQUIRED.join(' or ')));

const distinct = (values: readonly string[]): boolean => new Set(values).size === values.length;

const casePolicyDocument = jsonObject({
  slaHours: jsonObject({
    stat: hours.optional(),
    urgent: hours.optional(),
    routine: hours.optional(),
  } satisfies Record<Priority, z.ZodType>).optional(),
  defaultReadsRequired: readsRequired.optional(),
  findingVocabulary: z
    .array(
      jsonObject({
        code: z.string(refusal('a finding code')).min(1, refusal('a finding code')),
        significant: z.boolean(refusal('true or false')),
      }),
      refusal('a list of {"code", "significant"} entries'),
    )
    .min(1, 'must list at least one finding code')
    .refine(
      (vocabulary) => distinct(vocabulary.map(({ code }) => code)),
      'must not list a finding code twice',
    )
    .optional(),
  bodyRegions: z
    .array(
      z.string(refusal('a body region')).min(1, refusal('a body region')),
      refusal('a list of body regions'),
    )
    .min(1, 'must list at least one body region')
    .refine(distinct, 'must not list a body region twice')
    .optional(),
  importedHistoryThresholdHours: hours.optional(),
  radpeerScoresForcingAdjudication: z
    .array(
      z.enum(RADPEER_SCORES, refusal(`one of ${RADPEER_SCORES.join(', ')}`)),
      refusal('a list of RADPEER scores'),
    )
    .optional(),
  panelMinSize: z
    .int(refusal(`a whole number from 1 to ${MAX_PANEL_SIZE}`))
    .min(1, refusal(`a whole number from 1 to ${MAX_PANEL_SIZE}`))
    .max(MAX_PANEL_SIZE, refusal(`a whole number from 1 to ${MAX_PANEL_SIZE}`))
    .optional(),
  slaBreachEscalates: z.boolean(refusal('true or false')).optional(),
} satisfies Record<keyof CasePolicy, z.ZodType>);

/** What one layer (the file, the variables) sets; what it leaves out comes from the layer below. */
export type CasePolicyOverrides = z.output<typeof casePolicyDocument>;

/** CASE_POLICY_FILE: a path, read and parsed; a refusal names the file and the field. */
export const casePolicyFileVariable = z.string().transform((file, context) => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    context.addIssue({ code: 'custom', message: `cannot be read (${(error as Error).message})` });
    return z.NEVER;
  }
  const parsed = parseJsonDocument(text, casePolicyDocument, 'policy');
  if (parsed.ok) return parsed.value;
  context.addIssue({ code: 'custom', message: `(${file}): ${parsed.problem}` });
  return z.NEVER;
});

/** Drops the fields a layer leaves unset, so that they do not hide the layer below. */
const setFields = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;

/** The domain's defaults with each layer applied in turn. */
export function casePolicyFrom(...layers: readonly CasePolicyOverrides[]): CasePolicy {
  return layers.reduce<CasePolicy>(
    (policy, { slaHours, ...fields }) => ({
      ...policy,
      ...setFields(fields),
      slaHours: { ...policy.slaHours, ...setFields(slaHours ?? {}) },
    }),
    defaultCasePolicy,
  );
}
