import {
  CaseStatusResponseDto,
  RevisionResponseDto,
} from '../../infrastructure/http/case/dto/responses.dto.js';
import type { Type } from '@nestjs/common';
import type { CaseEvent } from '../../domain/case/case.events.js';
import { type CaseCommandAnswer, caseAfter, eventOf } from './case-command.js';

/** The answer of most commands: the revision they left the case at. */
export const revisionOnly: CaseCommandAnswer = {
  dto: RevisionResponseDto,
  respond: (result) => ({ body: { revision: result.revision } }),
};

/** The answer of commands that may move the case on: the revision and the status after. */
export const revisionAndStatus: CaseCommandAnswer = {
  dto: CaseStatusResponseDto,
  respond: (result) => ({ body: { revision: result.revision, status: caseAfter(result).status } }),
};

type EventData<EventType extends CaseEvent['type']> = Extract<CaseEvent, { type: EventType }>['data'];

/** The answer of commands that create or decide one thing: the revision and that fact of their event. */
export function revisionAnd<
  EventType extends CaseEvent['type'],
  Field extends keyof EventData<EventType> & string,
>(dto: Type<object>, type: EventType, field: Field): CaseCommandAnswer {
  return {
    dto,
    respond: (result) => {
      // `field` is a key of this event's data (the signature says so); TypeScript cannot follow it through Extract.
      const data = eventOf(result, type).data as Record<Field, unknown>;
      return { body: { revision: result.revision, [field]: data[field] } };
    },
  };
}
