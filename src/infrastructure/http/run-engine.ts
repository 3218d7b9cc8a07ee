import cluster from 'node:cluster';
import { ConfigurationError, type Env, loadConfig } from '../config/app-config.js';
import { resolveRuntimeConfig } from '../config/resolve-runtime-config.js';
import { PinoLogger } from '../logging/pino-logging.module.js';
import { superviseApiProcesses } from './api-process-cluster.js';
import { beginShutdown, configureHttp } from './configure-http.js';
import { createApp, type CreateAppOptions } from './create-app.js';

/**
 * The engine process: configuration from the environment its entry point hands over, the
 * application listening, and a graceful shutdown on SIGTERM/SIGINT; a configuration error exits 78
 * (EX_CONFIG), any other start-up failure is printed and exits 1. `npm start` runs it as is (src/main.ts); the benchmark adds its baseline routes
 * (bench/e2e/bench-main.ts). With ENGINE_API_PROCESSES > 1 it forks that many API processes instead (api-process-cluster.ts).
 */
export async function runEngine(env: Env, modules: CreateAppOptions['modules'] = []): Promise<void> {
  try {
    await start(env, modules);
  } catch (error) {
    // A setting found wrong only while starting (an OpenID issuer that does not answer its
    // discovery, a missing key file) is still a configuration error: its message, and EX_CONFIG.
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(
      `Start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
}

async function start(env: Env, modules: CreateAppOptions['modules']): Promise<void> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  // ENGINE_API_PROCESSES > 1: this process only supervises the API processes it forks.
  if (config.apiProcesses > 1 && cluster.isPrimary) {
    await superviseApiProcesses(config.apiProcesses, env, config.shutdownGraceMs);
  }
  const runtime = await resolveRuntimeConfig(config);
  const app = await createApp(runtime.config, { bufferLogs: true, modules });
  app.useLogger(app.get(PinoLogger));
  await configureHttp(app, runtime.config);

  const logger = app.get(PinoLogger);
  for (const warning of runtime.warnings) logger.warn(warning);

  let shuttingDown = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`${signal} received: finishing in-flight requests, then closing pools`);
    const force = setTimeout(() => {
      logger.error('Graceful shutdown timed out; exiting');
      process.exit(1);
    }, runtime.config.shutdownGraceMs + 5_000);
    force.unref();
    try {
      beginShutdown(app);
      await app.close(); // stops accepting, waits for in-flight requests, runs onApplicationShutdown (pools)
      await runtime.stop();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'Error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: runtime.config.port, host: runtime.config.host });
  logger.log(
    `Engine listening on http://${runtime.config.host}:${runtime.config.port} (event store: ${runtime.config.eventStore}, role: ${runtime.config.role})`,
  );
}
