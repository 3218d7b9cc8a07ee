import { describe, expect, it } from '@jest/globals';
import { CASE_COMMANDS, type CaseCommand } from '../../../src/application/case/case-commands.registry.js';
import type { Actor, CaseCommandType, CaseEvent, Signature } from '../../../src/domain/index.js';
import {
  PRIOR,
  absent,
  adjudicate,
  appendAddendum,
  escalated,
  given,
  hasRead,
  integrator,
  present,
  radiologist,
  reading,
  requested,
  reviewPriorReport,
  submitOpinion,
} from './case.builders.js';

/** Rounds and escalations where each signing command is accepted, read by rad-a unless said otherwise. */
const twoReads = requested({ readsRequired: 2, priorReport: PRIOR });
const afterOpinion = [twoReads, ...hasRead('rad-a', [present('fracture')])];
const awaitingAdjudication = [
  ...afterOpinion,
  ...hasRead('rad-b', [absent('fracture')]),
  escalated('adjudication', 'reader-discordance'),
];
const adjudicating = [...awaitingAdjudication, ...reading('rad-c', { role: 'adjudicator', blinded: false })];
const panelSits = [
  ...adjudicating,
  escalated('panel', 'quality-review'),
  ...reading('rad-p', { role: 'panelist', blinded: false }),
];

interface SigningCase {
  what: string;
  type: CaseCommandType;
  history: CaseEvent[];
  /** The command, as the person named or as an integrator acting for them. */
  command: (as?: Actor) => CaseCommand;
  /** The reader whose signature it is. */
  signer: string;
}

// Every signing command of the registry, panel votes (SubmitOpinion by a panelist) among them.
const SIGNING: SigningCase[] = [
  {
    what: 'an opinion',
    type: 'SubmitOpinion',
    history: [twoReads, ...reading('rad-a')],
    command: (as) => submitOpinion('rad-a', [present('fracture')], {}, as),
    signer: 'rad-a',
  },
  {
    what: 'a panel vote',
    type: 'SubmitOpinion',
    history: panelSits,
    command: (as) => submitOpinion('rad-p', [present('fracture')], {}, as),
    signer: 'rad-p',
  },
  {
    what: 'a prior-report score',
    type: 'ReviewPriorReport',
    history: afterOpinion,
    command: (as) => reviewPriorReport('rad-a', '2b', undefined, as),
    signer: 'rad-a',
  },
  {
    what: 'an adjudication',
    type: 'SubmitAdjudication',
    history: adjudicating,
    command: (as) => adjudicate('rad-c', { selectedOpinionId: 'op-rad-a' }, as),
    signer: 'rad-c',
  },
  {
    what: 'an addendum',
    type: 'AppendAddendum',
    history: afterOpinion,
    command: (as) => appendAddendum('rad-a', as),
    signer: 'rad-a',
  },
];

/** The signature of the one event of a decision that carries one. */
function signatureIn(events: CaseEvent[]): Signature {
  const signatures = events.flatMap((event) => ('signature' in event.data ? [event.data.signature] : []));
  expect(signatures).toHaveLength(1);
  return signatures[0]!;
}

describe('Signatures (21 CFR 11.50, 11.200)', () => {
  it('the registry names exactly the commands that record a signature, each with its meaning', () => {
    const signing = Object.fromEntries(
      Object.entries(CASE_COMMANDS)
        .filter(([, slice]) => slice.signs !== null)
        .map(([type, slice]) => [type, slice.signs]),
    );
    expect(signing).toEqual({
      SubmitOpinion: 'authorship',
      ReviewPriorReport: 'authorship',
      SubmitAdjudication: 'approval',
      AppendAddendum: 'authorship',
    });
  });

  it.each(SIGNING)(
    '$what ($type) is signed with the meaning the registry gives it, by the reader',
    ({ type, history, command, signer }) => {
      const signature = signatureIn(
        given(history)
          .when(command(radiologist(signer, `Dr ${signer}`)))
          .events(),
      );
      expect(signature).toEqual({
        signerName: `Dr ${signer}`,
        meaning: CASE_COMMANDS[type].signs,
        signedAt: expect.any(String),
      });
    },
  );

  it.each(SIGNING)(
    '$what submitted by an integrator for its reader names the integrator as the agent',
    ({ history, command, signer }) => {
      const named = signatureIn(
        given(history)
          .when(command(integrator({ id: signer, name: `Dr ${signer}` })))
          .events(),
      );
      expect(named).toMatchObject({
        signerName: `Dr ${signer}`,
        agent: { id: 'portal-1', name: 'portal-1' },
      });
      // Naming no one, the integrator acts for the reader of the assignment or opinion.
      const unnamed = signatureIn(given(history).when(command(integrator())).events());
      expect(unnamed).toMatchObject({ signerName: signer, agent: { id: 'portal-1', name: 'portal-1' } });
    },
  );

  it("records the integrator's printed name as the agent's, and no agent for a reader signing itself", () => {
    const { history, command } = SIGNING[0]!;
    const portal: Actor = {
      id: 'ris-1',
      role: 'integrator',
      name: 'RIS Gateway',
      onBehalfOf: { id: 'rad-a' },
    };
    expect(signatureIn(given(history).when(command(portal)).events())).toMatchObject({
      signerName: 'rad-a',
      agent: { id: 'ris-1', name: 'RIS Gateway' },
    });
    expect(
      signatureIn(
        given(history)
          .when(command(radiologist('rad-a')))
          .events(),
      ),
    ).not.toHaveProperty('agent');
  });
});
