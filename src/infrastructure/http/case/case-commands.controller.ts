import { applyDecorators, Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { CaseCommandRoute, PathIds } from '../../../application/case/case-command.js';
import { CASE_COMMANDS } from '../../../application/case/case-commands.registry.js';
import { RunCaseCommand } from '../../../application/case/run-case-command.js';
import { CommandIds } from '../../../application/command-path/command-ids.js';
import type { CaseCommandType } from '../../../domain/case/case.commands.js';
import { Allow } from '../../auth/allow.decorator.js';
import { Idempotency, KEY_PATTERN, idempotencyScope } from '../idempotency/idempotency.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { BodyValidationPipe } from '../validation/body-validation.pipe.js';
import { PathIdsPipe } from './case-id.pipe.js';
import { type HttpExchange, commandContext, etag, Exchange, IF_MATCH_PATTERN } from './command-context.js';

type AnyRoute = CaseCommandRoute<object, object & { occurredAt?: string }>;

/** Path ids a route names, in the order they appear (`:caseId/opinions/:opinionId/addenda`). */
const pathIdsOf = (path: string): Array<keyof PathIds> =>
  [...path.matchAll(/:(\w+)/g)].map((match) => match[1] as keyof PathIds);

/** Responses every command route documents. */
const COMMAND_RESPONSES = applyDecorators(
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Replays the first response for the same request',
    schema: { type: 'string', pattern: KEY_PATTERN.source },
  }),
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'Quoted stream revision, e.g. "7"',
    schema: { type: 'string', pattern: IF_MATCH_PATTERN.source },
  }),
  ApiHeader({ name: 'X-Correlation-Id', required: false }),
  ApiBadRequestResponse({
    description: 'Malformed or invalid body (errors[] lists the fields)',
    type: ProblemDto,
  }),
  ApiNotFoundResponse({ description: 'Unknown case, assignment or opinion', type: ProblemDto }),
  ApiConflictResponse({ description: 'case-exists, or concurrency-conflict', type: ProblemDto }),
  ApiPreconditionFailedResponse({ description: 'If-Match does not match', type: ProblemDto }),
  ApiPayloadTooLargeResponse({ description: 'Body over 256 KiB', type: ProblemDto }),
  ApiUnsupportedMediaTypeResponse({ description: 'Body is not application/json', type: ProblemDto }),
  ApiUnprocessableEntityResponse({
    description: 'A domain rule (its code is listed in docs/api.md), or idempotency-key-reuse',
    type: ProblemDto,
  }),
);

/**
 * The case commands over HTTP: one route per registry entry with a route, each mapping its body to
 * the command's data, running it under the request's Idempotency-Key, setting the ETag and mapping
 * the result. The methods are generated below from CASE_COMMANDS.
 */
@ApiTags('cases')
@Controller('api/v1/cases')
export class CaseCommandsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly idempotency: Idempotency,
  ) {}

  run(
    type: CaseCommandType,
    route: AnyRoute,
    pathIds: Record<string, string>,
    body: object & { occurredAt?: string },
    exchange: HttpExchange,
  ): Promise<unknown> {
    const { request, reply } = exchange;
    const { context, data: bodyData } = commandContext(exchange.identity, request, body);
    // A route that names no case opens one: the body's id or, without one, an id derived from the
    // Idempotency-Key, so that retries land on the same case.
    const caseId = (
      pathIds.caseId ??
      (body as { caseId?: string }).caseId ??
      new CommandIds(idempotencyScope(request)).idFor('case')
    ).toLowerCase();
    const ids: PathIds = { ...pathIds, caseId };
    void reply.status(201);
    return this.idempotency.run(request, reply, async () => {
      const { result } = await this.commands.execute(
        new RunCaseCommand(caseId, type, (route.toData?.(bodyData, ids) ?? bodyData) as never, context),
      );
      void reply.header('etag', etag(result.revision));
      const { body: answer, location } = route.answer.respond(result, ids);
      if (location) void reply.header('location', location);
      return answer;
    });
  }
}

/** `signs`: the command records an electronic signature, so its route needs a recent sign-in. */
function registerRoute(type: CaseCommandType, route: AnyRoute, signs: boolean): void {
  const prototype = CaseCommandsController.prototype as unknown as Record<string, unknown>;
  const name = type.charAt(0).toLowerCase() + type.slice(1);
  const names = pathIdsOf(route.path);
  prototype[name] = function (
    this: CaseCommandsController,
    pathIds: Record<string, string>,
    body: object,
    exchange: HttpExchange,
  ): Promise<unknown> {
    return this.run(type, route, pathIds, body, exchange);
  };
  // The OpenAPI operationId is `CaseCommandsController_<method name>`: an assigned function has none.
  Object.defineProperty(prototype[name], 'name', { value: name });
  // What Nest and the OpenAPI generator read from a hand-written method's signature.
  Reflect.defineMetadata('design:paramtypes', [Object, route.body, Object], prototype, name);
  Reflect.defineMetadata('design:returntype', Promise, prototype, name);
  Param(new PathIdsPipe())(prototype, name, 0);
  Body(new BodyValidationPipe({ optionalBody: route.optionalBody === true }))(prototype, name, 1);
  Exchange()(prototype, name, 2);
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
  applyDecorators(
    Post(route.path),
    HttpCode(201),
    Allow(route.action, { signs }),
    COMMAND_RESPONSES,
    ApiOperation({ summary: route.summary }),
    ApiBody({ type: route.body, required: route.optionalBody !== true }),
    ApiCreatedResponse({ type: route.answer.dto, description: route.answer.description }),
    ...names.map((id) => ApiParam({ name: id, format: 'uuid', type: String })),
  )(prototype, name, descriptor);
  Object.defineProperty(prototype, name, descriptor);
}

for (const [type, slice] of Object.entries(CASE_COMMANDS) as Array<
  [CaseCommandType, { route: AnyRoute | null; signs: string | null }]
>) {
  if (slice.route) registerRoute(type, slice.route, slice.signs !== null);
}
