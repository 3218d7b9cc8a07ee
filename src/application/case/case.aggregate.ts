import { Inject, Injectable } from '@nestjs/common';
import { personActedFor } from '../../domain/case/acting-for.js';
import {
  CASE_EVENT_SCHEMA_VERSIONS,
  type CaseEvent,
  type CaseEventType,
} from '../../domain/case/case.events.js';
import type { CasePolicy } from '../../domain/case/case.policy.js';
import type { CaseState } from '../../domain/case/case.state.js';
import { upcastCaseEvent } from '../../domain/case/case.upcasters.js';
import type { Decider } from '../../domain/kernel/decider.js';
import { type AggregateDefinition, foldStored } from '../command-path/command-path.js';
import type { RecordedEvent } from '../ports/event-store.port.js';
import { type CaseCommand, sliceOf } from './case-commands.registry.js';
import { createCaseDecider } from './case.decider.js';

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

  actingFor(command: CaseCommand, state: CaseState): string | undefined {
    return personActedFor(state, command.metadata.actor, sliceOf(command.type).actsForReader(command.data));
  }

  /** Folds the events onto `state` (from the start of the stream by default). */
  fold(events: readonly RecordedEvent[], state?: CaseState): CaseState {
    return foldStored(this, events, state);
  }
}
