import { describe, expect, it } from '@jest/globals';
import { caseViewFor, currentReferenceStandard } from '../../../src/domain/index.js';
import {
  COORDINATOR,
  PRIOR,
  absent,
  addendumAppended,
  appendAddendum,
  caseAfter,
  closed,
  consensus,
  given,
  hasRead,
  integrator,
  present,
  radiologist,
  recordReferenceStandard,
  referenceRecorded,
  reopened,
  requested,
  signature,
  uncertain,
  withdrawn,
} from './case.builders.js';

const twoReads = requested({ readsRequired: 2, priorReport: PRIOR });
const withOpinions = [
  twoReads,
  ...hasRead('rad-a', [present('fracture')]),
  ...hasRead('rad-b', [present('fracture')]),
];
const closedRound = [
  requested({ readsRequired: 1 }),
  ...hasRead('rad-a', [present('fracture')]),
  consensus({
    findings: [present('fracture')],
    method: 'concordance',
    basedOn: ['op-rad-a'],
    outcome: 'no-prior',
  }),
  closed('no-prior'),
];

describe('AppendAddendum', () => {
  it("appends the author's signed addendum", () => {
    given(withOpinions)
      .when(appendAddendum('rad-a'))
      .then([addendumAppended('rad-a')]);
  });

  it.each([
    {
      actor: 'an integrator for the author',
      as: integrator({ id: 'rad-a', name: 'Dr Ada Byron' }),
      signerName: 'Dr Ada Byron',
    },
    { actor: 'an integrator naming no one (the author)', as: integrator(), signerName: 'rad-a' },
  ])('is signed for the author when $actor appends it', ({ as, signerName }) => {
    const [event] = given(withOpinions).when(appendAddendum('rad-a', as)).events();
    expect(event).toMatchObject({ data: { signature: signature(signerName) } });
  });

  it.each([
    { actor: 'another reader on the case', as: radiologist('rad-b') },
    { actor: 'an integrator for another person', as: integrator({ id: 'rad-b' }) },
  ])('is refused to $actor (only the author)', ({ as }) => {
    given(withOpinions).when(appendAddendum('rad-a', as)).thenThrows('not-your-assignment');
  });

  it('is refused for an unknown opinion', () => {
    given(withOpinions)
      .when(appendAddendum('rad-a', radiologist('rad-a'), 'op-nobody'))
      .thenThrows('not-found');
  });

  it('is accepted on an earlier round, after closing and reopening', () => {
    given(closedRound)
      .when(appendAddendum('rad-a'))
      .then([addendumAppended('rad-a')]);
    given([...closedRound, reopened(2)])
      .when(appendAddendum('rad-a'))
      .then([addendumAppended('rad-a')]);
  });

  it('never edits the opinion', () => {
    const state = caseAfter([...withOpinions, addendumAppended('rad-a', 'Also a small effusion.')]);
    expect(state.opinions.get('op-rad-a')?.findings).toEqual([present('fracture')]);
    expect(state.addenda).toEqual([addendumAppended('rad-a', 'Also a small effusion.').data]);
  });
});

describe('RecordReferenceStandard', () => {
  const pathology = [present('fracture'), absent('dislocation')];

  it.each([
    { actor: 'a coordinator', as: COORDINATOR, recordedBy: 'coord-1' },
    { actor: 'an integrator for a person', as: integrator({ id: 'qc-7', name: 'Dr Q' }), recordedBy: 'qc-7' },
    { actor: 'an integrator for itself', as: integrator(), recordedBy: 'portal-1' },
  ])('records who recorded it: $actor', ({ as, recordedBy }) => {
    given(withOpinions)
      .when(recordReferenceStandard('pathology', pathology, as))
      .then([referenceRecorded('pathology', pathology, recordedBy)]);
  });

  it('keeps the note', () => {
    given(withOpinions)
      .when(recordReferenceStandard('follow-up-imaging', pathology, COORDINATOR, 'CT at 2 weeks.'))
      .then([referenceRecorded('follow-up-imaging', pathology, 'coord-1', 'CT at 2 weeks.')]);
  });

  it.each([
    { findings: [present('scaphoid-sclerosis')], code: 'unknown-finding-code' },
    { findings: [present('fracture'), uncertain('fracture')], code: 'duplicate-finding-code' },
  ])('refuses findings outside the vocabulary ($code)', ({ findings, code }) => {
    given(withOpinions).when(recordReferenceStandard('pathology', findings)).thenThrows(code);
  });

  it('is refused on a withdrawn case', () => {
    given([...withOpinions, withdrawn()])
      .when(recordReferenceStandard('pathology', pathology))
      .thenThrows('case-withdrawn');
  });

  it('is superseded by a later one; both stay in history', () => {
    const first = referenceRecorded('follow-up-imaging', [absent('fracture')]);
    const later = referenceRecorded('pathology', pathology);
    const state = caseAfter([...closedRound, first, later]);
    expect(state.referenceStandards).toEqual([first.data, later.data]);
    expect(currentReferenceStandard(state)).toEqual(later.data);
    expect(caseViewFor(state, { id: 'qc-1', roles: ['quality-committee'] })).toMatchObject({
      referenceStandard: later.data,
    });
  });
});
