import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { foldStored } from '../../application/command-path/command-path.js';
import { EVENT_STORE, type EventStore } from '../../application/ports/event-store.port.js';
import { WebhookEndpointAggregate } from '../../application/webhook/webhook-endpoint.aggregate.js';
import type { WebhookSecrets } from '../../application/webhook/webhook-secrets.port.js';
import { webhookEndpointStreamId } from '../../domain/webhook/webhook-endpoint.stream.js';

/** Standard Webhooks: a secret is `whsec_` and the base64 of 24 to 64 random bytes. */
const SECRET_BYTES = 32;

/**
 * Secrets in the read-model database (table webhook_secrets). Which of them sign is what the
 * endpoint's stream says now (folded at each call, not the read model: a delivery right after a
 * registration or rotation must not wait for a projection to catch up).
 */
@Injectable()
export class PostgresWebhookSecrets implements WebhookSecrets {
  private readonly aggregate = new WebhookEndpointAggregate();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async create(endpointId: string, secretId: string): Promise<string> {
    const secret = `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
    await this.dataSource.query(
      `INSERT INTO webhook_secrets (secret_id, endpoint_id, secret) VALUES ($1, $2, $3)`,
      [secretId, endpointId, secret],
    );
    return secret;
  }

  async signingSecrets(endpointId: string, at: Date): Promise<string[]> {
    const { events } = await this.store.readStream(webhookEndpointStreamId(endpointId));
    const endpoint = foldStored(this.aggregate, events);
    if (!endpoint.exists) return [];
    const ids = [endpoint.secretId];
    const previous = endpoint.previousSecret;
    if (previous && Date.parse(previous.validUntil) > at.getTime()) ids.push(previous.secretId);
    const rows: Array<{ secret_id: string; secret: string }> = await this.dataSource.query(
      `SELECT secret_id, secret FROM webhook_secrets WHERE endpoint_id = $1 AND secret_id = ANY($2::uuid[])`,
      [endpointId, ids],
    );
    const byId = new Map(rows.map((row) => [row.secret_id, row.secret]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}
