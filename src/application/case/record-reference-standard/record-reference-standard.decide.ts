import type { ReferenceStandardSource } from '../../../domain/case/case.values.js';
import type { Finding } from '../../../domain/case/findings.js';
import type { ReferenceStandardRecorded } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import { assertAccepts } from '../../../domain/case/case.lifecycle.js';
import type { CasePolicy } from '../../../domain/case/case.policy.js';
import type { Case } from '../../../domain/case/case.state.js';
import { assertKnownFindings } from '../../../domain/case/findings.js';
import { actingPerson } from '../../../domain/case/preconditions.js';

export type RecordReferenceStandard = CaseCommandOf<
  'RecordReferenceStandard',
  { source: ReferenceStandardSource; findings: Finding[]; note?: string }
>;

/** The truth accuracy is measured against; a later one supersedes, both stay in history. */
export function recordReferenceStandard(
  command: RecordReferenceStandard,
  state: Case,
  policy: CasePolicy,
): [ReferenceStandardRecorded] {
  const { data, metadata } = command;
  assertAccepts(state, 'RecordReferenceStandard');
  assertKnownFindings(data.findings, policy.findingVocabulary, 'The reference standard');
  return [
    {
      type: 'ReferenceStandardRecorded',
      data: {
        source: data.source,
        findings: data.findings,
        recordedBy: actingPerson(metadata, metadata.actor.id).id,
        ...(data.note !== undefined && { note: data.note }),
      },
    },
  ];
}
