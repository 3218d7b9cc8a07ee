import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { WebhookEndpointCommand } from '../../domain/webhook/webhook-endpoint.commands.js';
import { SECRET_OVERLAP_SECONDS } from '../../domain/webhook/webhook-endpoint.commands.js';
import type { WebhookEndpointEvent } from '../../domain/webhook/webhook-endpoint.events.js';
import type { WebhookEndpoint, WebhookEndpointState } from '../../domain/webhook/webhook-endpoint.state.js';
import { webhookEndpointStreamId } from '../../domain/webhook/webhook-endpoint.stream.js';
import { DomainError } from '../../domain/kernel/domain-error.js';
import { CommandPath, type CommandContext, type CommandResult } from '../command-path/command-path.js';
import { WebhookEndpointAggregate } from './webhook-endpoint.aggregate.js';
import { secretFingerprint } from './secret-fingerprint.js';
import { WEBHOOK_SECRETS, type WebhookSecrets } from './webhook-secrets.port.js';
import { WEBHOOK_URL_POLICY, type WebhookUrlPolicy } from './webhook-url.port.js';

type Data<Type extends WebhookEndpointCommand['type']> = Extract<
  WebhookEndpointCommand,
  { type: Type }
>['data'];

/** An endpoint after a command, with the revision its stream is at (the ETag). */
export interface WebhookEndpointOutcome {
  endpoint: WebhookEndpoint;
  revision: number;
}

/** A command that made a secret: the only answers that carry one. */
export interface WebhookSecretOutcome extends WebhookEndpointOutcome {
  secret: string;
}

/**
 * The webhook endpoint use cases, each a few lines over the generic command path (read, fold,
 * decide, append with the expected revision). What the decision cannot do itself happens here,
 * before it: the URL guard (it resolves names) and making a secret (the store outside the log).
 * A secret whose event is never appended is never used: which secret signs comes from the events.
 */
@Injectable()
export class WebhookEndpointCommands {
  constructor(
    private readonly path: CommandPath,
    private readonly aggregate: WebhookEndpointAggregate,
    @Inject(WEBHOOK_SECRETS) private readonly secrets: WebhookSecrets,
    @Inject(WEBHOOK_URL_POLICY) private readonly urls: WebhookUrlPolicy,
  ) {}

  async register(
    data: Omit<Data<'RegisterWebhookEndpoint'>, 'endpointId' | 'secretId' | 'secretFingerprint'>,
    context: CommandContext,
  ): Promise<WebhookSecretOutcome> {
    await this.urls.check(data.url);
    const endpointId = randomUUID();
    const secretId = randomUUID();
    const secret = await this.secrets.create(endpointId, secretId);
    const result = await this.run(endpointId, context, 'RegisterWebhookEndpoint', {
      ...data,
      endpointId,
      secretId,
      secretFingerprint: secretFingerprint(secret),
    });
    return { ...this.outcome(result), secret };
  }

  async change(
    endpointId: string,
    data: Data<'ChangeWebhookEndpoint'>,
    context: CommandContext,
  ): Promise<WebhookEndpointOutcome> {
    // The guard resolves names, so it runs only for a URL this command would change.
    if (data.url !== undefined) {
      const { state } = await this.path.load(this.aggregate, webhookEndpointStreamId(endpointId));
      if (!state.exists || state.url !== data.url) await this.urls.check(data.url);
    }
    return this.outcome(await this.run(endpointId, context, 'ChangeWebhookEndpoint', data));
  }

  async rotateSecret(
    endpointId: string,
    overlapSeconds: number = SECRET_OVERLAP_SECONDS.default,
    context: CommandContext,
  ): Promise<WebhookSecretOutcome> {
    const secretId = randomUUID();
    // Only an endpoint the caller may rotate gets a secret made (one unknown to it is a 404 first).
    const { state } = await this.path.load(this.aggregate, webhookEndpointStreamId(endpointId));
    this.aggregate.decider.decide(
      {
        type: 'RotateWebhookSecret',
        data: { secretId, secretFingerprint: '', overlapSeconds },
        metadata: { actor: context.actor, now: new Date(0).toISOString() },
      },
      state,
    );
    const secret = await this.secrets.create(endpointId, secretId);
    const result = await this.run(endpointId, context, 'RotateWebhookSecret', {
      secretId,
      secretFingerprint: secretFingerprint(secret),
      overlapSeconds,
    });
    return { ...this.outcome(result), secret };
  }

  async disable(
    endpointId: string,
    data: Data<'DisableWebhookEndpoint'>,
    context: CommandContext,
  ): Promise<WebhookEndpointOutcome> {
    return this.outcome(await this.run(endpointId, context, 'DisableWebhookEndpoint', data));
  }

  async enable(endpointId: string, context: CommandContext): Promise<WebhookEndpointOutcome> {
    return this.outcome(await this.run(endpointId, context, 'EnableWebhookEndpoint', {}));
  }

  async remove(endpointId: string, context: CommandContext): Promise<WebhookEndpointOutcome> {
    return this.outcome(await this.run(endpointId, context, 'RemoveWebhookEndpoint', {}));
  }

  /** The endpoint as its stream has it now, as `actor` may see it (undefined: not found for it). */
  async current(
    endpointId: string,
    actor: CommandContext['actor'],
  ): Promise<WebhookEndpointOutcome | undefined> {
    const { state, revision } = await this.path.load(this.aggregate, webhookEndpointStreamId(endpointId));
    if (!state.exists || (actor.role === 'integrator' && state.owner !== actor.id)) return undefined;
    return { endpoint: state, revision };
  }

  private run<Type extends WebhookEndpointCommand['type']>(
    endpointId: string,
    context: CommandContext,
    type: Type,
    data: Data<Type>,
  ): Promise<CommandResult<WebhookEndpointEvent, WebhookEndpointState>> {
    return this.path.execute(this.aggregate, webhookEndpointStreamId(endpointId), context, ({ now }) => {
      const command = { type, data, metadata: { actor: context.actor, now } };
      return command as unknown as WebhookEndpointCommand;
    });
  }

  private outcome(result: CommandResult<WebhookEndpointEvent, WebhookEndpointState>): WebhookEndpointOutcome {
    if (!result.state.exists) throw new DomainError('not-found', 'There is no such webhook endpoint.');
    return { endpoint: result.state, revision: result.revision };
  }
}
