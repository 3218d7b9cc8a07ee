import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { caseViewFor } from '../../../domain/case/case-view.js';
import { caseStreamId } from '../../../domain/case/case.stream.js';
import { DomainError } from '../../../domain/kernel/domain-error.js';
import { EVENT_STORE, type EventStore } from '../../ports/event-store.port.js';
import { CaseAggregate } from '../case.aggregate.js';
import { type CaseReadModel, GetCaseQuery } from './get-case.query.js';

/** The current state of a case, folded from its stream and filtered by who asks. */
@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery, CaseReadModel> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly aggregate: CaseAggregate,
  ) {}

  async execute({ caseId, viewer }: GetCaseQuery): Promise<CaseReadModel> {
    const { events } = await this.store.readStream(caseStreamId(caseId));
    const state = this.aggregate.fold(events);
    if (!state.exists) throw new DomainError('not-found', `Case ${caseId} does not exist.`);
    return { view: caseViewFor(state, viewer), revision: events.at(-1)!.revision };
  }
}
