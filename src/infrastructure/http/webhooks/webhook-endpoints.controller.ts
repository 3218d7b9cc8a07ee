import { applyDecorators, Body, Controller, Delete, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandContext } from '../../../application/command-path/command-path.js';
import { WEBHOOK_ENDPOINT_COMMANDS } from '../../../application/webhook/webhook-endpoint-commands.registry.js';
import { presentFields } from '../../../domain/kernel/present-fields.js';
import type { WebhookEndpointCommandType } from '../../../domain/webhook/webhook-endpoint.commands.js';
import { ChangeWebhookEndpointDto } from '../../../application/webhook/change-webhook-endpoint/change-webhook-endpoint.dto.js';
import { RegisterWebhookEndpointDto } from '../../../application/webhook/register-webhook-endpoint/register-webhook-endpoint.dto.js';
import { RotateWebhookSecretDto } from '../../../application/webhook/rotate-webhook-secret/rotate-webhook-secret.dto.js';
import {
  WebhookEndpointCommands,
  type WebhookEndpointOutcome,
  type WebhookSecretOutcome,
} from '../../../application/webhook/webhook-endpoint-commands.service.js';
import type { WebhookEndpointView } from '../../../application/webhook/webhook-endpoints.port.js';
import { WebhookEndpointsQueries } from '../../../projections/webhook-endpoints/webhook-endpoints.queries.js';
import { Allow, CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { readModel } from '../audit/read-model.js';
import { UuidParamPipe } from '../case/case-id.pipe.js';
import { type HttpExchange, Exchange, etag, ifMatchOf } from '../case/command-context.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { ProblemException } from '../problem/problem-exception.js';
import { ReadRoute } from '../read-route.decorator.js';
import { BodyValidationPipe } from '../validation/body-validation.pipe.js';
import {
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointWithSecretDto,
} from './webhook-endpoints.dto.js';

const PREFIX = '/api/v1/webhooks/endpoints';
/** A disabling through the API (the delivery disables a failing endpoint itself). */
const REQUESTED = { reason: 'requested' } as const;
const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'Quoted revision of the endpoint, e.g. "0"',
};

/** The endpoint as the API shows it (stream or read model): never the secret itself. */
type EndpointFacts = Omit<WebhookEndpointView, 'createdAt' | 'updatedAt' | 'revision' | 'eventTypes'> & {
  eventTypes: readonly string[];
};

function endpointBody(view: EndpointFacts, revision: number) {
  // Named one by one so that nothing else the stream's state holds reaches the answer.
  const { endpointId, url, eventTypes, caseId, description, status, owner } = view;
  const { secretId, secretFingerprint, previousSecret, disabled } = view;
  return {
    endpointId,
    url,
    eventTypes: [...eventTypes],
    ...presentFields({ caseId, description }),
    status,
    owner,
    secretId,
    secretFingerprint,
    ...presentFields({ previousSecret, disabled }),
    revision,
  };
}

const answer = (outcome: WebhookEndpointOutcome) => endpointBody(outcome.endpoint, outcome.revision);

/** The endpoint after a command (or as it is now), with its revision as the ETag. */
function answered(reply: FastifyReply, outcome: WebhookEndpointOutcome): WebhookEndpointDto {
  void reply.header('etag', etag(outcome.revision));
  return answer(outcome);
}

/** With the secret: never kept by a cache, as it is shown in this answer only. */
function answeredWithSecret(
  reply: FastifyReply,
  outcome: WebhookSecretOutcome,
): WebhookEndpointWithSecretDto {
  const body = answered(reply, outcome);
  void reply.header('cache-control', 'no-store');
  return { ...body, secret: outcome.secret };
}

/** Who acts, for the events' metadata and the owner rule. */
function contextOf(identity: Identity, request: FastifyRequest): CommandContext {
  return {
    actor: {
      id: identity.sub,
      role: identity.role,
      ...(identity.name !== undefined && { name: identity.name }),
    },
    correlationId: request.id,
    ifMatch: ifMatchOf(request),
  };
}

const notFound = (): ProblemException =>
  new ProblemException(404, 'not-found', 'There is no such webhook endpoint.');

const EndpointIdParam = (): ParameterDecorator => Param('endpointId', UuidParamPipe);

const METHODS = { POST: Post, PATCH: Patch, DELETE: Delete } as const;

/**
 * A command's route as the registry declares it: method and path, guard, summary and body. A command
 * on an existing endpoint (its path names it) also takes If-Match and may answer 404, 409 (`conflict`
 * names its problem types; webhook-endpoint-removed unless told) and 412.
 */
function CommandRoute(type: WebhookEndpointCommandType, conflict?: string): MethodDecorator {
  const { route } = WEBHOOK_ENDPOINT_COMMANDS[type];
  const method = METHODS[route.method];
  return applyDecorators(
    route.path === '' ? method() : method(route.path),
    Allow(route.action),
    ApiOperation({ summary: route.summary }),
    ...(route.body === null ? [] : [ApiBody({ type: route.body, required: route.optionalBody !== true })]),
    ...(route.path.includes(':endpointId')
      ? [
          ApiParam({ name: 'endpointId', type: String, format: 'uuid' }),
          ApiHeader(IF_MATCH),
          ApiNotFoundResponse({ type: ProblemDto, description: 'No such endpoint, or another integrator’s' }),
          ApiConflictResponse({ type: ProblemDto, description: conflict ?? 'webhook-endpoint-removed' }),
          ApiPreconditionFailedResponse({ type: ProblemDto, description: 'If-Match does not match' }),
        ]
      : []),
  );
}

