import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of docs/projections.md "Response shapes" (rates with 95% Wilson intervals, 4 decimals). */

/** `cases` of a figure: for each of its counts, the drill-down listing the units behind it. */
const casesLinks = (counts: string): Parameters<typeof ApiPropertyOptional>[0] => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  example: { n: '/api/v1/metrics/readers/rad-17/cases?measure=compared-pairs&reference=reference-standard' },
  description: `For each count (${counts}): GET it to list the units behind the count, paged`,
});

export class IntervalDto {
  @ApiProperty({ type: Number, nullable: true, example: 0.8889, description: 'null when n = 0' })
  value!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.765 })
  low!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.9516 })
  high!: number | null;
}

export class AccuracyFiguresDto {
  @ApiProperty({
    enum: ['reference-standard', 'consensus', 'adjudicator'],
    description: 'What the pairs were compared against (adjudicator: the decision of the read’s round)',
  })
  reference!: string;

  @ApiProperty({ example: 40 }) tp!: number;
  @ApiProperty({ example: 3 }) fp!: number;
  @ApiProperty({ example: 5 }) fn!: number;
  @ApiProperty({ example: 160 }) tn!: number;

  @ApiProperty({ example: 4, description: 'Pairs where either side said uncertain; not in n' })
  uncertain!: number;

  @ApiProperty({ example: 208, description: 'tp + fp + fn + tn' })
  n!: number;

  @ApiProperty({ type: IntervalDto, description: '(TP+TN)/n' })
  agreement!: IntervalDto;

  @ApiProperty({ type: IntervalDto, description: 'TP/(TP+FN)' })
  sensitivity!: IntervalDto;

  @ApiProperty({ type: IntervalDto, description: 'TN/(TN+FP)' })
  specificity!: IntervalDto;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.8847,
    description: "Cohen's kappa; null when pₑ = 1",
  })
  kappa!: number | null;

  @ApiPropertyOptional(casesLinks('tp, fp, fn, tn, uncertain, n'))
  cases?: Record<string, string>;
}

export class FindingFiguresDto extends AccuracyFiguresDto {
  @ApiProperty({ example: 'fracture' })
  code!: string;
}

export class BodyRegionFiguresDto extends AccuracyFiguresDto {
  @ApiProperty({ example: 'wrist' })
  bodyRegion!: string;
}

export class PeriodFiguresDto extends AccuracyFiguresDto {
  @ApiProperty({ example: '2026-11', description: 'UTC year-month of the request' })
  period!: string;
}

export class DiscordanceRateDto extends IntervalDto {
  @ApiProperty() discordant!: number;
  @ApiProperty() n!: number;
  @ApiProperty({ enum: ['consensus'], description: 'Compared against the consensus' }) reference!: string;
  @ApiPropertyOptional(casesLinks('discordant, n')) cases?: Record<string, string>;
}

export class AdjudicationRateDto extends IntervalDto {
  @ApiProperty() adjudicated!: number;
  @ApiProperty() n!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    enum: [null],
    description: 'null: escalations over decided reads, compared with no reference',
  })
  reference!: null;

  @ApiPropertyOptional(casesLinks('adjudicated, n')) cases?: Record<string, string>;
}

export class AdjudicatorAgreementRateDto extends IntervalDto {
  @ApiProperty() agreed!: number;
  @ApiProperty() n!: number;
  @ApiProperty({ enum: ['adjudicator'] }) reference!: string;

  @ApiProperty({
    enum: ['all', 'significant'],
    description:
      'all: equal on every code both assessed; significant: on every significant code both assessed',
  })
  codes!: string;

  @ApiPropertyOptional(casesLinks('agreed, n')) cases?: Record<string, string>;
}

export class ReaderDisagreementIndexDto extends IntervalDto {
  @ApiProperty() disagreed!: number;
  @ApiProperty() n!: number;
  @ApiProperty({ example: 100, description: 'value, low and high are per 100 cases' }) scale!: number;
  @ApiProperty({ enum: ['adjudicator'] }) reference!: string;
  @ApiPropertyOptional(casesLinks('disagreed, n')) cases?: Record<string, string>;
}

export class TurnaroundDto {
  @ApiProperty({ example: 'seconds' }) unit!: string;
  @ApiProperty() n!: number;

  @ApiProperty({ description: 'Spans left out: no assignment time, negative, or backfilled' })
  excluded!: number;

