import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { defaultShoppingPolicy } from '../../../src/domain/opinion-shopping/opinion-shopping.policy.js';
import { ConfigurationError, loadConfig } from '../../../src/infrastructure/config/app-config.js';

const folder = mkdtempSync(join(tmpdir(), 'opinion-shopping-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('opinion-shopping configuration', () => {
  it('defaults to the thresholds of projections.md and a one-minute OS-3 timer', () => {
    expect(loadConfig({}).opinionShopping).toEqual({
      policy: defaultShoppingPolicy,
      reevaluationIntervalMs: 60_000,
    });
  });

  it('overrides only what OPINION_SHOPPING_POLICY names', () => {
    const { policy, reevaluationIntervalMs } = loadConfig({
      OPINION_SHOPPING_POLICY:
        '{"burst":{"minRequests":4},"stopAfterFavourable":{"quietDays":60},"severities":{"OS-5":"review"}}',
      OPINION_SHOPPING_REEVALUATION_INTERVAL_MS: '0',
    }).opinionShopping;
    expect(reevaluationIntervalMs).toBe(0);
    expect(policy).toEqual({
      ...defaultShoppingPolicy,
      burst: { minRequests: 4, windowDays: 90 },
      stopAfterFavourable: { minAgreeing: 3, quietDays: 60 },
      severities: { ...defaultShoppingPolicy.severities, 'OS-5': 'review' },
    });
    // Fields left out keep their defaults, never an undefined that would hide them.
    expect(Object.values(policy.burst)).not.toContain(undefined);
    expect(Object.values(policy.severities)).not.toContain(undefined);
  });

  it('takes the significance of findings from the case policy', () => {
    const vocabulary = [{ code: 'fracture', significant: false }];
    const file = join(folder, 'policy.json');
    writeFileSync(file, JSON.stringify({ findingVocabulary: vocabulary }));
    const config = loadConfig({ CASE_POLICY_FILE: file });
    expect(config.opinionShopping.policy.findingVocabulary).toBe(config.casePolicy.findingVocabulary);
    expect(config.opinionShopping.policy.findingVocabulary).toEqual(vocabulary);
  });

  it.each([
    ['{not json', /OPINION_SHOPPING_POLICY is not valid JSON/],
    ['[]', /policy must be a JSON object/],
    ['{"bursts":{}}', /unknown key\(s\) policy.bursts/],
    ['{"burst":{"minRequests":1}}', /burst.minRequests must be a whole number from 2/],
    ['{"episodeGapDays":"180"}', /episodeGapDays must be a whole number/],
    ['{"repeatedRequests":{"windowDays":1.5}}', /repeatedRequests.windowDays/],
    ['{"severities":{"OS-1":"critical"}}', /severities.OS-1 must be one of high, review, info/],
    ['{"severities":{"OS-6":"high"}}', /unknown key\(s\) severities.OS-6/],
    ['{"burst":5}', /OPINION_SHOPPING_POLICY burst must be a JSON object/],
  ])('stops start-up on OPINION_SHOPPING_POLICY=%s, naming the variable', (value, message) => {
    const load = () => loadConfig({ OPINION_SHOPPING_POLICY: value });
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(message);
  });

  it('refuses an interval that is not a whole number of ms', () => {
    expect(() => loadConfig({ OPINION_SHOPPING_REEVALUATION_INTERVAL_MS: '1m' })).toThrow(
      /OPINION_SHOPPING_REEVALUATION_INTERVAL_MS must be a whole number/,
    );
  });
});
