import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  type LoggerService,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import type { Level, Logger as Pino } from 'pino';
import { type HttpLogger, type Options, pinoHttp } from 'pino-http';

/**
 * Pino for the whole engine, in place of nestjs-pino (whose releases for NestJS 12 need Node.js 22,
 * docs/operations.md#nodejs-and-dependencies): pino-http logs every request and gives it a child
 * logger; PinoLogger, the LoggerService the application logs through, writes with that child inside
 * a request and with the root logger elsewhere. Call shapes and output are nestjs-pino's.
 */
export interface Params {
  pinoHttp: Options;
  /** Routes the request logger runs on (Nest's forRoutes); all of them by default. */
  forRoutes?: Parameters<ReturnType<MiddlewareConsumer['apply']>['forRoutes']>;
}

const HTTP_LOGGER = Symbol('pino-http logger');
const PARAMS = Symbol('pino logging params');

/** The logger of the request being handled, if any. */
const requestLogger = new AsyncLocalStorage<Pino>();

type RequestWithLog = IncomingMessage & { log: Pino };

@Injectable()
export class PinoLogger implements LoggerService {
  constructor(@Inject(HTTP_LOGGER) private readonly httpLogger: HttpLogger) {}

  // Each of Nest's levels, written at pino's level of the same meaning.
  readonly verbose = this.at('trace');
  readonly debug = this.at('debug');
  readonly log = this.at('info');
  readonly warn = this.at('warn');
  readonly error = this.at('error');
  readonly fatal = this.at('fatal');

  private at(level: Level): (message: unknown, ...optionalParams: unknown[]) => void {
    return (message, ...optionalParams) => this.write(level, message, optionalParams);
  }

  /** Nest passes its context (the logger's name) last; an object message is merged, an Error is `err`. */
  private write(level: Level, message: unknown, optionalParams: unknown[]): void {
    const pino = requestLogger.getStore() ?? this.httpLogger.logger;
    const fields: Record<string, unknown> = {};
    let params = optionalParams;
    if (optionalParams.length > 0) {
      fields.context = optionalParams[optionalParams.length - 1];
      params = optionalParams.slice(0, -1);
    }
    if (typeof message === 'object' && message !== null) {
      if (message instanceof Error) fields.err = message;
      else Object.assign(fields, message);
      pino[level](fields, ...(params as []));
    } else if (isStackFromExceptionHandler(level, message, params)) {
      const err = new Error(message as string);
      err.stack = params[0] as string;
      pino[level]({ ...fields, err });
    } else {
      pino[level](fields, String(message), ...(params as []));
    }
  }
}

/** Nest's own exception handlers call error(message, stack): the stack is logged as the error's. */
function isStackFromExceptionHandler(level: Level, message: unknown, params: unknown[]): boolean {
  return (
    level === 'error' &&
    typeof message === 'string' &&
    params.length === 1 &&
    typeof params[0] === 'string' &&
    /\n\s*at /.test(params[0])
  );
}

@Global()
@Module({})
export class PinoLoggingModule implements NestModule {
  constructor(
    @Inject(HTTP_LOGGER) private readonly httpLogger: HttpLogger,
    @Inject(PARAMS) private readonly params: Params,
  ) {}

  static forRoot(params: Params): DynamicModule {
    return {
      module: PinoLoggingModule,
      providers: [
        { provide: PARAMS, useValue: params },
        { provide: HTTP_LOGGER, useValue: pinoHttp(params.pinoHttp) },
        PinoLogger,
      ],
      exports: [PinoLogger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    const { httpLogger } = this;
    consumer
      .apply((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        httpLogger(req, res);
        requestLogger.run((req as RequestWithLog).log, next);
      })
      .forRoutes(...(this.params.forRoutes ?? [{ path: '{/*splat}', method: RequestMethod.ALL }]));
  }
}
