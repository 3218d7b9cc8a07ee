import { Inject, Injectable } from '@nestjs/common';
import { caseViewFor, type CaseViewer } from '../../domain/case/case-view.js';
import type { CaseState } from '../../domain/case/case.state.js';
import { caseStreamId } from '../../domain/case/case.stream.js';
import { DomainError } from '../../domain/kernel/domain-error.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { CaseAggregate } from './case.aggregate.js';

/**
 * Whoever still has a blinded read to do on this case must not see its record (`what`: its history,
 * its dossier), whatever its roles: the prior report and the opinions are in it.
 */
export function assertRecordVisible(state: CaseState, viewer: CaseViewer, what: string): void {
  if (state.exists && caseViewFor(state, viewer).visibility !== 'full') {
    throw new DomainError(
      'not-your-assignment',
      `You hold a read on this case that is not submitted yet; its ${what} is hidden until you submit.`,
    );
  }
}

/**
 * Blinding across endpoints: whoever still has a read to submit on a case sees only what that read
 * shows (domain `caseViewFor`), whatever other roles its token carries — so the case's record
 * (history, audit trail) stays hidden from it until it submits.
 */
@Injectable()
export class CaseBlinding {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly aggregate: CaseAggregate,
  ) {}

  async isReading(caseId: string, viewer: CaseViewer): Promise<boolean> {
    const state = this.aggregate.fold((await this.store.readStream(caseStreamId(caseId))).events);
    if (!state.exists) return false;
    try {
      return caseViewFor(state, viewer).visibility !== 'full';
    } catch (error) {
      // A radiologist not assigned to the case: not reading it (the route's own rules answer).
      if (error instanceof DomainError && error.code === 'not-your-assignment') return false;
      throw error;
    }
  }

  async assertNotReading(caseId: string, viewer: CaseViewer, what: string): Promise<void> {
    if (await this.isReading(caseId, viewer)) {
      throw new DomainError(
        'not-your-assignment',
        `You hold a read on case ${caseId} that is not submitted yet; its ${what} is hidden until you submit.`,
      );
    }
  }
}
