import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/infrastructure/config/app-config.js';
import { resolveAuth } from '../../src/infrastructure/config/resolve-runtime-config.js';
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
  /** What start-up would log as warnings (the development secret, the development sign-in). */
  warnings: string[];
  close(): Promise<void>;
}

export interface StartTestAppOptions {
  /** Another app's database, shared as a second instance would. */
  database?: TestDatabase;
  /**
   * Runs on a generated development secret, as `npm start` does without AUTH_JWT_SECRET (kept in
   * the app's own data folder, removed on close), which also offers the development sign-in.
   */
  developmentSecret?: boolean;
  /** A fixed port (e.g. one an OpenID provider's redirect URI names); default: a free one. */
  port?: number;
}

/**
 * The real application (same module and HTTP set-up as main.ts) on a fresh database, listening on a
 * free port. Given `database` (another app's), it shares that one instead, as a second instance
 * would, and leaves dropping it to its owner.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: StartTestAppOptions = {},
): Promise<RunningApp> {
  const database = options.database ?? (await createTestDatabase('e2e'));
  // Each app has a data folder of its own (its generated keys), never the checkout's .data.
  const dataDir = await mkdtemp(join(tmpdir(), 'engine-data-'));
  const removeOwn = async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (!options.database) await database.drop();
  };
  let config: RuntimeConfig;
  let warnings: string[];
  try {
    const loaded = loadConfig({
      LOG_LEVEL: 'silent',
      // Blank is unset: without a key the engine generates its development secret under DATA_DIR.
      AUTH_JWT_SECRET: options.developmentSecret ? '' : TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      ...env,
    });
    // As start-up does: the development secret, or the OIDC issuer's discovery.
    const resolved = await resolveAuth(loaded);
    warnings = resolved.warnings;
    config = {
      ...loaded,
      auth: resolved.auth,
      databaseUrl: database.url,
      embeddedDatabase: false,
      developmentSecret: resolved.developmentSecret,
    };
  } catch (error) {
    await removeOwn();
    throw error;
  }
  const app = await createApp(config, process.env.TEST_APP_LOGS ? {} : { logger: false });
  await configureHttp(app, config);
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    database,
    config,
    warnings,
    async close() {
      await app.close();
      await removeOwn();
    },
  };
}

export interface TokenOptions {
  name?: string;
  expiresIn?: string;
  secret?: string;
  /**
   * `auth_time`, the sign-in behind the token (seconds since the epoch): by default now, a fresh
   * sign-in that may sign; null leaves the claim out. Signing commands refuse one older than SIGNING_MAX_AGE.
   */
  authTime?: number | null;
}

/** Seconds since the epoch, `secondsAgo` seconds ago: an `authTime` for tokenFor. */
export const secondsAgo = (seconds: number): number => Math.floor(Date.now() / 1000) - seconds;

export async function tokenFor(sub: string, roles: string[], options: TokenOptions = {}): Promise<string> {
  const authTime = options.authTime === undefined ? secondsAgo(0) : options.authTime;
  return new SignJWT({ roles, name: options.name ?? sub, ...(authTime !== null && { auth_time: authTime }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}
