import { describe, it } from '@jest/globals';
import type { Actor } from '../../../domain/index.js';
import {
  UNBLINDED,
  absent,
  assigned,
  escalated,
  expectGeneratedIdNeeded,
  given,
  hasRead,
  integrator,
  notTheReader,
  present,
  radiologist,
  reading,
  requested,
  submitOpinion,
  submitted,
  unassigned,
  uncertain,
  withPrior,
  discordance,
} from '../case-spec.support.js';

const findings = [
  present('fracture', { location: 'scaphoid waist', laterality: 'left' }),
  absent('dislocation'),
];

describe('SubmitOpinion', () => {
  it('records the first of two opinions, signed by the engine, and waits for the second', () => {
    given([requested(), ...reading('rad-a')])
      .when(
        submitOpinion('rad-a', findings, {
          impression: 'Undisplaced scaphoid waist fracture.',
          confidence: 5,
        }),
      )
      .then([
        submitted('rad-a', findings, { impression: 'Undisplaced scaphoid waist fracture.', confidence: 5 }),
      ]);
  });

  describe('the signature (meaning authorship, at server time)', () => {
    // The integrator that submits for a reader is recorded as the reader's agent (21 CFR 11.200).
    const agent = { id: 'portal-1', name: 'portal-1' };
    it.each<{ actor: string; as: Actor; signerName: string; agent?: typeof agent }>([
      {
        actor: 'a radiologist with a printed name',
        as: radiologist('rad-a', 'Dr Ada Byron'),
        signerName: 'Dr Ada Byron',
      },
      { actor: 'a radiologist without one', as: radiologist('rad-a'), signerName: 'rad-a' },
      {
        actor: 'an integrator for a named person',
        as: integrator({ id: 'rad-a', name: 'Dr Ada Byron' }),
        signerName: 'Dr Ada Byron',
        agent,
      },
      {
        actor: 'an integrator for a person without a name',
        as: integrator({ id: 'rad-a' }),
        signerName: 'rad-a',
        agent,
      },
      { actor: 'an integrator naming no one (the reader)', as: integrator(), signerName: 'rad-a', agent },
    ])('is made for $actor as "$signerName"', ({ as, signerName, agent }) => {
      given([requested(), ...reading('rad-a')])
        .when(submitOpinion('rad-a', findings, {}, as))
        .then([submitted('rad-a', findings, { signerName, ...(agent && { agent }) })]);
    });

    it('is never taken from the client', () => {
      const command = submitOpinion('rad-a', findings);
      const forged = {
        signerName: 'Dr Someone Else',
        meaning: 'approval',
        signedAt: '2020-01-01T00:00:00.000Z',
      };
      given([requested(), ...reading('rad-a')])
        .when({ ...command, data: { ...command.data, signature: forged } } as typeof command)
        .then([submitted('rad-a', findings)]);
    });
  });

  describe('who submits', () => {
    it.each(notTheReader('rad-b'))('is refused to $actor', ({ as }) => {
      given([requested(), ...reading('rad-a')])
        .when(submitOpinion('rad-a', findings, {}, as))
        .thenThrows('not-your-assignment');
    });
  });

  it.each([
    { why: 'an unknown assignment', history: [requested(), ...reading('rad-b')], code: 'not-found' },
    {
      why: 'an unassigned reader',
      history: [requested(), ...reading('rad-a'), unassigned('rad-a')],
      code: 'reader-not-assigned',
    },
    { why: 'a read not started', history: [requested(), assigned('rad-a')], code: 'read-not-started' },
    {
      why: 'a second opinion on one assignment',
      history: [requested(), ...hasRead('rad-a', findings)],
      code: 'already-submitted',
    },
  ])('is refused for $why ($code)', ({ history, code }) => {
    given(history).when(submitOpinion('rad-a', findings)).thenThrows(code);
  });

  it.each([
    { findings: [present('scaphoid-sclerosis')], code: 'unknown-finding-code' },
    { findings: [present('fracture'), uncertain('fracture')], code: 'duplicate-finding-code' },
  ])('refuses findings that break the vocabulary ($code)', ({ findings: wrong, code }) => {
    given([requested(), ...reading('rad-a')])
      .when(submitOpinion('rad-a', wrong))
      .thenThrows(code);
  });

  it.each([0, 6, 2.5, Number.NaN])('refuses confidence %s', (confidence) => {
    given([requested(), ...reading('rad-a')])
      .when(submitOpinion('rad-a', findings, { confidence }))
      .thenThrows('invalid-confidence');
  });

  it.each([1, 5])('accepts confidence %s', (confidence) => {
    given([requested(), ...reading('rad-a')])
      .when(submitOpinion('rad-a', findings, { confidence }))
      .then([submitted('rad-a', findings, { confidence })]);
  });

  describe('a prior-report score in the opinion', () => {
    it('is taken from an unblinded primary who was shown the prior report', () => {
      given([withPrior, ...reading('rad-a', { blinded: false })])
        .when(
          submitOpinion('rad-a', findings, { priorReportReview: { score: '2a', comment: 'Subtle line.' } }),
        )
        .then([
          submitted('rad-a', findings, { priorReportReview: { score: '2a', comment: 'Subtle line.' } }),
        ]);
    });

    it.each([
      { why: 'a blinded primary', history: [withPrior, ...reading('rad-a')], code: 'blinding-violation' },
      {
        why: 'a case without a prior report',
        history: [requested(), ...reading('rad-a', { blinded: false })],
        code: 'no-prior-report',
      },
    ])('is refused from $why ($code)', ({ history, code }) => {
      given(history)
        .when(submitOpinion('rad-a', findings, { priorReportReview: { score: '1' } }))
        .thenThrows(code);
    });

    it('must be a RADPEER score', () => {
      given([withPrior, ...reading('rad-a', { blinded: false, shown: UNBLINDED })])
        .when(submitOpinion('rad-a', findings, { priorReportReview: { score: '4' as '1' } }))
        .thenThrows('invalid-radpeer-score');
    });
  });

  describe('by role and state', () => {
    const awaitingAdjudication = [
      requested(),
      ...hasRead('rad-a', [present('fracture')]),
      ...reading('rad-b'),
      escalated('adjudication', 'clinical-concern'),
      ...reading('rad-c', { role: 'adjudicator', blinded: false }),
    ];

    it('refuses an opinion from an adjudicator (it adjudicates instead)', () => {
      given(awaitingAdjudication)
        .when(submitOpinion('rad-c', findings))
        .thenThrows('invalid-assignment-role');
    });

    it('lets a primary still reading finish while awaiting adjudication: the discordance is recorded, the adjudicator decides', () => {
      given(awaitingAdjudication)
        .when(submitOpinion('rad-b', [absent('fracture')]))
        .then([
          submitted('rad-b', [absent('fracture')]),
          discordance({
            opinionIds: ['op-rad-a', 'op-rad-b'],
            findings: [
              {
                code: 'fracture',
                values: [
                  { opinionId: 'op-rad-a', presence: 'present' },
                  { opinionId: 'op-rad-b', presence: 'absent' },
                ],
                severity: 'major',
              },
            ],
            severity: 'major',
          }),
        ]);
    });

    it('refuses a primary once a panel sits', () => {
      given([...awaitingAdjudication, escalated('panel', 'quality-review')])
        .when(submitOpinion('rad-b', findings))
        .thenThrows('invalid-state');
    });
  });

  it('needs the opinionId the application generated (a bug, not a client error)', () => {
    expectGeneratedIdNeeded([requested(), ...reading('rad-a')], submitOpinion('rad-a', findings));
  });
});
