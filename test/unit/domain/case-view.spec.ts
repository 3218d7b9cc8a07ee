import { describe, expect, it } from '@jest/globals';
import { caseStatusSummary, caseViewFor, type Role } from '../../../src/domain/index.js';
import {
  PRIOR,
  PRIOR_AUTHOR,
  absent,
  addendumAppended,
  assigned,
  caseAfter,
  closed,
  consensus,
  discordance,
  escalated,
  hasRead,
  present,
  reading,
  referenceRecorded,
  reopened,
  requested,
  reviewed,
  submitted,
  unassigned,
  withdrawn,
} from './case.builders.js';

// rad-a has submitted; rad-b (blinded) is still reading; rad-u was unassigned.
const history = [
  requested({ readsRequired: 2, priorReport: PRIOR }),
  assigned('rad-u'),
  unassigned('rad-u'),
  ...hasRead('rad-a', [present('fracture')], { impression: 'Scaphoid fracture.' }),
  reviewed('rad-a', '3b'),
  addendumAppended('rad-a'),
  referenceRecorded('follow-up-imaging', [present('fracture')]),
  ...reading('rad-b'),
];
const inReview = caseAfter(history);

describe('caseViewFor', () => {
  describe('a reader whose blinded read is pending', () => {
    const view = caseViewFor(inReview, { id: 'rad-b', roles: ['radiologist'] });
    const json = JSON.stringify(view);

    it('sees the study and the clinical question and its own assignment', () => {
      expect(view).toStrictEqual({
        visibility: 'reading',
        caseId: inReview.caseId,
        status: 'in-review',
        round: 1,
        patientRef: 'patient-42',
        priority: 'routine',
        dueAt: inReview.request.dueAt,
        assignment: inReview.assignments.get('asg-rad-b'),
        materials: { study: inReview.request.study, clinicalQuestion: inReview.request.clinicalQuestion },
      });
    });

    it.each([
      ['the prior report', PRIOR_AUTHOR],
      ["another reader's identity", 'rad-a'],
      ['any opinion', 'Scaphoid fracture.'],
      ['the prior-report score', '3b'],
      ['the reference standard', 'follow-up-imaging'],
      ['addenda', 'On review'],
      ['the requester', 'requester'],
    ])('never sees %s', (_, text) => {
      expect(JSON.stringify(caseViewFor(inReview, { id: 'coord-1', roles: ['coordinator'] }))).toContain(
        text,
      );
      expect(json).not.toContain(text);
    });

    it('stays blinded whatever other role its token carries: blinding follows the person', () => {
      expect(caseViewFor(inReview, { id: 'rad-b', roles: ['radiologist', 'coordinator'] }).visibility).toBe(
        'reading',
      );
    });
  });

  it('shows a pending unblinded read the prior report, but no opinion', () => {
    const state = caseAfter([...history.slice(0, -2), ...reading('rad-b', { blinded: false })]);
    const view = caseViewFor(state, { id: 'rad-b', roles: ['radiologist'] });
    expect(view).toMatchObject({ visibility: 'reading', materials: { priorReport: PRIOR } });
    expect(JSON.stringify(view)).not.toContain('Scaphoid fracture.');
  });

  it("shows a pending adjudicator the round's opinions without reader names, and no discordance", () => {
    const state = caseAfter([
      ...history,
      submitted('rad-b', [absent('fracture')]),
      reviewed('rad-b', '1'),
      discordance({ opinionIds: ['op-rad-a', 'op-rad-b'], findings: [], severity: 'major' }),
      escalated('adjudication', 'reader-discordance'),
      assigned('rad-c', { role: 'adjudicator' }),
    ]);
    const view = caseViewFor(state, { id: 'rad-c', roles: ['radiologist'] });
    expect(view).toMatchObject({
      visibility: 'reading',
      materials: {
        priorReport: PRIOR,
        opinions: [
          { opinionId: 'op-rad-a', findings: [present('fracture')], impression: 'Scaphoid fracture.' },
          { opinionId: 'op-rad-b', findings: [absent('fracture')], impression: 'Impression of rad-b.' },
        ],
      },
    });
    expect(JSON.stringify(view)).not.toMatch(/"readerId":"rad-[ab]"|discordance|signature/i);
  });

  it('shows everything to a reader once it has submitted', () => {
    expect(caseViewFor(inReview, { id: 'rad-a', roles: ['radiologist'] }).visibility).toBe('full');
  });

  it.each<Role>(['integrator', 'coordinator', 'quality-committee', 'medico-legal', 'admin'])(
    'shows everything to the %s role',
    (role) => {
      const view = caseViewFor(inReview, { id: 'someone', roles: [role] });
      expect(view).toMatchObject({
        visibility: 'full',
        priorReport: PRIOR,
        opinions: [{ opinionId: 'op-rad-a', addenda: [addendumAppended('rad-a').data] }],
        referenceStandard: { source: 'follow-up-imaging' },
      });
      if (view.visibility !== 'full') throw new Error('expected the full view');
      expect(view.assignments.map((assignment) => [assignment.readerId, assignment.status])).toEqual([
        ['rad-u', 'unassigned'],
        ['rad-a', 'open'],
        ['rad-b', 'open'],
      ]);
    },
  );

  it('is JSON-ready (no Maps or class instances)', () => {
    const view = caseViewFor(inReview, { id: 'coord-1', roles: ['coordinator'] });
    expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
  });

  it('shows the newest consensus and its outcome, all rounds beneath', () => {
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
      consensus({
        round: 2,
        findings: [absent('fracture')],
        method: 'concordance',
        basedOn: ['op-rad-b'],
        outcome: 'no-prior',
      }),
    ]);
    const view = caseViewFor(state, { id: 'qc-1', roles: ['quality-committee'] });
    expect(view).toMatchObject({
      consensus: { round: 2, findings: [absent('fracture')] },
      outcome: 'no-prior',
    });
    if (view.visibility !== 'full') throw new Error('expected the full view');
    expect(view.rounds.map((round) => round.consensus?.round)).toEqual([1, 2]);
  });

  it.each([
    { reader: 'rad-z', why: 'never assigned' },
    { reader: 'rad-u', why: 'unassigned' },
  ])('refuses a radiologist holding no assignment on the case ($why)', ({ reader }) => {
    expect(() => caseViewFor(inReview, { id: reader, roles: ['radiologist'] })).toThrow(
      expect.objectContaining({ code: 'not-your-assignment' }) as unknown as Error,
    );
  });

  it('keeps a reader who never submitted blinded once the case has reached consensus', () => {
    const state = caseAfter([
      requested({ readsRequired: 2 }),
      ...hasRead('rad-a', [present('fracture')]),
      ...reading('rad-b'),
      escalated('adjudication', 'clinical-concern'),
      ...reading('rad-c', { role: 'adjudicator', blinded: false }),
      consensus({
        findings: [present('fracture')],
        method: 'adjudication',
        basedOn: ['op-rad-a'],
        outcome: 'no-prior',
      }),
    ]);
    const view = caseViewFor(state, { id: 'rad-b', roles: ['radiologist'] });
    expect(view.visibility).toBe('blinded');
    expect(JSON.stringify(view)).not.toContain('op-rad-a');
    expect(view).not.toHaveProperty('consensus');
  });
});

describe('which radiologist may look at a case (radiologist-only token)', () => {
  it.each([
    { reader: 'rad-a', why: 'a submitted, open assignment', visibility: 'full' },
    { reader: 'rad-b', why: 'a read in progress', visibility: 'reading' },
  ])('$reader ($why) sees the $visibility view', ({ reader, visibility }) => {
    expect(caseViewFor(inReview, { id: reader, roles: ['radiologist'] }).visibility).toBe(visibility);
  });

  it('a reader whose unsubmitted read the case ended sees only its blinded view', () => {
    const view = caseViewFor(caseAfter([...history, withdrawn()]), { id: 'rad-b', roles: ['radiologist'] });
    expect(view.visibility).toBe('blinded');
  });
});

describe('caseStatusSummary', () => {
  it("lists the round's readers (not the unassigned) with what they submitted", () => {
    expect(caseStatusSummary(inReview)).toStrictEqual({
      caseId: inReview.caseId,
      status: 'in-review',
      round: 1,
      priority: 'routine',
      dueAt: inReview.request.dueAt,
      readers: [
        { readerId: 'rad-a', role: 'primary', blinded: true, submitted: true },
        { readerId: 'rad-b', role: 'primary', blinded: true, submitted: false },
      ],
    });
  });
});
