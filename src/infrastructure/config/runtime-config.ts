import type { AppConfig } from './app-config.js';

/** Configuration after start-up resolved what the environment left open (embedded database, dev secret). */
export interface RuntimeConfig extends AppConfig {
  databaseUrl: string;
  /** True when the database is the embedded PostgreSQL under dataDir. */
  embeddedDatabase: boolean;
  /** True when auth.jwtSecret was generated for development rather than configured. */
  developmentSecret: boolean;
}

export const RUNTIME_CONFIG = Symbol('RuntimeConfig');
