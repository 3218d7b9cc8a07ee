import type { PriorReport } from './case.events.js';
import type { Outcome } from './case.values.js';
import { disagree, findingFor, isSignificant, type Finding, type FindingVocabulary } from './findings.js';

/** Final findings against the prior report, on the codes both assessed. */
export function outcomeOf(
  finalFindings: readonly Finding[],
  priorReport: PriorReport | undefined,
  vocabulary: FindingVocabulary,
): Outcome {
  if (!priorReport) return 'no-prior';
  const changed = finalFindings.filter((finding) => {
    const prior = findingFor(priorReport.findings, finding.code);
    return prior !== undefined && disagree(finding.presence, prior.presence);
  });
  if (changed.length === 0) return 'confirmed';
  return changed.some((finding) => isSignificant(vocabulary, finding.code)) ? 'overturned' : 'amended';
}
