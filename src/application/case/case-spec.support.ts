import { expect } from '@jest/globals';
import {
  DomainError,
  type CaseEvent,
  type Finding,
  type Outcome,
  type SecondOpinionRequested,
} from '../../domain/index.js';
import {
  PRIOR,
  closed,
  consensus,
  given,
  hasRead,
  integrator,
  radiologist,
  reopened,
  requested,
} from '../../../test/unit/domain/case.builders.js';
import type { CaseCommand } from './case-commands.registry.js';

/**
 * What the slices' specifications share, so that each imports one module: the given/when/then
 * builders, and the histories and cases that more than one command is specified against. Test
 * code: the build leaves it out (tsconfig.build.json, `*.support.ts`) as it leaves out the specs.
 */
export * from '../../../test/unit/domain/case.builders.js';

/** A request with a prior report (PRIOR), read twice. */
export const twoReads = requested({ readsRequired: 2, priorReport: PRIOR });
/** The same request, named for what blinding cares about: there is a prior report to withhold. */
export const withPrior = twoReads;
/** A request with a prior report, read once. */
export const oneRead = requested({ readsRequired: 1, priorReport: PRIOR });

/**
 * Round one read once by rad-a, agreed by concordance and closed, then reopened: where a round-two
 * command is decided. `outcome` is what those findings make of the request's prior report.
 */
export const reopenedAfterOneRead = (
  request: SecondOpinionRequested,
  findings: Finding[],
  outcome: Outcome,
  read: Parameters<typeof hasRead>[2] = {},
): CaseEvent[] => [
  request,
  ...hasRead('rad-a', findings, read),
  consensus({ findings, method: 'concordance', basedOn: ['op-rad-a'], outcome }),
  closed(outcome),
  reopened(2),
];

/** Actors who are not the assigned reader, nor act for it: refused with `not-your-assignment`. */
export const notTheReader = (otherId: string) => [
  { actor: 'another radiologist', as: radiologist(otherId) },
  { actor: 'an integrator for another person', as: integrator({ id: otherId }) },
];

/** A command that creates something needs the id the application generated: without it, a bug, not a client error. */
export function expectGeneratedIdNeeded(history: readonly CaseEvent[], command: CaseCommand): void {
  const withoutId = { ...command, metadata: { ...command.metadata, newId: undefined } };
  const decide = () => given(history).when(withoutId).events();
  expect(decide).toThrow('newId');
  expect(decide).not.toThrow(DomainError);
}