  @ApiProperty({
    description:
      'Of excluded: spans with an end recorded more than importedHistoryThresholdHours after it occurred (imported history)',
  })
  backfilled!: number;

  @ApiProperty({ type: IntervalDto }) median!: IntervalDto;
  @ApiProperty({ type: IntervalDto }) p90!: IntervalDto;
  @ApiPropertyOptional(casesLinks('n, excluded, backfilled')) cases?: Record<string, string>;
}

export class DecisionMatchRateDto extends IntervalDto {
  @ApiProperty() matched!: number;
  @ApiProperty() n!: number;
  @ApiProperty({ enum: ['reference-standard'] }) reference!: string;
  @ApiProperty({ enum: ['all', 'significant'] }) codes!: string;
  @ApiPropertyOptional(casesLinks('matched, n')) cases?: Record<string, string>;
}

export class DecidingReferenceStandardDto {
  @ApiProperty({ type: AccuracyFiguresDto }) overall!: AccuracyFiguresDto;
  @ApiProperty({ type: AccuracyFiguresDto, description: 'Significant codes only' })
  significant!: AccuracyFiguresDto;
  @ApiProperty({ type: () => [FindingFiguresDto] }) byFinding!: FindingFiguresDto[];

  @ApiProperty({
    type: DecisionMatchRateDto,
    description: 'Decisions equal to the reference standard on every code both assessed',
  })
  matched!: DecisionMatchRateDto;

  @ApiProperty({
    type: DecisionMatchRateDto,
    description: 'Decisions equal to the reference standard on every significant code both assessed',
  })
  matchedOnSignificantCodes!: DecisionMatchRateDto;
}

export class DecidingRoleFiguresDto {
  @ApiProperty({ enum: ['adjudicator', 'panelist'] }) role!: string;

  @ApiProperty({ example: 229, description: 'Adjudications decided, or votes cast as panelist' })
  decisions!: number;

  @ApiProperty({ type: TurnaroundDto, description: 'From assignment to the decision or vote' })
  turnaround!: TurnaroundDto;

  @ApiProperty({ type: DecidingReferenceStandardDto })
  referenceStandard!: DecidingReferenceStandardDto;

  @ApiPropertyOptional(casesLinks('decisions')) cases?: Record<string, string>;
}

export class AdjudicatorAgreementDto {
  @ApiProperty({ enum: ['adjudicator'] }) reference!: string;

  @ApiProperty({ type: AdjudicatorAgreementRateDto, description: 'Agreement on the significant codes' })
  significantCodes!: AdjudicatorAgreementRateDto;

  @ApiProperty({ type: AccuracyFiguresDto }) overall!: AccuracyFiguresDto;
  @ApiProperty({ type: AccuracyFiguresDto, description: 'Significant codes only' })
  significant!: AccuracyFiguresDto;
  @ApiProperty({ type: () => [FindingFiguresDto] }) byFinding!: FindingFiguresDto[];
}

export class LimitsDto {
  @ApiProperty() low!: number;
  @ApiProperty() high!: number;
}

export class FunnelDto {
  @ApiProperty({ example: 'major-discordance-rate' }) metric!: string;
  @ApiProperty({ enum: ['consensus'] }) reference!: string;
  @ApiProperty({ type: Number, nullable: true }) value!: number | null;
  @ApiProperty() n!: number;
  @ApiProperty({ type: Number, nullable: true }) groupMean!: number | null;
  @ApiProperty() groupN!: number;
  @ApiProperty({ type: LimitsDto, nullable: true }) limits95!: LimitsDto | null;
  @ApiProperty({ type: LimitsDto, nullable: true }) limits998!: LimitsDto | null;

  @ApiProperty({ enum: ['above-99.8', 'above-95', 'below-95', 'below-99.8'], nullable: true })
  outlier!: string | null;

  @ApiPropertyOptional(casesLinks('n')) cases?: Record<string, string>;
}

export class ReaderMetricsDto {
  @ApiProperty({ example: 'rad-17' })
  readerId!: string;

  @ApiProperty({ example: 212, description: 'Opinions submitted' })
  reads!: number;

  @ApiProperty({ example: 208, description: 'Opinions with at least one finding compared with a reference' })
  comparedReads!: number;

  @ApiProperty({ description: 'Fewer than 30 compared reads: not ranked, never marked an outlier' })
  insufficientData!: boolean;

