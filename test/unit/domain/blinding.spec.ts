import { describe, expect, it } from '@jest/globals';
import { materialsFor, shownFor } from '../../../src/domain/index.js';
import {
  PRIOR,
  absent,
  assigned,
  caseAfter,
  closed,
  consensus,
  escalated,
  hasRead,
  present,
  reading,
  reopened,
  requested,
} from './case.builders.js';

const study = requested().data.study;
const clinicalQuestion = requested().data.clinicalQuestion;
const disputed = [
  requested({ priorReport: PRIOR }),
  ...hasRead('rad-a', [present('fracture')], { impression: 'Fracture.' }),
  ...hasRead('rad-b', [absent('fracture')], { impression: 'No fracture.' }),
  escalated('adjudication', 'reader-discordance'),
];

describe('materialsFor: exactly what the read showed', () => {
  it('gives a blinded primary the study and the clinical question only', () => {
    const state = caseAfter([requested({ priorReport: PRIOR }), ...reading('rad-a')]);
    expect(materialsFor(state, 'asg-rad-a')).toStrictEqual({ study, clinicalQuestion });
  });

  it('adds the prior report for an unblinded primary', () => {
    const state = caseAfter([requested({ priorReport: PRIOR }), ...reading('rad-a', { blinded: false })]);
    expect(materialsFor(state, 'asg-rad-a')).toStrictEqual({ study, clinicalQuestion, priorReport: PRIOR });
  });

  it("gives an adjudicator the prior report and the round's primary opinions, without reader names", () => {
    const state = caseAfter([
      ...disputed,
      ...reading('rad-c', {
        role: 'adjudicator',
        blinded: false,
        shown: ['images', 'clinical-question', 'prior-report', 'primary-opinions'],
      }),
    ]);
    const materials = materialsFor(state, 'asg-rad-c');
    expect(materials).toStrictEqual({
      study,
      clinicalQuestion,
      priorReport: PRIOR,
      opinions: [
        { opinionId: 'op-rad-a', findings: [present('fracture')], impression: 'Fracture.' },
        { opinionId: 'op-rad-b', findings: [absent('fracture')], impression: 'No fracture.' },
      ],
    });
    expect(JSON.stringify(materials)).not.toMatch(/readerId|assignmentId|signature/);
  });

  it("shows a reopened round's adjudicator only that round's opinions", () => {
    const state = caseAfter([
      requested({ readsRequired: 1 }),
      ...hasRead('rad-a', [present('fracture')]),
      consensus({
        findings: [present('fracture')],
        method: 'concordance',
        basedOn: ['op-rad-a'],
        outcome: 'no-prior',
      }),
      closed('no-prior'),
      reopened(2),
      ...hasRead('rad-b', [absent('fracture')], { round: 2 }),
      escalated('adjudication', 'clinical-concern'),
      ...reading('rad-c', {
        role: 'adjudicator',
        blinded: false,
        round: 2,
        shown: ['images', 'clinical-question', 'primary-opinions'],
      }),
    ]);
    expect(shownFor(state.assignments.get('asg-rad-c')!, state)).toEqual([
      'images',
      'clinical-question',
      'primary-opinions',
    ]);
    expect(materialsFor(state, 'asg-rad-c').opinions?.map((opinion) => opinion.opinionId)).toEqual([
      'op-rad-b',
    ]);
  });

  it('follows what was recorded as shown, not what the reader would be entitled to now', () => {
    // The adjudicator read before any opinion existed: the opinions that came later were not shown.
    const state = caseAfter([
      requested({ priorReport: PRIOR }),
      assigned('rad-a'),
      escalated('adjudication', 'clinical-concern'),
      ...reading('rad-c', {
        role: 'adjudicator',
        blinded: false,
        shown: ['images', 'clinical-question', 'prior-report'],
      }),
      ...hasRead('rad-a', [present('fracture')]).slice(1),
    ]);
    expect(materialsFor(state, 'asg-rad-c')).toStrictEqual({ study, clinicalQuestion, priorReport: PRIOR });
  });

  it.each([
    { why: 'an unknown assignment', id: 'asg-nobody', code: 'not-found' },
    { why: 'a read not started', id: 'asg-rad-z', code: 'read-not-started' },
  ])('is refused for $why', ({ id, code }) => {
    const state = caseAfter([requested(), assigned('rad-z')]);
    expect(() => materialsFor(state, id)).toThrow(expect.objectContaining({ code }) as unknown as Error);
  });
});
