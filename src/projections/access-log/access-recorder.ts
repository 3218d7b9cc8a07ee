import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../application/ports/clock.port.js';
import { EVENT_STORE, type EventStore, type JsonObject } from '../../application/ports/event-store.port.js';
import {
  type AccessedResource,
  accessStreamId,
  CASE_DATA_ACCESSED,
  type CaseDataAccessedData,
} from './case-data-accessed.event.js';

/** Who read (the HTTP layer's Identity fits this shape). */
export interface AccessingIdentity {
  sub: string;
  role: string;
  onBehalfOf?: { id: string };
}

export interface AccessRecord {
  /** Absent for a query across cases. */
  caseId?: string;
  resource: AccessedResource;
  identity: AccessingIdentity;
  ip: string;
  userAgent?: string;
  correlationId: string;
}

const MAX_USER_AGENT = 512;

/**
 * Records a read of case data as a `CaseDataAccessed` event in the access stream (expected
 * revision `any`, a fresh event id): reads never contend with, nor change, the case stream.
 */
@Injectable()
export class AccessRecorder {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record({ caseId, resource, identity, ip, userAgent, correlationId }: AccessRecord): Promise<void> {
    const data: CaseDataAccessedData = {
      ...(caseId === undefined ? {} : { caseId }),
      resource,
      actorId: identity.sub,
      ip,
      userAgent: (userAgent ?? '').slice(0, MAX_USER_AGENT),
    };
    const actor: JsonObject = { id: identity.sub, role: identity.role };
    if (identity.onBehalfOf) actor.onBehalfOf = identity.onBehalfOf.id;
    await this.store.append(
      accessStreamId(caseId),
      [
        {
          eventId: randomUUID(),
          type: CASE_DATA_ACCESSED,
          data: { ...data },
          metadata: {
            actor,
            occurredAt: this.clock.now().toISOString(),
            schemaVersion: 1,
            $correlationId: correlationId,
            $causationId: correlationId,
          },
          schemaVersion: 1,
        },
      ],
      { expected: 'any' },
    );
  }
}