/**
 * Webhook subscriptions (README "Webhooks"): integrators manage the endpoints they registered (another's
 * answers 404), admins every one. Every change is an event of the endpoint's stream; the secret is
 * answered by registration and rotation only.
 */
@ApiTags('webhooks')
@Controller(PREFIX)
export class WebhookEndpointsController {
  constructor(
    private readonly commands: WebhookEndpointCommands,
    private readonly endpoints: WebhookEndpointsQueries,
  ) {}

  @CommandRoute('RegisterWebhookEndpoint')
  @HttpCode(201)
  @ApiCreatedResponse({
    type: WebhookEndpointWithSecretDto,
    description: 'Location names the endpoint; ETag is its revision',
  })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid body (errors[] lists the fields)' })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description:
      'webhook-url-refused (not https, or resolves to a private, loopback or link-local address), unknown-event-type',
  })
  async register(
    @Body(new BodyValidationPipe()) body: RegisterWebhookEndpointDto,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<WebhookEndpointWithSecretDto> {
    const outcome = await this.commands.register(body, contextOf(identity, request));
    void reply.header('location', `${PREFIX}/${outcome.endpoint.endpointId}`);
    return answeredWithSecret(reply, outcome);
  }

  @ReadRoute({
    action: 'read-webhook-endpoints',
    summary: 'Webhook endpoints: an integrator’s own, every one for an admin (removed ones left out)',
    description: 'Read from the webhook-endpoints read model, which follows a change within moments.',
    ok: { type: WebhookEndpointListDto },
  })
  async list(@CurrentIdentity() identity: Identity): Promise<WebhookEndpointListDto> {
    const owner = identity.role === 'admin' ? undefined : identity.sub;
    const views = await readModel(() => this.endpoints.list(owner === undefined ? {} : { owner }));
    return {
      items: views.map((view) => ({
        ...endpointBody(view, view.revision),
        createdAt: view.createdAt,
        updatedAt: view.updatedAt,
      })),
    };
  }

  @ReadRoute({
    path: ':endpointId',
    action: 'read-webhook-endpoints',
    summary: 'One webhook endpoint, as its stream has it now (ETag: its revision)',
    ok: { type: WebhookEndpointDto },
    badRequest: 'The id is not a UUID',
    notFound: 'No such endpoint, or another integrator’s',
  })
  @ApiParam({ name: 'endpointId', type: String, format: 'uuid' })
  async get(
    @EndpointIdParam() endpointId: string,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<WebhookEndpointDto> {
    const outcome = await this.commands.current(endpointId, contextOf(identity, request).actor);
    if (!outcome) throw notFound();
    return answered(reply, outcome);
  }

  @CommandRoute('ChangeWebhookEndpoint', 'webhook-endpoint-removed, concurrency-conflict')
  @ApiOkResponse({
    type: WebhookEndpointDto,
    description: 'The endpoint after the change; ETag is its revision',
  })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid body, or nothing to change' })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: 'webhook-url-refused, unknown-event-type',
  })
  async change(
    @EndpointIdParam() endpointId: string,
    @Body(new BodyValidationPipe()) body: ChangeWebhookEndpointDto,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<WebhookEndpointDto> {
    if (Object.keys(body).length === 0) {
      throw new ProblemException(400, 'validation-failed', 'Name at least one field to change.', {
        errors: [{ field: 'body', message: 'send url, eventTypes, caseId or description' }],
      });
    }
    const outcome = await this.commands.change(endpointId, body, contextOf(identity, request));
    return answered(reply, outcome);
  }

  @CommandRoute('RotateWebhookSecret', 'webhook-endpoint-removed, concurrency-conflict')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookEndpointWithSecretDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid body' })
  async rotateSecret(
    @EndpointIdParam() endpointId: string,
    @Body(new BodyValidationPipe({ optionalBody: true })) body: RotateWebhookSecretDto,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<WebhookEndpointWithSecretDto> {
    const outcome = await this.commands.rotateSecret(
      endpointId,
      body.overlapSeconds,
      contextOf(identity, request),
    );
    return answeredWithSecret(reply, outcome);
  }

  @CommandRoute('DisableWebhookEndpoint')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookEndpointDto })
  async disable(
    @EndpointIdParam() endpointId: string,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<WebhookEndpointDto> {
    const outcome = await this.commands.disable(endpointId, REQUESTED, contextOf(identity, request));
    return answered(reply, outcome);
  }

  @CommandRoute('EnableWebhookEndpoint')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookEndpointDto })
  async enable(
    @EndpointIdParam() endpointId: string,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<WebhookEndpointDto> {
    const outcome = await this.commands.enable(endpointId, contextOf(identity, request));
    return answered(reply, outcome);
  }

  @CommandRoute('RemoveWebhookEndpoint', 'webhook-endpoint-removed: already removed')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed; ETag is the final revision' })
  async remove(
    @EndpointIdParam() endpointId: string,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<void> {
    const outcome = await this.commands.remove(endpointId, contextOf(identity, request));
    void reply.header('etag', etag(outcome.revision));
  }
}
