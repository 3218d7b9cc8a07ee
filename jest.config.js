// ESM jest (Nest 12 is ESM-only); @swc/jest transpiles without type-checking (tsc does that in `npm run typecheck`).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  // Suites that hold a transaction open hold back xmin for the whole cluster: they run alone (jest.serial.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/serial/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // @fastify/static (Swagger UI) is CommonJS but requires the ESM-only content-disposition, which
  // jest's own require cannot load on Node 20: compile that one package to CommonJS for the tests.
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  transform: {
    '/node_modules/content-disposition/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  // The tests' PostgreSQL: the machine's, else an embedded one started and stopped around the run.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
