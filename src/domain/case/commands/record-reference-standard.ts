import type { ReferenceStandardRecorded } from '../case.events.js';
import type { RecordReferenceStandard } from '../case.commands.js';
import { assertAccepts } from '../case.lifecycle.js';
import type { CasePolicy } from '../case.policy.js';
import type { Case } from '../case.state.js';
import { assertKnownFindings } from '../findings.js';
import { actingPerson } from './preconditions.js';

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
