import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../../src/domain/kernel/domain-error.js';
import type {
  WebhookCommandMetadata,
  WebhookEndpointCommand,
} from '../../../src/domain/webhook/webhook-endpoint.commands.js';
import { webhookEndpointDecider } from '../../../src/domain/webhook/webhook-endpoint.decider.js';
import type { WebhookEndpointEvent } from '../../../src/domain/webhook/webhook-endpoint.events.js';
import type { WebhookEndpointState } from '../../../src/domain/webhook/webhook-endpoint.state.js';

const ENDPOINT = '6f1c2d3e-4a5b-4c6d-8e7f-901234567890';
const CASE = '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e';
const NOW = '2026-12-07T12:00:00.000Z';

const as = (id: string, role: string): WebhookCommandMetadata => ({ actor: { id, role }, now: NOW });
const owner = as('ris-1', 'integrator');
const otherIntegrator = as('ris-2', 'integrator');
const admin = as('admin-1', 'admin');
const engine = as('engine', 'system');

// Events, with only the facts that matter to each case.
const registered = (
  data: Partial<Extract<WebhookEndpointEvent, { type: 'WebhookEndpointRegistered' }>['data']> = {},
): WebhookEndpointEvent => ({
  type: 'WebhookEndpointRegistered',
  data: {
    endpointId: ENDPOINT,
    url: 'https://ris.example.org/hooks',
    eventTypes: ['ConsensusReached'],
    owner: 'ris-1',
    secretId: 'secret-1',
    secretFingerprint: 'sha256:aaaa',
    ...data,
  },
});
const disabled: WebhookEndpointEvent = { type: 'WebhookEndpointDisabled', data: { reason: 'requested' } };
const enabled: WebhookEndpointEvent = { type: 'WebhookEndpointEnabled', data: {} };
const removed: WebhookEndpointEvent = { type: 'WebhookEndpointRemoved', data: {} };

// Commands.
const register = (
  data: Partial<Extract<WebhookEndpointCommand, { type: 'RegisterWebhookEndpoint' }>['data']> = {},
  metadata = owner,
): WebhookEndpointCommand => ({
  type: 'RegisterWebhookEndpoint',
  data: {
    endpointId: ENDPOINT,
    url: 'https://ris.example.org/hooks',
    eventTypes: ['ConsensusReached'],
    secretId: 'secret-1',
    secretFingerprint: 'sha256:aaaa',
    ...data,
  },
  metadata,
});
const change = (
  data: Extract<WebhookEndpointCommand, { type: 'ChangeWebhookEndpoint' }>['data'],
  metadata = owner,
): WebhookEndpointCommand => ({ type: 'ChangeWebhookEndpoint', data, metadata });
const rotate = (overlapSeconds: number, metadata = owner): WebhookEndpointCommand => ({
  type: 'RotateWebhookSecret',
  data: { secretId: 'secret-2', secretFingerprint: 'sha256:bbbb', overlapSeconds },
  metadata,
});
const disable = (metadata = owner): WebhookEndpointCommand => ({
  type: 'DisableWebhookEndpoint',
  data: { reason: 'requested' },
  metadata,
});
const disableFailing: WebhookEndpointCommand = {
  type: 'DisableWebhookEndpoint',
  data: { reason: 'failing', failingSince: '2026-12-04T12:00:00.000Z', lastError: 'HTTP 503' },
  metadata: engine,
};
const enable = (metadata = owner): WebhookEndpointCommand => ({
  type: 'EnableWebhookEndpoint',
  data: {},
  metadata,
});
const remove = (metadata = owner): WebhookEndpointCommand => ({
  type: 'RemoveWebhookEndpoint',
  data: {},
  metadata,
});

const fold = (events: readonly WebhookEndpointEvent[]): WebhookEndpointState =>
  events.reduce(webhookEndpointDecider.evolve, webhookEndpointDecider.initialState());

const decide = (history: readonly WebhookEndpointEvent[], command: WebhookEndpointCommand) =>
  webhookEndpointDecider.decide(command, fold(history));

type Row = [
  name: string,
  given: WebhookEndpointEvent[],
  when: WebhookEndpointCommand,
  then: WebhookEndpointEvent[],
];

