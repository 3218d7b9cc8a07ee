import { describe, expect, it } from '@jest/globals';
import type { CaseEvent, ShownMaterial } from '../../../domain/index.js';
import {
  BLINDED,
  UNBLINDED,
  absent,
  adjudicated,
  assigned,
  caseAfter,
  escalated,
  given,
  hasRead,
  integrator,
  notTheReader,
  oneRead,
  present,
  radiologist,
  reading,
  reopenedAfterOneRead,
  requested,
  started,
  startRead,
  unassigned,
  withdrawn,
  withPrior,
} from '../case-spec.support.js';

const withoutPrior = requested();
const disagreeing = (history0: CaseEvent) => [
  history0,
  ...hasRead('rad-a', [present('fracture')]),
  ...hasRead('rad-b', [absent('fracture')]),
  escalated('adjudication', 'reader-discordance'),
];
// Escalated before any primary opinion, then (panelSits) on to a panel.
const adjudicatorAssigned = [
  withPrior,
  assigned('rad-a'),
  escalated('adjudication', 'clinical-concern'),
  assigned('rad-c', { role: 'adjudicator' }),
];
const panelSits = [...adjudicatorAssigned, escalated('panel', 'quality-review')];
const roundOneClosed = reopenedAfterOneRead(oneRead, [present('fracture')], 'overturned', {
  blinded: false,
  priorReportReview: { score: '1' },
});

describe('StartRead', () => {
  describe('what the engine shows (ReadStarted.shown)', () => {
    it.each<{ read: string; history: CaseEvent[]; reader: string; shown: ShownMaterial[] }>([
      { read: 'a blinded primary', history: [withPrior, assigned('rad-a')], reader: 'rad-a', shown: BLINDED },
      {
        read: 'an unblinded primary, with a prior report',
        history: [withPrior, assigned('rad-a', { blinded: false })],
        reader: 'rad-a',
        shown: UNBLINDED,
      },
      {
        read: 'an unblinded primary, without a prior report',
        history: [withoutPrior, assigned('rad-a', { blinded: false })],
        reader: 'rad-a',
        shown: BLINDED,
      },
      {
        read: 'an adjudicator, with a prior report',
        history: [...disagreeing(withPrior), assigned('rad-c', { role: 'adjudicator' })],
        reader: 'rad-c',
        shown: ['images', 'clinical-question', 'prior-report', 'primary-opinions'],
      },
      {
        read: 'an adjudicator, without a prior report',
        history: [...disagreeing(withoutPrior), assigned('rad-c', { role: 'adjudicator' })],
        reader: 'rad-c',
        shown: ['images', 'clinical-question', 'primary-opinions'],
      },
      {
        read: 'an adjudicator before any primary opinion',
        history: adjudicatorAssigned,
        reader: 'rad-c',
        shown: ['images', 'clinical-question', 'prior-report'],
      },
      {
        read: 'a panelist',
        history: [
          ...disagreeing(withPrior),
          assigned('rad-c', { role: 'adjudicator' }),
          escalated('panel', 'quality-review'),
          assigned('rad-p', { role: 'panelist' }),
        ],
        reader: 'rad-p',
        shown: ['images', 'clinical-question', 'prior-report', 'primary-opinions'],
      },
      {
        // Not reachable through decide today (an adjudication reaches consensus at once); the entitlement is ready.
        read: 'a panelist, after an adjudication',
        history: [
          ...disagreeing(withPrior),
          assigned('rad-c', { role: 'adjudicator' }),
          adjudicated('rad-c', { findings: [present('fracture')] }),
          escalated('panel', 'quality-review'),
          assigned('rad-p', { role: 'panelist' }),
        ],
        reader: 'rad-p',
        shown: ['images', 'clinical-question', 'prior-report', 'primary-opinions', 'adjudication'],
      },
      {
        read: "an unblinded primary of a reopened round (the prior report only, never the earlier round's opinions)",
        history: [...roundOneClosed, assigned('rad-b', { blinded: false, round: 2 })],
        reader: 'rad-b',
        shown: UNBLINDED,
      },
      {
        read: 'a blinded primary of a reopened round',
        history: [...roundOneClosed, assigned('rad-b', { round: 2 })],
        reader: 'rad-b',
        shown: BLINDED,
      },
      {
        read: "an adjudicator of a reopened round, before the round's opinions",
        history: [
          ...roundOneClosed,
          assigned('rad-b', { round: 2 }),
          escalated('adjudication', 'clinical-concern'),
          assigned('rad-c', { role: 'adjudicator', round: 2 }),
        ],
        reader: 'rad-c',
        shown: ['images', 'clinical-question', 'prior-report'],
      },
    ])('$read is shown $shown', ({ history, reader, shown }) => {
      given(history)
        .when(startRead(reader))
        .then([started(reader, shown)]);
    });

    it('ignores what a client might want shown: the command has no say', () => {
      const command = startRead('rad-a');
      const asking = { ...command, data: { ...command.data, shown: ['prior-report'] } };
      given([withPrior, assigned('rad-a')])
        .when(asking)
        .then([started('rad-a', BLINDED)]);
    });
  });

  describe('who starts it', () => {
    const history = [withPrior, assigned('rad-a')];

    it.each([
      { actor: 'the reader', as: radiologist('rad-a') },
      { actor: 'an integrator for the reader', as: integrator({ id: 'rad-a', name: 'Dr A' }) },
      { actor: 'an integrator naming no one (acts for the reader)', as: integrator() },
    ])('is started by $actor', ({ as }) => {
      given(history)
        .when(startRead('rad-a', as))
        .then([started('rad-a')]);
    });

    it.each(notTheReader('rad-b'))('is refused to $actor', ({ as }) => {
      given(history).when(startRead('rad-a', as)).thenThrows('not-your-assignment');
    });
  });

  it.each([
    { why: 'an unknown assignment', history: [withPrior, assigned('rad-b')], code: 'not-found' },
    {
      why: 'an unassigned reader',
      history: [withPrior, assigned('rad-a'), unassigned('rad-a')],
      code: 'reader-not-assigned',
    },
    { why: 'a submitted opinion', history: [withPrior, ...hasRead('rad-a', [])], code: 'already-submitted' },
    { why: 'a withdrawn case', history: [withPrior, assigned('rad-a'), withdrawn()], code: 'case-withdrawn' },
    {
      why: 'a primary once the panel sits',
      history: panelSits,
      code: 'invalid-state',
    },
    {
      why: 'an adjudicator whose assignment the panel ended',
      history: panelSits,
      reader: 'rad-c',
      code: 'reader-not-assigned',
    },
  ])('is refused for $why ($code)', ({ history, reader = 'rad-a', code }) => {
    given(history).when(startRead(reader)).thenThrows(code);
  });

  it('may start again until the opinion is in; each read is recorded with what it showed', () => {
    given([withPrior, ...reading('rad-a')])
      .when(startRead('rad-a'))
      .then([started('rad-a')]);
  });

  it('lets a primary still reading start while the case awaits adjudication', () => {
    const history = [withPrior, assigned('rad-a'), escalated('adjudication', 'clinical-concern')];
    given(history)
      .when(startRead('rad-a'))
      .then([started('rad-a')]);
    expect(caseAfter(history).status).toBe('awaiting-adjudication');
  });
});
