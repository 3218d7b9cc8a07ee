import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../app.module.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { configureHttp } from './configure-http.js';

/** Builds the application exactly as it runs in production; main.ts and the end-to-end tests share it. */
export async function createApp(
  config: RuntimeConfig,
  options: { logger?: false; bufferLogs?: boolean } = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter(configureHttp.fastifyOptions(config)),
    // Our own JSON parser (strict UTF-8, nesting limit) replaces Nest's.
    { ...options, bodyParser: false, abortOnError: false },
  );
  return app;
}
