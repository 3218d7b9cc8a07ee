import type { Finding } from '../../../src/domain/case/findings.js';
import type {
  MetricsCase,
  MetricsOpinion,
  ReaderMetrics,
  Reference,
} from '../../../src/domain/metrics/reader-metrics.js';

/** Builders for reader-metrics facts: each test states only the facts that matter. */

export const present = (code: string): Finding => ({ code, presence: 'present' });
export const absent = (code: string): Finding => ({ code, presence: 'absent' });
export const uncertain = (code: string): Finding => ({ code, presence: 'uncertain' });

let sequence = 0;
const nextId = (prefix: string): string => `${prefix}-${(sequence += 1)}`;

export const opinion = (
  readerId: string,
  findings: Finding[],
  options: Partial<Omit<MetricsOpinion, 'readerId' | 'findings'>> = {},
): MetricsOpinion => ({
  opinionId: options.opinionId ?? nextId(`op-${readerId}`),
  readerId,
  role: options.role ?? 'primary',
  round: options.round ?? 1,
  blinded: options.blinded ?? true,
  findings,
  ...(options.assignedAt !== undefined && { assignedAt: options.assignedAt }),
  ...(options.assignedRecordedAt !== undefined && { assignedRecordedAt: options.assignedRecordedAt }),
  submittedAt: options.submittedAt ?? '2025-01-10T10:00:00.000Z',
  ...(options.submittedRecordedAt !== undefined && { submittedRecordedAt: options.submittedRecordedAt }),
});

export const metricsCase = (data: Partial<MetricsCase> & Pick<MetricsCase, 'opinions'>): MetricsCase => ({
  caseId: data.caseId ?? nextId('case'),
  bodyRegion: data.bodyRegion ?? 'wrist',
  occurredAt: data.occurredAt ?? '2025-01-10T08:00:00.000Z',
  opinions: data.opinions,
  ...(data.consensus && { consensus: data.consensus }),
  ...(data.referenceStandard && { referenceStandard: data.referenceStandard }),
  wentToAdjudication: data.wentToAdjudication ?? [],
  adjudications: data.adjudications ?? [],
  ...(data.priorReport && { priorReport: data.priorReport }),
  priorReportScores: data.priorReportScores ?? [],
});

/** A concordance consensus of round 1 unless told otherwise. */
export const agreed = (findings: Finding[], round = 1): MetricsCase['consensus'] => ({
  round,
  findings,
  method: 'concordance',
  basedOn: [],
});

export const counts = (figures: {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  uncertain: number;
  n: number;
}) => {
  const { tp, fp, fn, tn, uncertain, n } = figures;
  return { tp, fp, fn, tn, uncertain, n };
};

export const overallFor = (metrics: ReaderMetrics, reference: Reference) =>
  metrics.overall.find((figures) => figures.reference === reference)!;

/** One case per opinion, consensus fracture present: `discordant` of them read absent. */
export function readerWithDiscordance(readerId: string, opinions: number, discordant: number): MetricsCase[] {
  return Array.from({ length: opinions }, (_, i) =>
    metricsCase({
      opinions: [opinion(readerId, [i < discordant ? absent('fracture') : present('fracture')])],
      consensus: agreed([present('fracture')]),
    }),
  );
}
