import { describe, expect, it } from '@jest/globals';
import { caseStatusSummary } from '../../../domain/index.js';
import {
  PRIOR,
  absent,
  adjudicate,
  adjudicated,
  assigned,
  caseAfter,
  consensus,
  escalated,
  given,
  hasRead,
  integrator,
  notTheReader,
  present,
  reading,
  reopenedAfterOneRead,
  requested,
  reviewed,
  signature,
  twoReads,
  unassigned,
} from '../case-spec.support.js';

// PRIOR says: fracture absent, joint-effusion present.
const readerA = [present('fracture'), present('joint-effusion')];
const readerB = [absent('fracture'), present('joint-effusion')];
const escalatedCase = [
  twoReads,
  ...hasRead('rad-a', readerA, { impression: 'Scaphoid waist fracture.' }),
  reviewed('rad-a', '3b'),
  ...hasRead('rad-b', readerB),
  reviewed('rad-b', '1'),
  escalated('adjudication', 'reader-discordance'),
];
const adjudicating = [...escalatedCase, ...reading('rad-c', { role: 'adjudicator', blinded: false })];

describe('SubmitAdjudication', () => {
  it('selects a primary opinion: its findings become final (signed as approval), and consensus follows', () => {
    given(adjudicating)
      .when(adjudicate('rad-c', { selectedOpinionId: 'op-rad-a' }))
      .then([
        adjudicated('rad-c', { selectedOpinionId: 'op-rad-a', findings: readerA }),
        consensus({
          findings: readerA,
          impression: 'Scaphoid waist fracture.',
          method: 'adjudication',
          basedOn: ['op-rad-a'],
          dissent: [{ code: 'fracture', opinionIds: ['op-rad-b'] }],
          outcome: 'overturned',
        }),
      ]);
  });

  it('selects the prior report: its findings become final', () => {
    given(adjudicating)
      .when(adjudicate('rad-c', { selectedOpinionId: 'prior-report' }))
      .then([
        adjudicated('rad-c', { selectedOpinionId: 'prior-report', findings: PRIOR.findings }),
        consensus({
          findings: PRIOR.findings,
          impression: PRIOR.impression,
          method: 'adjudication',
          dissent: [{ code: 'fracture', opinionIds: ['op-rad-a'] }],
          outcome: 'confirmed',
        }),
      ]);
  });

  it('records its own findings', () => {
    const own = [present('fracture'), absent('joint-effusion')];
    given(adjudicating)
      .when(adjudicate('rad-c', { findings: own }))
      .then([
        adjudicated('rad-c', { findings: own }),
        consensus({
          findings: own,
          method: 'adjudication',
          dissent: [
            { code: 'fracture', opinionIds: ['op-rad-b'] },
            { code: 'joint-effusion', opinionIds: ['op-rad-a', 'op-rad-b'] },
          ],
          outcome: 'overturned',
        }),
      ]);
  });

  it('signs for the person an integrator acts for', () => {
    const [decided] = given(adjudicating)
      .when(
        adjudicate(
          'rad-c',
          { selectedOpinionId: 'op-rad-a' },
          integrator({ id: 'rad-c', name: 'Dr Cy Young' }),
        ),
      )
      .events();
    expect(decided).toMatchObject({ data: { signature: signature('Dr Cy Young', 'approval') } });
  });

  it('leaves the case in consensus, the adjudicator counted as done', () => {
    const decided = given(adjudicating)
      .when(adjudicate('rad-c', { selectedOpinionId: 'op-rad-a' }))
      .events();
    const after = caseAfter([...adjudicating, ...decided]);
    expect(after.status).toBe('consensus');
    expect(caseStatusSummary(after).readers).toContainEqual({
      readerId: 'rad-c',
      role: 'adjudicator',
      blinded: false,
      submitted: true,
    });
  });

  describe('is refused', () => {
    it.each([
      {
        why: 'with both a selection and findings',
        decision: { selectedOpinionId: 'op-rad-a', findings: readerA },
        code: 'invalid-adjudication',
      },
      { why: 'with neither a selection nor findings', decision: {}, code: 'invalid-adjudication' },
      {
        why: 'selecting an unknown opinion',
        decision: { selectedOpinionId: 'op-nobody' },
        code: 'not-found',
      },
      {
        why: 'with findings outside the vocabulary',
        decision: { findings: [present('scaphoid-sclerosis')] },
        code: 'unknown-finding-code',
      },
    ])('$why ($code)', ({ decision, code }) => {
      given(adjudicating).when(adjudicate('rad-c', decision)).thenThrows(code);
    });

    it('selecting the prior report when there is none (no-prior-report)', () => {
      const withoutPrior = [
        requested({ readsRequired: 2 }),
        ...hasRead('rad-a', readerA),
        ...hasRead('rad-b', readerB),
        escalated('adjudication', 'reader-discordance'),
        ...reading('rad-c', { role: 'adjudicator', blinded: false }),
      ];
      given(withoutPrior)
        .when(adjudicate('rad-c', { selectedOpinionId: 'prior-report' }))
        .thenThrows('no-prior-report');
    });

    it("selecting an earlier round's opinion (invalid-adjudication)", () => {
      const roundTwo = [
        ...reopenedAfterOneRead(requested({ readsRequired: 1 }), readerA, 'no-prior'),
        ...hasRead('rad-b', readerB, { round: 2 }),
        escalated('adjudication', 'clinical-concern'),
        ...reading('rad-c', { role: 'adjudicator', blinded: false, round: 2 }),
      ];
      given(roundTwo)
        .when(adjudicate('rad-c', { selectedOpinionId: 'op-rad-a' }))
        .thenThrows('invalid-adjudication');
    });

    it.each([
      {
        why: "on a primary's assignment",
        history: adjudicating,
        reader: 'rad-a',
        code: 'not-the-adjudicator',
      },
      {
        why: 'before the read started',
        history: [...escalatedCase, assigned('rad-c', { role: 'adjudicator' })],
        reader: 'rad-c',
        code: 'read-not-started',
      },
      {
        why: 'once unassigned',
        history: [...adjudicating, unassigned('rad-c')],
        reader: 'rad-c',
        code: 'reader-not-assigned',
      },
      {
        why: 'while the case is in review',
        history: escalatedCase.slice(0, -1),
        reader: 'rad-a',
        code: 'invalid-state',
      },
    ])('$why ($code)', ({ history, reader, code }) => {
      given(history)
        .when(adjudicate(reader, { selectedOpinionId: 'op-rad-a' }))
        .thenThrows(code);
    });

    it.each(notTheReader('rad-a'))('to $actor, not the adjudicator (not-your-assignment)', ({ as }) => {
      given(adjudicating)
        .when(adjudicate('rad-c', { selectedOpinionId: 'op-rad-a' }, as))
        .thenThrows('not-your-assignment');
    });
  });
});
