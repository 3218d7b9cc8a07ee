import { describe, it } from '@jest/globals';
import { defaultCasePolicy, type Priority } from '../../../domain/index.js';
import {
  CASE_ID,
  PRIOR,
  REQUESTED_AT,
  absent,
  given,
  present,
  requestCase,
  requested,
  specification,
  withdrawn,
} from '../case-spec.support.js';

describe('RequestSecondOpinion', () => {
  it.each<[Priority, string]>([
    ['stat', '2025-03-03T12:00:00.000Z'],
    ['urgent', '2025-03-04T08:00:00.000Z'],
    ['routine', '2025-03-06T08:00:00.000Z'],
  ])('a %s request is due %s (occurredAt + its SLA)', (priority, dueAt) => {
    given([])
      .when(requestCase({ priority }))
      .then([requested({ priority, dueAt })]);
  });

  it('takes the SLA hours from the policy', () => {
    const policy = { ...defaultCasePolicy, slaHours: { stat: 1, urgent: 8, routine: 48 } };
    specification(policy)
      .given([])
      .when(requestCase({ priority: 'stat' }))
      .then([requested({ priority: 'stat', dueAt: '2025-03-03T09:00:00.000Z' })]);
  });

  it.each([
    {
      occurredAt: '2025-03-03T07:00:00.000Z',
      dueAt: '2025-03-06T07:00:00.000Z',
      why: 'exactly the threshold',
    },
    { occurredAt: '2025-03-03T06:59:59.999Z', dueAt: null, why: 'just over the threshold: imported history' },
    { occurredAt: '2024-11-02T10:00:00.000Z', dueAt: null, why: 'months old: imported history' },
  ])('occurring at $occurredAt ($why), it is due $dueAt', ({ occurredAt, dueAt }) => {
    given([])
      .when(requestCase({}, { now: REQUESTED_AT, occurredAt }))
      .then([requested({ dueAt })]);
  });

  it('takes the imported-history threshold from the policy', () => {
    specification({ ...defaultCasePolicy, importedHistoryThresholdHours: 24 })
      .given([])
      .when(requestCase({}, { occurredAt: '2025-03-02T09:00:00.000Z' }))
      .then([requested({ dueAt: '2025-03-05T09:00:00.000Z' })]);
  });

  it.each([
    { asked: undefined, policyDefault: 2 as const, recorded: 2 },
    { asked: undefined, policyDefault: 1 as const, recorded: 1 },
    { asked: 1, policyDefault: 2 as const, recorded: 1 },
    { asked: 2, policyDefault: 1 as const, recorded: 2 },
  ])(
    'readsRequired $asked with policy default $policyDefault records $recorded',
    ({ asked, policyDefault, recorded }) => {
      specification({ ...defaultCasePolicy, defaultReadsRequired: policyDefault })
        .given([])
        .when(requestCase(asked === undefined ? {} : { readsRequired: asked }))
        .then([requested({ readsRequired: recorded as 1 | 2 })]);
    },
  );

  it.each([0, 3, 1.5])('refuses readsRequired %s', (readsRequired) => {
    given([]).when(requestCase({ readsRequired })).thenThrows('invalid-reads-required');
  });

  it('records the prior report when there is one', () => {
    given([])
      .when(requestCase({ priorReport: PRIOR }))
      .then([requested({ priorReport: PRIOR })]);
  });

  it.each([
    { findings: [present('scaphoid-sclerosis')], code: 'unknown-finding-code' },
    { findings: [present('fracture'), absent('fracture')], code: 'duplicate-finding-code' },
  ])('refuses a prior report whose findings break the vocabulary ($code)', ({ findings, code }) => {
    given([])
      .when(requestCase({ priorReport: { ...PRIOR, findings } }))
      .thenThrows(code);
  });

  it('refuses a body region outside the configured list', () => {
    const study = { ...requested().data.study, bodyRegion: 'tail' };
    given([]).when(requestCase({ study })).thenThrows('unknown-body-region');
  });

  it('takes the body regions from the policy', () => {
    const study = { ...requested().data.study, bodyRegion: 'mandible' };
    specification({ ...defaultCasePolicy, bodyRegions: ['mandible'] })
      .given([])
      .when(requestCase({ study }))
      .then([requested({ study })]);
  });

  it('refuses a priority without an SLA', () => {
    given([])
      .when(requestCase({ priority: 'whenever' as Priority }))
      .thenThrows('invalid-priority');
  });

  it.each([
    ['an open case', [requested()]],
    ['a withdrawn case', [requested(), withdrawn()]],
  ])('refuses a caseId that is already %s', (_, history) => {
    given(history)
      .when(requestCase({ caseId: CASE_ID }))
      .thenThrows('case-exists');
  });
});
