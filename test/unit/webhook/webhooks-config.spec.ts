import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, loadConfig } from '../../../src/infrastructure/config/app-config.js';

const BASE = { DATABASE_URL: 'postgres://localhost/x' };

describe('WEBHOOKS_ALLOW_LOOPBACK', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    [' true ', true],
  ])('reads %j as allowLoopback %s', (value, allowLoopback) => {
    const env = value === undefined ? BASE : { ...BASE, WEBHOOKS_ALLOW_LOOPBACK: value };
    expect(loadConfig(env).webhookUrls).toEqual({ allowLoopback });
  });

  it.each(['yes', '1', 'TRUE'])('refuses %j, naming the variable', (value) => {
    let thrown: unknown;
    try {
      loadConfig({ ...BASE, WEBHOOKS_ALLOW_LOOPBACK: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as ConfigurationError).problems).toEqual([
      { variable: 'WEBHOOKS_ALLOW_LOOPBACK', problem: `must be true or false, got "${value}"` },
    ]);
  });
});