describe('webhook endpoint decider: given events, when a command, then events', () => {
  it.each<Row>([
    [
      'registers an endpoint, owned by the actor, with only the secret’s id and fingerprint',
      [],
      register({ caseId: CASE, description: 'RIS feed' }),
      [registered({ caseId: CASE, description: 'RIS feed' })],
    ],
    [
      'registers a subscription to every event type',
      [],
      register({ eventTypes: ['*'] }),
      [registered({ eventTypes: ['*'] })],
    ],
    [
      'records only the fields a change changes',
      [registered()],
      change({ url: 'https://ris.example.org/hooks', eventTypes: ['ConsensusReached', 'CaseClosed'] }),
      [{ type: 'WebhookEndpointChanged', data: { eventTypes: ['ConsensusReached', 'CaseClosed'] } }],
    ],
    [
      'records nothing for a change that changes nothing',
      [registered()],
      change({ url: 'https://ris.example.org/hooks' }),
      [],
    ],
    [
      'removes the case filter with caseId null',
      [registered({ caseId: CASE })],
      change({ caseId: null }),
      [{ type: 'WebhookEndpointChanged', data: { caseId: null } }],
    ],
    [
      'records nothing for caseId null on an endpoint without a filter',
      [registered()],
      change({ caseId: null }),
      [],
    ],
    [
      'lets an admin change another’s endpoint',
      [registered()],
      change({ description: 'by admin' }, admin),
      [{ type: 'WebhookEndpointChanged', data: { description: 'by admin' } }],
    ],
    [
      'rotates the secret, the previous one valid for the overlap',
      [registered()],
      rotate(3600),
      [
        {
          type: 'WebhookSecretRotated',
          data: {
            secretId: 'secret-2',
            secretFingerprint: 'sha256:bbbb',
            previousSecretId: 'secret-1',
            previousValidUntil: '2026-12-07T13:00:00.000Z',
          },
        },
      ],
    ],
    [
      'rotates with no overlap: the previous secret ends now',
      [registered()],
      rotate(0),
      [
        {
          type: 'WebhookSecretRotated',
          data: {
            secretId: 'secret-2',
            secretFingerprint: 'sha256:bbbb',
            previousSecretId: 'secret-1',
            previousValidUntil: NOW,
          },
        },
      ],
    ],
    ['disables at its owner’s request', [registered()], disable(), [disabled]],
    [
      'disables a failing endpoint (the engine), saying since when and why',
      [registered()],
      disableFailing,
      [
        {
          type: 'WebhookEndpointDisabled',
          data: { reason: 'failing', failingSince: '2026-12-04T12:00:00.000Z', lastError: 'HTTP 503' },
        },
      ],
    ],
    ['records nothing when disabling a disabled endpoint', [registered(), disabled], disableFailing, []],
    ['enables a disabled endpoint', [registered(), disabled], enable(), [enabled]],
    ['records nothing when enabling an enabled endpoint', [registered(), disabled, enabled], enable(), []],
    ['removes an endpoint', [registered()], remove(), [removed]],
    ['removes a disabled endpoint', [registered(), disabled], remove(admin), [removed]],
  ])('%s', (_name, given, when, then) => {
    expect(decide(given, when)).toEqual(then);
  });
});

type ErrorRow = [name: string, given: WebhookEndpointEvent[], when: WebhookEndpointCommand, code: string];

describe('webhook endpoint decider: given events, when a command, then an error', () => {
  it.each<ErrorRow>([
    ['an id already registered', [registered()], register(), 'webhook-endpoint-exists'],
    ['no event type', [], register({ eventTypes: [] }), 'unknown-event-type'],
    [
      'an unknown event type',
      [],
      register({ eventTypes: ['ConsensusReached', 'CasePainted'] }),
      'unknown-event-type',
    ],
    ['"*" beside other types', [], register({ eventTypes: ['*', 'CaseClosed'] }), 'unknown-event-type'],
    [
      'an unknown event type in a change',
      [registered()],
      change({ eventTypes: ['Nope'] }),
      'unknown-event-type',
    ],
    ['a change of an endpoint never registered', [], change({ url: 'https://a.example' }), 'not-found'],
    [
      'another integrator’s endpoint',
      [registered()],
      change({ url: 'https://a.example' }, otherIntegrator),
      'not-found',
    ],
    ['rotating another integrator’s secret', [registered()], rotate(60, otherIntegrator), 'not-found'],
    ['removing another integrator’s endpoint', [registered()], remove(otherIntegrator), 'not-found'],
    ['an overlap over 7 days', [registered()], rotate(7 * 86_400 + 1), 'invalid-secret-overlap'],
    ['a negative overlap', [registered()], rotate(-1), 'invalid-secret-overlap'],
    ['a fractional overlap', [registered()], rotate(1.5), 'invalid-secret-overlap'],
    [
      'a change of a removed endpoint',
      [registered(), removed],
      change({ description: 'x' }),
      'webhook-endpoint-removed',
    ],
    ['rotating a removed endpoint’s secret', [registered(), removed], rotate(60), 'webhook-endpoint-removed'],
    ['enabling a removed endpoint', [registered(), removed], enable(), 'webhook-endpoint-removed'],
    ['disabling a removed endpoint', [registered(), removed], disableFailing, 'webhook-endpoint-removed'],
    ['removing twice', [registered(), removed], remove(), 'webhook-endpoint-removed'],
  ])('refuses %s', (_name, given, when, code) => {
    let thrown: unknown;
    try {
      decide(given, when);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(code);
  });
});

describe('webhook endpoint state', () => {
  it('folds the current and the previous secret, the filter and the status', () => {
    const state = fold([
      registered({ caseId: CASE }),
      { type: 'WebhookEndpointChanged', data: { caseId: null, url: 'https://b.example/h' } },
      {
        type: 'WebhookSecretRotated',
        data: {
          secretId: 'secret-2',
          secretFingerprint: 'sha256:bbbb',
          previousSecretId: 'secret-1',
          previousValidUntil: '2026-12-08T12:00:00.000Z',
        },
      },
      disabled,
    ]);
    expect(state).toEqual({
      exists: true,
      endpointId: ENDPOINT,
      owner: 'ris-1',
      url: 'https://b.example/h',
      eventTypes: ['ConsensusReached'],
      status: 'disabled',
      secretId: 'secret-2',
      secretFingerprint: 'sha256:bbbb',
      previousSecret: { secretId: 'secret-1', validUntil: '2026-12-08T12:00:00.000Z' },
    });
  });
});
