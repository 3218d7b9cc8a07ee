import type { AddendumAppended } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import { assertAccepts } from '../../../domain/case/case.lifecycle.js';
import type { Case } from '../../../domain/case/case.state.js';
import { assertActsAs, requireOpinion, signatureOf } from '../../../domain/case/preconditions.js';

export type AppendAddendum = CaseCommandOf<
  'AppendAddendum',
  { opinionId: string; text: string; reason: string }
>;

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
