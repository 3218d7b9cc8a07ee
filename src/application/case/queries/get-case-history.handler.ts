import { Inject, Optional } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { caseViewFor, type FullCaseView } from '../../../domain/case/case-view.js';
import { caseStreamId } from '../../../domain/case/case.stream.js';
import { DomainError } from '../../../domain/kernel/domain-error.js';
import { INTEGRITY_LOG, type IntegrityLog } from '../../integrity/integrity-log.port.js';
import { verifyStreamIntegrity } from '../../integrity/stream-integrity.js';
import {
  EVENT_STORE,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
} from '../../ports/event-store.port.js';
import { assertRecordVisible } from '../case-blinding.js';
import { CaseAggregate } from '../case.aggregate.js';
import {
  type CaseHistory,
  GetCaseHistoryQuery,
  type HistoryEvent,
  type HistoryPoint,
} from './get-case-history.query.js';

/** Who sees everything: the history is the complete record, for roles that are not reading the case. */
const RECORD_VIEWER = { id: '$record', roles: ['medico-legal'] } as const;

function occurredAtOf(event: RecordedEvent): string {
  const occurredAt = event.metadata.occurredAt;
  return typeof occurredAt === 'string' ? occurredAt : event.recordedAt.toISOString();
}

/** The API calls KurrentDB's `$correlationId`/`$causationId` correlationId and causationId (docs/event-store.md). */
export function apiMetadata(metadata: EventMetadata): EventMetadata {
  const { $correlationId, $causationId, ...rest } = metadata;
  return { ...rest, correlationId: $correlationId, causationId: $causationId };
}

function isIncluded(point: HistoryPoint, event: RecordedEvent): boolean {
  switch (point.kind) {
    case 'latest':
      return true;
    case 'revision':
      return event.revision <= point.revision;
    case 'as-of':
      return event.recordedAt.getTime() <= point.time.getTime();
    case 'as-occurred-by':
      return Date.parse(occurredAtOf(event)) <= point.time.getTime();
  }
}

/** Whether `included` (a filter of `stored`) is its first events, in order. */
const isPrefix = (included: readonly RecordedEvent[], stored: readonly RecordedEvent[]): boolean =>
  included.length === 0 || included.at(-1) === stored[included.length - 1];

/** A time before the case's request: there is no case to replay, which is not an empty one. */
function beforeCaseExisted(
  caseId: string,
  point: Extract<HistoryPoint, { time: Date }>,
  first: RecordedEvent,
): DomainError {
  const when =
    point.kind === 'as-of'
      ? `as of ${point.time.toISOString()}: it was first recorded at ${first.recordedAt.toISOString()}`
      : `by ${point.time.toISOString()}: its request occurred at ${occurredAtOf(first)}`;
  return new DomainError(
    'before-case-existed',
    `Case ${caseId} did not exist yet ${when}. Ask for a later time.`,
  );
}

/**
 * Replays a case from the event store up to a point (medico-legal "what did we know then") and
 * verifies the stream: its hash chain, and each event against the verifiable log's signed receipts,
 * naming the signed checkpoint the verdict rests on.
 */
@QueryHandler(GetCaseHistoryQuery)
export class GetCaseHistoryHandler implements IQueryHandler<GetCaseHistoryQuery, CaseHistory> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly aggregate: CaseAggregate,
    // Absent only where no verifiable log runs (the verdict is then the chain's alone).
    @Optional() @Inject(INTEGRITY_LOG) private readonly log?: IntegrityLog,
  ) {}

  async execute({ caseId, point, viewer }: GetCaseHistoryQuery): Promise<CaseHistory> {
    const { events: stored } = await this.store.readStream(caseStreamId(caseId));
    if (stored.length === 0) throw new DomainError('not-found', `Case ${caseId} does not exist.`);
    // Events with occurredAt order may differ from revision order; "as occurred by" takes every event that had happened.
    const included = stored.filter((event) => isIncluded(point, event));
    const state = this.aggregate.fold(included);
    // The stream is folded once: the current state goes on from the point's when that is a prefix.
    const current = isPrefix(included, stored)
      ? this.aggregate.fold(stored.slice(included.length), state)
      : this.aggregate.fold(stored);
    assertRecordVisible(current, viewer, 'history');
    if (point.kind === 'revision' && point.revision > stored.at(-1)!.revision) {
      throw new DomainError(
        'not-found',
        `Case ${caseId} has no revision ${point.revision} (latest is ${stored.at(-1)!.revision}).`,
      );
    }
    if (!state.exists && 'time' in point) throw beforeCaseExisted(caseId, point, stored[0]!);
    const { checkpoint, ...verdict } = await verifyStreamIntegrity(stored, this.log);
    const events: HistoryEvent[] = included.map((event) => ({
      eventId: event.eventId,
      type: event.type,
      revision: event.revision,
      data: event.data,
      metadata: apiMetadata(event.metadata),
      occurredAt: occurredAtOf(event),
      recordedAt: event.recordedAt.toISOString(),
    }));
    return {
      caseId,
      point,
      revision: included.at(-1)?.revision ?? -1,
      state: state.exists ? (caseViewFor(state, RECORD_VIEWER) as FullCaseView) : null,
      events,
      integrity: { ...verdict, lastRevision: stored.at(-1)!.revision, checkpoint },
    };
  }
}
