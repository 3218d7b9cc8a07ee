import type { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../app.module.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { configureHttp } from './configure-http.js';

export interface CreateAppOptions {
  logger?: false;
  bufferLogs?: boolean;
  /** Modules added to the application's own (the benchmark's baseline routes). */
  modules?: ModuleMetadata['imports'];
}

/** Builds the application exactly as it runs in production; main.ts and the end-to-end tests share it. */
export async function createApp(
  config: RuntimeConfig,
  { modules, ...options }: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, modules),
    new FastifyAdapter(configureHttp.fastifyOptions(config)),
    // Our own JSON parser (strict UTF-8, nesting limit) replaces Nest's.
    { ...options, bodyParser: false, abortOnError: false },
  );
  return app;
}
