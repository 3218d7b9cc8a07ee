import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/infrastructure/config/app-config.js';
import type { RuntimeConfig } from '../../src/infrastructure/config/runtime-config.js';
import { configureHttp } from '../../src/infrastructure/http/configure-http.js';
import { createApp } from '../../src/infrastructure/http/create-app.js';
import { type TestDatabase, createTestDatabase } from './database.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

export interface RunningApp {
  app: NestFastifyApplication;
  baseUrl: string;
  database: TestDatabase;
  config: RuntimeConfig;
  close(): Promise<void>;
}

/**
 * The real application (same module and HTTP set-up as main.ts) on a fresh database, listening on a
 * free port. Given `database` (another app's), it shares that one instead, as a second instance
 * would, and leaves dropping it to its owner.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { database?: TestDatabase } = {},
): Promise<RunningApp> {
  const database = options.database ?? (await createTestDatabase('e2e'));
  const config: RuntimeConfig = {
    ...loadConfig({
      LOG_LEVEL: 'silent',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: database.url,
      ...env,
    }),
    databaseUrl: database.url,
    embeddedDatabase: false,
    developmentSecret: false,
  };
  const app = await createApp(config, process.env.TEST_APP_LOGS ? {} : { logger: false });
  await configureHttp(app, config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    database,
    config,
    async close() {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}

export async function tokenFor(
  sub: string,
  roles: string[],
  options: { name?: string; expiresIn?: string; secret?: string } = {},
): Promise<string> {
  return new SignJWT({ roles, name: options.name ?? sub })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}
