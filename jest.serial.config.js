// Suites under test/serial hold transactions open (held-back xmin pauses every reader in the cluster),
// so they run after the main suites, one at a time.
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/serial'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
