import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../../domain/kernel/domain-error.js';
import {
  EventStoreUnavailableError,
  WrongExpectedVersionError,
} from '../../../application/ports/event-store.port.js';
import { problemTypeEntry } from './problem-catalogue.js';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problem } from './problem-details.js';
import { ProblemException } from './problem-exception.js';

/** The code of an error that names none (the framework's, or Nest's HttpExceptions), by status. */
export const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  408: 'request-timeout',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
  503: 'service-unavailable',
};

/** A status without a code of its own answers the generic code of its class, never an uncatalogued one. */
const codeOfStatus = (status: number): string =>
  CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal-error' : 'bad-request');

interface FrameworkError {
  statusCode: number;
  code?: string;
  message: string;
}

/** Fastify's own errors (content-type parser, body limit, JSON syntax) carry statusCode but are not HttpExceptions. */
function isFrameworkClientError(error: unknown): error is FrameworkError {
  if (typeof error !== 'object' || error === null) return false;
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}

function frameworkDetail(error: FrameworkError): string {
  switch (error.statusCode) {
    case 413:
      return 'The request body exceeds the limit of 256 KiB.';
    case 415:
      return 'Send the body as application/json.';
    default:
      // Fastify's messages are safe to show (no stack, no internals) and name the JSON problem.
      return error.message;
  }
}

export interface ProblemResponse {
  body: ProblemDetails;
  headers: Record<string, string>;
}

/** Maps anything thrown while serving a request to a problem+json answer. */
export function toProblem(error: unknown, instance: string): ProblemResponse | undefined {
  if (error instanceof ProblemException) {
    const { headers = {}, ...extensions } = error.extensions;
    return { body: problem(error.status, error.code, error.detail, instance, extensions), headers };
  }
  if (error instanceof DomainError) {
    // Each domain code has one status (docs/api.md "Domain errors"): a broken rule is 422 unless catalogued otherwise.
    const status = problemTypeEntry(error.code)?.status ?? 422;
    return { body: problem(status, error.code, error.message, instance), headers: {} };
  }
  if (error instanceof WrongExpectedVersionError) {
    return {
      body: problem(
        409,
        'concurrency-conflict',
        'The case changed while this command was decided; retry with the current state.',
        instance,
      ),
      headers: {},
    };
  }
  if (error instanceof EventStoreUnavailableError) {
    return {
      body: problem(
        503,
        'event-store-unreachable',
        'The event store does not answer; retry later.',
        instance,
      ),
      headers: { 'retry-after': '5' },
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const payload =
      typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
    const code = typeof payload.code === 'string' ? payload.code : codeOfStatus(status);
    const detail =
      typeof payload.detail === 'string'
        ? payload.detail
        : typeof payload.message === 'string'
          ? payload.message
          : error.message;
    const {
      code: _code,
      detail: _detail,
      message: _message,
      statusCode: _statusCode,
      error: _error,
      ...extensions
    } = payload;
    return { body: problem(status, code, detail, instance, extensions), headers: {} };
  }
  if ((error as { code?: unknown } | null)?.code === 'FST_ERR_HANDLER_TIMEOUT') {
    return {
      body: problem(
        503,
        'timeout',
        'The request took too long and was abandoned; it may still have taken effect. ' +
          'Read the case before repeating a command, or repeat it with the same Idempotency-Key.',
        instance,
      ),
      headers: { 'retry-after': '5' },
    };
  }
  if (isFrameworkClientError(error)) {
    const code = codeOfStatus(error.statusCode);
    return { body: problem(error.statusCode, code, frameworkDetail(error), instance), headers: {} };
  }
  return undefined;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const instance = request.url.split('?')[0] ?? '/';
    let mapped = toProblem(error, instance);
    if (!mapped) {
      // Never a stack trace to the client; the log keeps it.
      this.logger.error({ err: error, url: instance }, 'Unhandled error while serving a request');
      mapped = {
        body: problem(500, 'internal-error', 'The server failed to handle this request.', instance),
        headers: {},
      };
    }
    sendProblem(reply, mapped);
  }
}

export function sendProblem(reply: FastifyReply, { body, headers }: ProblemResponse): void {
  void reply
    .status(body.status)
    .headers(headers)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(body));
}
