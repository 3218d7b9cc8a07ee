import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FUNNEL_MEASURES, FUNNEL_REFERENCES } from '../../../domain/metrics/funnel-plot.js';

/** OpenAPI shapes of GET /api/v1/metrics/funnel (docs/api.md "Funnel plot"; rates to 4 decimals). */

export class FunnelScopeDto {
  @ApiPropertyOptional({ example: '2025-01-01T00:00:00.000Z', description: 'Inclusive instant' })
  from?: string;

  @ApiPropertyOptional({
    example: '2025-04-01T00:00:00.000Z',
    description: 'Exclusive instant: the one after the last included (a date `to` includes its whole day)',
  })
  to?: string;

  @ApiPropertyOptional({ example: 'wrist' }) bodyRegion?: string;
  @ApiPropertyOptional({ example: 'fracture' }) finding?: string;
  @ApiPropertyOptional({ example: '2025-01', description: 'UTC year-month of the request' }) period?: string;
}

export class FunnelPointDto {
  @ApiProperty({ example: 'rad-17' }) readerId!: string;

  @ApiProperty({ example: 48, description: "The denominator: the reader's volume (x of the plot)" })
  n!: number;

  @ApiProperty({ example: 19 }) numerator!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.3958,
    description: 'numerator ÷ n; null when n = 0',
  })
  rate!: number | null;

  @ApiProperty({
    enum: ['above-99.8', 'above-95', 'below-95', 'below-99.8'],
    nullable: true,
    description: "Outside which limit at the reader's own n; null inside both or when not judged",
  })
  outlier!: string | null;

  @ApiProperty({ description: 'Fewer compared reads than minimumN: plotted, never judged' })
  insufficientData!: boolean;

  @ApiProperty({ example: 48, description: 'Opinions compared with either reference: what minimumN counts' })
  comparedReads!: number;

  @ApiProperty({
    example: '/api/v1/metrics/readers/rad-17/cases?measure=major-discordance',
    description: 'The cases behind the numerator (GET /api/v1/metrics/readers/{readerId}/cases), in scope',
  })
  cases!: string;

  @ApiProperty({
    example: '/api/v1/metrics/readers/rad-17',
    description: "The reader's metrics (GET /api/v1/metrics/readers/{readerId}) in the same scope",
  })
  reader!: string;
}

export class FunnelLimitsDto {
  @ApiProperty({ example: 40 }) n!: number;
  @ApiProperty({ example: 0.0424 }) lower95!: number;
  @ApiProperty({ example: 0.2664 }) upper95!: number;
  @ApiProperty({ example: 0 }) lower998!: number;
  @ApiProperty({ example: 0.3309 }) upper998!: number;
}

export class FunnelPlotDto {
  @ApiProperty({ enum: [...FUNNEL_MEASURES] }) measure!: string;

  @ApiProperty({
    enum: [...FUNNEL_REFERENCES],
    description: 'What the measure is computed against; major-discordance: always the consensus',
  })
  reference!: string;

  @ApiProperty({ description: 'The numerator and denominator of the measure, in words' })
  definition!: string;

  @ApiProperty({ type: FunnelScopeDto, description: 'The scope applied, as the read model compared it' })
  scope!: FunnelScopeDto;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.1544,
    description: 'Pooled over every reader in scope: groupNumerator ÷ groupDenominator; null when 0',
  })
  groupRate!: number | null;

  @ApiProperty({ example: 44 }) groupNumerator!: number;
  @ApiProperty({ example: 285 }) groupDenominator!: number;

  @ApiProperty({ example: 30, description: 'Compared reads a reader needs to be judged' })
  minimumN!: number;

  @ApiProperty({ type: [FunnelPointDto], description: 'Every reader in scope, by readerId' })
  points!: FunnelPointDto[];

  @ApiProperty({
    type: [FunnelLimitsDto],
    description:
      'The 95% and 99.8% control limits around groupRate, clamped to [0, 1], at every n from 1 to 20, then ' +
      'geometric steps (≤ 5%) up to max(40, ⌈1.1 · largest n⌉); empty when groupRate is null',
  })
  limits!: FunnelLimitsDto[];
}
