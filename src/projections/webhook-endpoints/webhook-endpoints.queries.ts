import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type {
  WebhookEndpointFilter,
  WebhookEndpoints,
  WebhookEndpointView,
} from '../../application/webhook/webhook-endpoints.port.js';
import { isUuid } from '../../domain/kernel/identifiers.js';
import { presentFields } from '../../domain/kernel/present-fields.js';
import type { WebhookEndpointStatus } from '../../domain/webhook/webhook-endpoint.events.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../runner/projection.js';
import { ENDPOINTS_TABLE, WEBHOOK_ENDPOINTS_PROJECTION } from './webhook-endpoints.projection.js';

interface EndpointRow {
  endpoint_id: string;
  owner: string;
  url: string;
  event_types: string[];
  case_id: string | null;
  description: string | null;
  status: WebhookEndpointStatus;
  secret_id: string;
  secret_fingerprint: string;
  previous_secret: { secretId: string; validUntil: string } | null;
  disabled: WebhookEndpointView['disabled'] | null;
  revision: number;
  created_at: Date;
  updated_at: Date;
}

const view = (row: EndpointRow): WebhookEndpointView => ({
  endpointId: row.endpoint_id,
  url: row.url,
  eventTypes: row.event_types,
  ...presentFields({ caseId: row.case_id, description: row.description }),
  status: row.status,
  owner: row.owner,
  secretId: row.secret_id,
  secretFingerprint: row.secret_fingerprint,
  ...presentFields({ previousSecret: row.previous_secret, disabled: row.disabled }),
  revision: row.revision,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The query side of the `webhook-endpoints` read model. */
@Injectable()
export class WebhookEndpointsQueries implements WebhookEndpoints {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
  ) {}

  list(filter: WebhookEndpointFilter = {}): Promise<WebhookEndpointView[]> {
    return this.schemas.withActiveSchema(WEBHOOK_ENDPOINTS_PROJECTION, async (schema) => {
      const rows: EndpointRow[] = await this.dataSource.query(
        `SELECT * FROM ${ENDPOINTS_TABLE.in(schema)}
          WHERE ($1::text IS NULL OR owner = $1) AND ($2::boolean OR status <> 'removed')
          ORDER BY created_at, endpoint_id`,
        [filter.owner ?? null, filter.includeRemoved ?? false],
      );
      return rows.map(view);
    });
  }

  get(endpointId: string): Promise<WebhookEndpointView | undefined> {
    if (!isUuid(endpointId)) return Promise.resolve(undefined);
    return this.schemas.withActiveSchema(WEBHOOK_ENDPOINTS_PROJECTION, async (schema) => {
      const rows: EndpointRow[] = await this.dataSource.query(
        `SELECT * FROM ${ENDPOINTS_TABLE.in(schema)} WHERE endpoint_id = $1`,
        [endpointId],
      );
      return rows[0] === undefined ? undefined : view(rows[0]);
    });
  }
}
