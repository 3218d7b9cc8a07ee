import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, loadConfig } from '../../../src/infrastructure/config/app-config.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/engine';

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
};

describe('ENGINE_ROLE and ENGINE_API_PROCESSES', () => {
  it('default to one process doing everything, as npm start always did', () => {
    expect(loadConfig({})).toMatchObject({ role: 'all', apiProcesses: 1 });
  });

  it('take api and projector with a shared database, and a cluster of API processes', () => {
    expect(loadConfig({ ENGINE_ROLE: ' api ', DATABASE_URL })).toMatchObject({ role: 'api' });
    expect(loadConfig({ ENGINE_ROLE: 'projector', DATABASE_URL })).toMatchObject({ role: 'projector' });
    expect(loadConfig({ ENGINE_ROLE: 'api', ENGINE_API_PROCESSES: '4', DATABASE_URL })).toMatchObject({
      role: 'api',
      apiProcesses: 4,
    });
  });

  it('refuse an unknown role, naming the variable and the roles', () => {
    expect(problemsOf({ ENGINE_ROLE: 'worker' })).toMatch(
      /ENGINE_ROLE.*must be one of all, api, projector, got "worker"/,
    );
  });

  it('refuse a role without DATABASE_URL: the embedded database belongs to one process', () => {
    expect(problemsOf({ ENGINE_ROLE: 'projector' })).toMatch(
      /DATABASE_URL.*required when ENGINE_ROLE=projector/,
    );
  });

  it('refuse several API processes unless the role is api', () => {
    expect(problemsOf({ ENGINE_API_PROCESSES: '2', DATABASE_URL })).toMatch(
      /ENGINE_API_PROCESSES.*must be 1 unless ENGINE_ROLE=api/,
    );
    expect(problemsOf({ ENGINE_ROLE: 'api', ENGINE_API_PROCESSES: '0', DATABASE_URL })).toMatch(
      /ENGINE_API_PROCESSES.*must be between 1 and 64/,
    );
  });
});
