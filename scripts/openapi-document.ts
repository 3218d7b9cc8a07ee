/**
 * Writes the OpenAPI document the engine serves at `GET /openapi.json` to a file:
 * `npm run openapi:document -- [file]` (default clients/typescript/generated/openapi.json), the
 * input of the typed client (`npm run build:client`).
 *
 * The document is what the application itself answers, built as `npm start` builds it (same
 * modules, same HTTP set-up), so there is no hand-kept copy to drift from the code. Its modules
 * need a database to start: DATABASE_URL when set (it is migrated, as the engine would), else an
 * embedded PostgreSQL in a temporary folder, removed with the generated keys when done. The other
 * settings come from the environment, as the engine's do.
 */
import 'reflect-metadata';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigurationError, loadConfig } from '../src/infrastructure/config/app-config.js';
import { resolveRuntimeConfig } from '../src/infrastructure/config/resolve-runtime-config.js';
import { configureHttp } from '../src/infrastructure/http/configure-http.js';
import { createApp } from '../src/infrastructure/http/create-app.js';

const DEFAULT_DOCUMENT_FILE = 'clients/typescript/generated/openapi.json';

/** The document as the engine configured by `env` serves it. */
async function servedOpenApiDocument(env: NodeJS.ProcessEnv): Promise<unknown> {
  // Never the checkout's DATA_DIR: a running engine's embedded database there is not ours to start.
  const dataDir = await mkdtemp(join(tmpdir(), 'openapi-document-'));
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent', ...env, DATA_DIR: dataDir });
    const runtime = await resolveRuntimeConfig(config);
    try {
      const app = await createApp(runtime.config, { logger: false });
      try {
        await configureHttp(app, runtime.config);
        const answer = await app
          .getHttpAdapter()
          .getInstance()
          .inject({ method: 'GET', url: '/openapi.json' });
        if (answer.statusCode !== 200) {
          throw new Error(`GET /openapi.json answered ${answer.statusCode}: ${answer.body}`);
        }
        return JSON.parse(answer.body) as unknown;
      } finally {
        await app.close();
      }
    } finally {
      await runtime.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const file = resolve(process.argv[2] ?? DEFAULT_DOCUMENT_FILE);
try {
  const document = await servedOpenApiDocument(process.env);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stderr.write(`OpenAPI document written to ${file}\n`);
} catch (error) {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG, as the engine
  }
  process.stderr.write(
    `No OpenAPI document: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
