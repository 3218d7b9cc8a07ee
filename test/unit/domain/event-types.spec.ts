import { describe, expect, it } from '@jest/globals';
import { isCaseEventType } from '../../../src/domain/case/case.events.js';
import { eventTypeGuard, eventTypesOf } from '../../../src/domain/kernel/event-types.js';
import { isWebhookEndpointEventType } from '../../../src/domain/webhook/webhook-endpoint.events.js';

const VERSIONS = { Opened: 1, Closed: 2 } as const;

describe('event types read from a schema-version table', () => {
  it('lists the type names in the table’s order', () => {
    expect(eventTypesOf(VERSIONS)).toEqual(['Opened', 'Closed']);
  });

  it.each([
    ['Opened', true],
    ['Closed', true],
    ['Reopened', false],
    ['', false],
    // Keys every object inherits are no event type.
    ['toString', false],
    ['constructor', false],
    ['__proto__', false],
  ])('the guard says %p is a type: %p', (type, expected) => {
    expect(eventTypeGuard(VERSIONS)(type)).toBe(expected);
  });

  it.each([
    [isCaseEventType, 'ConsensusReached', true],
    [isCaseEventType, 'WebhookEndpointRegistered', false],
    [isWebhookEndpointEventType, 'WebhookEndpointRegistered', true],
    [isWebhookEndpointEventType, 'ConsensusReached', false],
    [isWebhookEndpointEventType, 'hasOwnProperty', false],
  ])('each family’s guard knows its own types (%#)', (guard, type, expected) => {
    expect(guard(type)).toBe(expected);
  });
});
