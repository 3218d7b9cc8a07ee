import { readFileSync } from 'node:fs';
import { type CasePolicy, defaultCasePolicy } from '../../domain/case/case.policy.js';
import { ConfigurationError } from './configuration-error.js';

type Env = Readonly<Record<string, string | undefined>>;

function hours(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(value > 0) || value > 24 * 365) {
    throw new ConfigurationError(name, `must be a positive number of hours, got "${raw}"`);
  }
  return value;
}

/**
 * The case policy (SLA per priority, reading policy, vocabulary, body regions …): the domain's
 * defaults, overridden by CASE_POLICY_FILE (a JSON object with any CasePolicy fields) and then by
 * the single-value variables.
 */
export function loadCasePolicy(env: Env = process.env): CasePolicy {
  let policy: CasePolicy = defaultCasePolicy;
  const file = env.CASE_POLICY_FILE?.trim();
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigurationError(
        'CASE_POLICY_FILE',
        `cannot be read as JSON (${(error as Error).message})`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigurationError('CASE_POLICY_FILE', 'must hold a JSON object of case-policy fields');
    }
    const unknown = Object.keys(parsed).filter((key) => !(key in defaultCasePolicy));
    if (unknown.length > 0)
      throw new ConfigurationError('CASE_POLICY_FILE', `has unknown fields: ${unknown.join(', ')}`);
    policy = { ...policy, ...(parsed as Partial<CasePolicy>) };
  }
  const reads = env.DEFAULT_READS_REQUIRED?.trim();
  if (reads !== undefined && reads !== '' && reads !== '1' && reads !== '2') {
    throw new ConfigurationError('DEFAULT_READS_REQUIRED', `must be 1 or 2, got "${reads}"`);
  }
  const escalates = env.SLA_BREACH_ESCALATES?.trim();
  if (escalates !== undefined && escalates !== '' && escalates !== 'true' && escalates !== 'false') {
    throw new ConfigurationError('SLA_BREACH_ESCALATES', `must be true or false, got "${escalates}"`);
  }
  return {
    ...policy,
    slaHours: {
      stat: hours(env, 'SLA_HOURS_STAT', policy.slaHours.stat),
      urgent: hours(env, 'SLA_HOURS_URGENT', policy.slaHours.urgent),
      routine: hours(env, 'SLA_HOURS_ROUTINE', policy.slaHours.routine),
    },
    defaultReadsRequired: reads === '1' ? 1 : reads === '2' ? 2 : policy.defaultReadsRequired,
    slaBreachEscalates:
      escalates === undefined || escalates === '' ? policy.slaBreachEscalates : escalates === 'true',
  };
}
