import { caseError } from './case.errors.js';
import type { Laterality, Presence, Severity } from './case.values.js';

/** One observation. A code an opinion does not list is "not assessed", never "absent". */
export interface Finding {
  readonly code: string;
  readonly presence: Presence;
  readonly location?: string;
  readonly laterality?: Laterality;
}

/** An entry of the configured vocabulary. */
export interface FindingDefinition {
  readonly code: string;
  /** A disagreement on a significant code is major: it escalates and overturns. */
  readonly significant: boolean;
}

export type FindingVocabulary = readonly FindingDefinition[];

/** Findings and where they come from: an opinionId, or `prior-report`. */
export interface SourcedFindings {
  readonly source: string;
  readonly findings: readonly Finding[];
}

/** One source's value for a disagreeing code, as recorded in `DiscordanceDetected`. */
export interface FindingValue {
  readonly opinionId: string;
  readonly presence: Presence;
}

export interface FindingDisagreement {
  readonly code: string;
  readonly values: FindingValue[];
  readonly severity: Severity;
}

export const findingDefinition = (
  vocabulary: FindingVocabulary,
  code: string,
): FindingDefinition | undefined => vocabulary.find((definition) => definition.code === code);

export const isSignificant = (vocabulary: FindingVocabulary, code: string): boolean =>
  findingDefinition(vocabulary, code)?.significant ?? false;

export const severityOf = (vocabulary: FindingVocabulary, code: string): Severity =>
  isSignificant(vocabulary, code) ? 'major' : 'minor';

export const findingFor = (findings: readonly Finding[], code: string): Finding | undefined =>
  findings.find((finding) => finding.code === code);

/** Present against absent. `uncertain` against a definite value is not a disagreement. */
export const disagree = (left: Presence, right: Presence): boolean =>
  (left === 'present' && right === 'absent') || (left === 'absent' && right === 'present');

/** Rejects what a vocabulary-bound record must not hold: unknown and repeated codes. */
export function assertKnownFindings(
  findings: readonly Finding[],
  vocabulary: FindingVocabulary,
  whose: string,
): void {
  const seen = new Set<string>();
  for (const { code } of findings) {
    if (!findingDefinition(vocabulary, code)) {
      throw caseError(
        'unknown-finding-code',
        `${whose} lists the finding code "${code}", which is not in the vocabulary; use one of: ${vocabulary
          .map((definition) => definition.code)
          .join(', ')}.`,
        { code },
      );
    }
    if (seen.has(code)) {
      throw caseError(
        'duplicate-finding-code',
        `${whose} lists the finding code "${code}" more than once; give each code once.`,
        { code },
      );
    }
    seen.add(code);
  }
}

/** Codes assessed by any of `sources`, in order of first appearance, so that a replay decides the same. */
export function assessedCodes(sources: readonly SourcedFindings[]): string[] {
  return [...new Set(sources.flatMap((source) => source.findings.map((finding) => finding.code)))];
}

/** Every code on which `left` and `right` disagree, each with both values and its severity. */
export function disagreements(
  left: SourcedFindings,
  right: SourcedFindings,
  vocabulary: FindingVocabulary,
): FindingDisagreement[] {
  return left.findings.flatMap(({ code, presence }) => {
    const other = findingFor(right.findings, code);
    if (!other || !disagree(presence, other.presence)) return [];
    return [
      {
        code,
        values: [
          { opinionId: left.source, presence },
          { opinionId: right.source, presence: other.presence },
        ],
        severity: severityOf(vocabulary, code),
      },
    ];
  });
}

/** The case-level severity: major as soon as one disagreeing code is. */
export const overallSeverity = (found: readonly FindingDisagreement[]): Severity =>
  found.some((disagreement) => disagreement.severity === 'major') ? 'major' : 'minor';
