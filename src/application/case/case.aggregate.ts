import { Inject, Injectable } from '@nestjs/common';
import { createCaseDecider } from '../../domain/case/case.decider.js';
import {
  CASE_EVENT_SCHEMA_VERSIONS,
  type CaseEvent,
  type CaseEventType,
} from '../../domain/case/case.events.js';
import type { CaseCommand } from '../../domain/case/case.commands.js';
import type { CasePolicy } from '../../domain/case/case.policy.js';
import type { CaseState } from '../../domain/case/case.state.js';
import { upcastCaseEvent } from '../../domain/case/case.upcasters.js';
import type { Decider } from '../../domain/shared/decider.js';
import type { AggregateDefinition } from '../command-path/command-path.js';
import type { RecordedEvent } from '../ports/event-store.port.js';

export const CASE_POLICY = Symbol('CasePolicy');

/** How cases are stored: the decider for the configured policy, upcasting on read. */
@Injectable()
export class CaseAggregate implements AggregateDefinition<CaseCommand, CaseEvent, CaseState> {
  readonly decider: Decider<CaseCommand, CaseEvent, CaseState>;

  constructor(@Inject(CASE_POLICY) readonly policy: CasePolicy) {
    this.decider = createCaseDecider(policy);
  }

  fromStored(event: RecordedEvent): CaseEvent {
    return upcastCaseEvent({ type: event.type, schemaVersion: event.schemaVersion, data: event.data });
  }

  schemaVersionOf(type: CaseEventType): number {
    return CASE_EVENT_SCHEMA_VERSIONS[type];
  }

  /** api.md: an integrator's reads, opinions, reviews, adjudications and addenda act for the assignment's reader by default. */
  actingFor(command: CaseCommand, state: CaseState): string | undefined {
    if (command.metadata.actor.role !== 'integrator' || !state.exists) return undefined;
    if (command.metadata.actor.onBehalfOf) return command.metadata.actor.onBehalfOf.id;
    switch (command.type) {
      case 'StartRead':
      case 'SubmitOpinion':
      case 'ReviewPriorReport':
      case 'SubmitAdjudication':
        return state.assignments.get(command.data.assignmentId)?.readerId;
      case 'AppendAddendum':
        return state.opinions.get(command.data.opinionId)?.readerId;
      default:
        return undefined;
    }
  }

  fold(events: readonly RecordedEvent[]): CaseState {
    return events.reduce(
      (state, event) => this.decider.evolve(state, this.fromStored(event)),
      this.decider.initialState(),
    );
  }
}
