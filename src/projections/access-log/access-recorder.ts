import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../application/ports/clock.port.js';
import { EVENT_STORE, type EventStore, type JsonObject } from '../../application/ports/event-store.port.js';
import {
  type AccessedResource,
  accessStreamId,
  ANONYMOUS_ACTOR,
  type AskedHistoryPoint,
  CASE_DATA_ACCESSED,
  CASE_DATA_ACCESSED_SCHEMA_VERSION,
  type CaseDataAccessedData,
  type IssuedDossier,
  READ_STATUS,
  type RefusedStatus,
} from './case-data-accessed.event.js';

/** Who read (the HTTP layer's Identity fits this shape). */
export interface AccessingIdentity {
  sub: string;
  /** The role that allowed the request; absent when no role did (a 403 of the role check). */
  role?: string;
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
  /** For a history read: the revision or time it asked for. */
  point?: AskedHistoryPoint;
  /** For a dossier: what was issued (its SHA-256 above all). */
  dossier?: IssuedDossier;
}

export interface RefusedAccessRecord extends Omit<AccessRecord, 'identity'> {
  /** The verified caller; absent when none could be verified, recorded as `anonymous`. */
  identity?: AccessingIdentity;
  status: RefusedStatus;
  problemCode?: string;
}

const MAX_USER_AGENT = 512;

/**
 * Records a read of case data, or a refused attempt, as a `CaseDataAccessed` event in the access
 * stream (expected revision `any`, a fresh event id): reads never contend with, nor change, the
 * case stream.
 */
@Injectable()
export class AccessRecorder {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A read that succeeded (before its answer is sent: a read that cannot be recorded is not served). */
  record(access: AccessRecord): Promise<void> {
    return this.append(access, READ_STATUS);
  }

  /** An attempt answered 401, 403 or 404 (before the refusal is sent; a failure to record does not change it). */
  recordRefused(access: RefusedAccessRecord): Promise<void> {
    return this.append(access, access.status, access.problemCode);
  }

  private async append(
    {
      caseId,
      resource,
      identity,
      ip,
      userAgent,
      correlationId,
      point,
      dossier,
    }: Omit<AccessRecord, 'identity'> & {
      identity?: AccessingIdentity;
    },
    status: number,
    problemCode?: string,
  ): Promise<void> {
    const data: CaseDataAccessedData = {
      ...(caseId === undefined ? {} : { caseId }),
      resource,
      actorId: identity?.sub ?? ANONYMOUS_ACTOR,
      ip,
      userAgent: (userAgent ?? '').slice(0, MAX_USER_AGENT),
      status,
      ...(problemCode === undefined ? {} : { problemCode }),
      ...(point === undefined ? {} : { point }),
      ...(dossier === undefined ? {} : { dossier }),
    };
    const actor: JsonObject = { id: data.actorId };
    if (identity?.role !== undefined) actor.role = identity.role;
    if (identity?.onBehalfOf) actor.onBehalfOf = identity.onBehalfOf.id;
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
            schemaVersion: CASE_DATA_ACCESSED_SCHEMA_VERSION,
            $correlationId: correlationId,
            $causationId: correlationId,
          },
          schemaVersion: CASE_DATA_ACCESSED_SCHEMA_VERSION,
        },
      ],
      { expected: 'any' },
    );
  }
}
