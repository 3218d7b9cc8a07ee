import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of projections.md "Response shapes" (rates with 95% Wilson intervals, 4 decimals). */

export class IntervalDto {
  @ApiProperty({ type: Number, nullable: true, example: 0.8889, description: 'null when n = 0' })
  value!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.765 })
  low!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.9516 })
  high!: number | null;
}

export class AccuracyFiguresDto {
  @ApiProperty({ enum: ['reference-standard', 'consensus'] })
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
}

export class AdjudicationRateDto extends IntervalDto {
  @ApiProperty() adjudicated!: number;
  @ApiProperty() n!: number;
}

export class AdjudicatorAgreementRateDto extends IntervalDto {
  @ApiProperty() agreed!: number;
  @ApiProperty() n!: number;
}

export class ReaderDisagreementIndexDto extends IntervalDto {
  @ApiProperty() disagreed!: number;
  @ApiProperty() n!: number;
  @ApiProperty({ example: 100, description: 'value, low and high are per 100 cases' }) scale!: number;
}

export class TurnaroundDto {
  @ApiProperty({ example: 'seconds' }) unit!: string;
  @ApiProperty() n!: number;
  @ApiProperty({ description: 'Opinions without a usable assignment time' }) excluded!: number;
  @ApiProperty({ type: IntervalDto }) median!: IntervalDto;
  @ApiProperty({ type: IntervalDto }) p90!: IntervalDto;
}

export class LimitsDto {
  @ApiProperty() low!: number;
  @ApiProperty() high!: number;
}

export class FunnelDto {
  @ApiProperty({ example: 'major-discordance-rate' }) metric!: string;
  @ApiProperty({ type: Number, nullable: true }) value!: number | null;
  @ApiProperty() n!: number;
  @ApiProperty({ type: Number, nullable: true }) groupMean!: number | null;
  @ApiProperty() groupN!: number;
  @ApiProperty({ type: LimitsDto, nullable: true }) limits95!: LimitsDto | null;
  @ApiProperty({ type: LimitsDto, nullable: true }) limits998!: LimitsDto | null;

  @ApiProperty({ enum: ['above-99.8', 'above-95', 'below-95', 'below-99.8'], nullable: true })
  outlier!: string | null;
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
}

export class ReaderMetricsListDto {
  @ApiProperty({ type: [ReaderMetricsDto] })
  items!: ReaderMetricsDto[];
}
