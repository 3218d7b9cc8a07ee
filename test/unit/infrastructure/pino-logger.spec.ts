import 'reflect-metadata';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pinoHttp } from 'pino-http';
import { PinoLogger } from '../../../src/infrastructure/logging/pino-logging.module.js';

/** A PinoLogger writing JSON lines into memory; `lines()` parses what it wrote. */
function memoryLogger(): { logger: PinoLogger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = new PinoLogger(pinoHttp({ level: 'trace', base: undefined, timestamp: false }, stream));
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}

describe('PinoLogger (the LoggerService Nest logs through)', () => {
  it('maps Nest levels to pino levels and takes the last parameter as the context', () => {
    const { logger, lines } = memoryLogger();
    logger.verbose('v', 'Ctx');
    logger.debug('d', 'Ctx');
    logger.log('Engine listening', 'NestApplication');
    logger.warn('w');
    logger.fatal('f', 'Ctx');
    expect(lines()).toEqual([
      { level: 10, context: 'Ctx', msg: 'v' },
      { level: 20, context: 'Ctx', msg: 'd' },
      { level: 30, context: 'NestApplication', msg: 'Engine listening' },
      { level: 40, msg: 'w' },
      { level: 60, context: 'Ctx', msg: 'f' },
    ]);
  });

  it('merges an object message, and logs an Error as err', () => {
    const { logger, lines } = memoryLogger();
    logger.log({ projection: 'worklist', lag: 3 }, 'Projections');
    logger.error(new Error('pool closed'), 'Shutdown');
    const [merged, failed] = lines();
    expect(merged).toEqual({ level: 30, context: 'Projections', projection: 'worklist', lag: 3 });
    expect(failed).toMatchObject({
      level: 50,
      context: 'Shutdown',
      err: { type: 'Error', message: 'pool closed' },
    });
  });

  it('logs the stack Nest’s exception handlers pass as the error’s own', () => {
    const { logger, lines } = memoryLogger();
    const stack = 'Error: boom\n    at handler (app.js:1:1)';
    logger.error('boom', stack, 'ExceptionsHandler');
    expect(lines()).toEqual([
      {
        level: 50,
        context: 'ExceptionsHandler',
        err: { type: 'Error', message: 'boom', stack },
        msg: 'boom',
      },
    ]);
  });
});