  @ApiProperty({ type: [AccuracyFiguresDto], description: 'One entry per reference' })
  overall!: AccuracyFiguresDto[];

  @ApiProperty({ type: [FindingFiguresDto] })
  byFinding!: FindingFiguresDto[];

  @ApiProperty({ type: [BodyRegionFiguresDto] })
  byBodyRegion!: BodyRegionFiguresDto[];

  @ApiProperty({ type: [PeriodFiguresDto] })
  byPeriod!: PeriodFiguresDto[];

  @ApiProperty({ type: DiscordanceRateDto })
  majorDiscordanceRate!: DiscordanceRateDto;

  @ApiProperty({ type: AdjudicationRateDto })
  adjudicationRate!: AdjudicationRateDto;

  @ApiProperty({ type: AdjudicatorAgreementRateDto })
  adjudicatorAgreementRate!: AdjudicatorAgreementRateDto;

  @ApiProperty({ type: ReaderDisagreementIndexDto })
  readerDisagreementIndex!: ReaderDisagreementIndexDto;

  @ApiProperty({ type: TurnaroundDto })
  turnaround!: TurnaroundDto;

  @ApiProperty({
    description: 'RADPEER scores given, and received as a prior-report author (by institution too)',
  })
  radpeer!: Record<string, unknown>;

  @ApiProperty({ type: FunnelDto })
  funnel!: FunnelDto;

  @ApiPropertyOptional({ description: 'Opinions from unblinded reads, reported apart from accuracy' })
  unblinded?: Record<string, unknown>;

  @ApiProperty({ type: [AccuracyFiguresDto], description: '`overall` on the significant codes only' })
  significant!: AccuracyFiguresDto[];

  @ApiProperty({
    type: AdjudicatorAgreementDto,
    description: "The reader's primary opinions against the adjudication of their round, per finding",
  })
  adjudicatorAgreement!: AdjudicatorAgreementDto;

  @ApiProperty({ type: DecidingRoleFiguresDto, description: "The reader's adjudications" })
  asAdjudicator!: DecidingRoleFiguresDto;

  @ApiProperty({ type: DecidingRoleFiguresDto, description: "The reader's votes as panelist" })
  asPanelist!: DecidingRoleFiguresDto;

  @ApiPropertyOptional(casesLinks('reads, comparedReads')) cases?: Record<string, string>;
}

export class PriorReportAuthorDto {
  @ApiProperty({ example: 'rad-ext-9' })
  author!: string;

  @ApiProperty({ description: 'RADPEER scores the prior reports received ({received}), by institution too' })
  radpeer!: Record<string, unknown>;
}

export class ReaderMetricsListDto {
  @ApiProperty({ type: [ReaderMetricsDto], description: 'Readers with an opinion or adjudication in scope' })
  items!: ReaderMetricsDto[];

  @ApiProperty({
    type: [PriorReportAuthorDto],
    description: 'Authors of prior reports scored in scope: scored, not readers of this engine',
  })
  priorReportAuthors!: PriorReportAuthorDto[];
}

export class ReaderCaseDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: '2025-01-03T09:00:00.000Z', description: 'occurredAt of the request' })
  requestedAt!: string;
  @ApiProperty({ example: 'chest' }) bodyRegion!: string;
  @ApiPropertyOptional({ example: 1 }) round?: number;
  @ApiPropertyOptional({ format: 'uuid' }) opinionId?: string;
  @ApiPropertyOptional({ example: 'pneumothorax', description: 'The finding code of a pair' }) code?: string;
  @ApiPropertyOptional({ example: '3b' }) score?: string;

  @ApiPropertyOptional({
    description: 'When the counted fact occurred: opinion submitted, adjudication decided',
  })
  occurredAt?: string;
}

export class ReaderCasesDto {
  @ApiProperty({ example: 'bc4' }) readerId!: string;

  @ApiProperty({
    description: 'The count listed: its measure, its pool and its scope, as the query named them',
    example: { measure: 'false-negative', reference: 'reference-standard', finding: 'pneumothorax' },
  })
  count!: Record<string, unknown>;

  @ApiProperty({ description: 'Every unit behind the count: equal to the count in the metrics' })
  total!: number;
  @ApiProperty({ type: [ReaderCaseDto] }) items!: ReaderCaseDto[];
  @ApiPropertyOptional({ description: 'Absent on the last page' }) nextCursor?: string;
}
