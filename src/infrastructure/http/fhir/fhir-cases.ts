import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseAggregate } from '../../../application/case/case.aggregate.js';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../../application/ports/event-store.port.js';
import { caseViewFor, type CaseView, type CaseViewer } from '../../../domain/case/case-view.js';
import type { Case } from '../../../domain/case/case.state.js';
import { caseStreamId } from '../../../domain/case/case.stream.js';
import { DomainError } from '../../../domain/kernel/domain-error.js';
import { isUuid } from '../../../domain/kernel/identifiers.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../../../projections/runner/projection.js';
import { quoteIdentifier } from '../../../projections/runner/projection-control.js';
import { readModel } from '../audit/read-model.js';
import type { ConsensusVersion, SignedEvent } from './fhir-resources.js';

/** A case as the facade reads it: its state, its stored events, and what the caller may see. */
export interface ViewedCase {
  state: Case;
  events: readonly RecordedEvent[];
  view: CaseView;
}

/** Search across cases reads at most this many cases (the worklist's page limit). */
export const MAX_CASES_PER_SEARCH = 500;

const occurredAtOf = (event: RecordedEvent): string =>
  typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt.toISOString();

/**
 * Reads cases for the facade: from the case stream (as GET /api/v1/cases/{id} does, with the same
 * blinding: caseViewFor), and from the worklist projection to find cases by reader, assignment or patient.
 */
@Injectable()
export class FhirCases {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly aggregate: CaseAggregate,
    private readonly dataSource: DataSource,
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
  ) {}

  /** The case and the caller's view of it; 404 when there is none, 403 for a radiologist not on it. */
  async viewed(caseId: string, viewer: CaseViewer, what = 'Case'): Promise<ViewedCase> {
    const { events } = isUuid(caseId)
      ? await this.store.readStream(caseStreamId(caseId.toLowerCase()))
      : { events: [] };
    const state = this.aggregate.fold(events);
    if (!state.exists) throw new DomainError('not-found', `${what} ${caseId} does not exist.`);
    return { state, events, view: caseViewFor(state, viewer) };
  }

  /** For searches: the case when the caller may see it at all, else undefined (never an error). */
  async visible(caseId: string, viewer: CaseViewer): Promise<ViewedCase | undefined> {
    try {
      return await this.viewed(caseId, viewer);
    } catch (error) {
      if (error instanceof DomainError && ['not-found', 'not-your-assignment'].includes(error.code))
        return undefined;
      throw error;
    }
  }

  /** Cases whose worklist row matches `condition` on `value` (the projection may lag the command by a moment). */
  private async caseIdsWhere(condition: string, value: unknown): Promise<string[]> {
    const rows = await readModel(() =>
      this.schemas.withActiveSchema(
        'worklist',
        (schema) =>
          this.dataSource.query(
            `SELECT case_id FROM ${quoteIdentifier(schema)}.worklist WHERE ${condition} ORDER BY requested_at, case_id LIMIT ${MAX_CASES_PER_SEARCH}`,
            [value],
          ) as Promise<Array<{ case_id: string }>>,
      ),
    );
    return rows.map((row) => row.case_id);
  }

  caseIdsOfAssignment(assignmentId: string): Promise<string[]> {
    return isUuid(assignmentId)
      ? this.caseIdsWhere(
          'readers @> $1::jsonb',
          JSON.stringify([{ assignmentId: assignmentId.toLowerCase() }]),
        )
      : Promise.resolve([]);
  }

  caseIdsOfReader(readerId: string): Promise<string[]> {
    return this.caseIdsWhere('readers @> $1::jsonb', JSON.stringify([{ readerId }]));
  }

  caseIdsOfPatient(patientRef: string): Promise<string[]> {
    return this.caseIdsWhere('patient_ref = $1', patientRef);
  }
}

/** Every consensus of the case, in order, with when it was recorded: the consensus report's versions. */
export function consensusVersions(
  aggregate: CaseAggregate,
  events: readonly RecordedEvent[],
): ConsensusVersion[] {
  return events.flatMap((stored) => {
    const event = aggregate.fromStored(stored);
    return event.type === 'ConsensusReached'
      ? [{ consensus: event.data, recordedAt: stored.recordedAt.toISOString() }]
      : [];
  });
}

/** The events of the case in the domain's shape, with their ids and times. */
export function signedEvents(aggregate: CaseAggregate, events: readonly RecordedEvent[]): SignedEvent[] {
  return events.map((stored) => ({
    eventId: stored.eventId,
    event: aggregate.fromStored(stored),
    recordedAt: stored.recordedAt.toISOString(),
    occurredAt: occurredAtOf(stored),
  }));
}
