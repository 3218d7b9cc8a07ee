import { describe, it } from '@jest/globals';
import { defaultCasePolicy } from '../../../src/domain/index.js';
import {
  ROUTINE_DUE_AT,
  absent,
  closed,
  consensus,
  escalated,
  given,
  hasRead,
  present,
  reading,
  recordSlaBreach,
  reopened,
  requested,
  slaBreached,
  specification,
  withdrawn,
} from './case.builders.js';

const LATE = '2025-03-06T08:00:00.001Z';
const inReview = [requested(), ...reading('rad-a')];
const reachedConsensus = [
  requested({ readsRequired: 1 }),
  ...hasRead('rad-a', [present('fracture')]),
  consensus({
    findings: [present('fracture')],
    method: 'concordance',
    basedOn: ['op-rad-a'],
    outcome: 'no-prior',
  }),
];
const escalating = specification({ ...defaultCasePolicy, slaBreachEscalates: true });

describe('RecordSlaBreach (the SLA process manager)', () => {
  it('records the breach once the due time has passed without consensus', () => {
    given(inReview)
      .when(recordSlaBreach(LATE))
      .then([slaBreached(LATE)]);
  });

  it.each([
    { at: ROUTINE_DUE_AT, why: 'at the due time' },
    { at: '2025-03-04T00:00:00.000Z', why: 'before it' },
  ])('is not due $why', ({ at }) => {
    given(inReview).when(recordSlaBreach(at)).thenThrows('sla-not-due');
  });

  it('records it once', () => {
    given([...inReview, slaBreached(LATE)])
      .when(recordSlaBreach('2025-03-07T00:00:00.000Z'))
      .thenThrows('sla-already-breached');
  });

  it('has nothing to breach on imported history (dueAt null)', () => {
    given([requested({ dueAt: null })])
      .when(recordSlaBreach(LATE))
      .thenThrows('no-sla');
  });

  it.each([
    { state: 'consensus', history: reachedConsensus, code: 'invalid-state' },
    { state: 'closed', history: [...reachedConsensus, closed('no-prior')], code: 'case-closed' },
    { state: 'withdrawn', history: [...inReview, withdrawn()], code: 'case-withdrawn' },
  ])('is refused once the case is $state', ({ history, code }) => {
    given(history).when(recordSlaBreach(LATE)).thenThrows(code);
  });

  // The due time is the request's; a reopened round without consensus can still breach it (once per case).
  it('records a breach in a reopened round that never breached before', () => {
    given([...reachedConsensus, closed('no-prior'), reopened(2)])
      .when(recordSlaBreach(LATE))
      .then([slaBreached(LATE)]);
  });

  describe('when the policy escalates breaches', () => {
    it('escalates a case in review to adjudication', () => {
      escalating
        .given(inReview)
        .when(recordSlaBreach(LATE))
        .then([slaBreached(LATE), escalated('adjudication', 'sla-breach')]);
    });

    it.each([
      { state: 'requested (no reader yet)', history: [requested()] },
      {
        state: 'awaiting adjudication (already escalated)',
        history: [...inReview, escalated('adjudication', 'clinical-concern')],
      },
    ])('only records it while $state', ({ history }) => {
      escalating
        .given(history)
        .when(recordSlaBreach(LATE))
        .then([slaBreached(LATE)]);
    });
  });

  it('does not escalate under the default policy', () => {
    given([requested(), ...hasRead('rad-a', [absent('fracture')])])
      .when(recordSlaBreach(LATE))
      .then([slaBreached(LATE)]);
  });
});
