import type { AddendumAppended } from '../case.events.js';
import type { AppendAddendum } from '../case.commands.js';
import { assertAccepts } from '../case.lifecycle.js';
import type { Case } from '../case.state.js';
import { assertActsAs, requireOpinion, signatureOf } from './preconditions.js';

/** A signed opinion is never edited; its author adds a signed addendum (any round, any state that accepts it). */
export function appendAddendum(command: AppendAddendum, state: Case): [AddendumAppended] {
  const { data, metadata } = command;
  const opinion = requireOpinion(state, data.opinionId);
  const person = assertActsAs(metadata, opinion.readerId, `Opinion ${opinion.opinionId}`);
  assertAccepts(state, 'AppendAddendum');
  return [
    {
      type: 'AddendumAppended',
      data: {
        opinionId: opinion.opinionId,
        text: data.text,
        reason: data.reason,
        signature: signatureOf(person, 'authorship', metadata),
      },
    },
  ];
}
