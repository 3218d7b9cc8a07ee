import { Query } from '@nestjs/cqrs';
import type { CaseViewer, FullCaseView } from '../../../domain/case/case-view.js';
import type { StreamIntegrity } from '../../integrity/stream-integrity.js';
import type { EventMetadata, JsonObject } from '../../ports/event-store.port.js';

/** Where to stop the replay: a revision (inclusive), what the record said at a time, or what had happened by a time. */
export type HistoryPoint =
  | { kind: 'latest' }
  | { kind: 'revision'; revision: number }
  | { kind: 'as-of'; time: Date }
  | { kind: 'as-occurred-by'; time: Date };

export interface HistoryEvent {
  eventId: string;
  type: string;
  revision: number;
  data: JsonObject;
  metadata: EventMetadata;
  occurredAt: string;
  recordedAt: string;
}

export interface CaseHistory {
  caseId: string;
  point: HistoryPoint;
  /** Revision of the last event folded (a time before the case's request is `before-case-existed` instead). */
  revision: number;
  /** The case as it stood at that point; absent before the request. */
  state: FullCaseView | null;
  events: HistoryEvent[];
  /** The whole stream as stored now: its hash chain and the verifiable log, and the checkpoint that rests on. */
  integrity: StreamIntegrity & { lastRevision: number };
}

export class GetCaseHistoryQuery extends Query<CaseHistory> {
  constructor(
    readonly caseId: string,
    readonly point: HistoryPoint,
    readonly viewer: CaseViewer,
  ) {
    super();
  }
}
