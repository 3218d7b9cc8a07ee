import { ApiProperty } from '@nestjs/swagger';
import {
  FUNNEL_MEASURES,
  FUNNEL_REFERENCES,
  type FunnelMeasure,
  type FunnelReference,
} from '../../../domain/metrics/funnel-plot.js';
import { OneOfParameter } from '../validation/query.validators.js';
import { ReaderMetricsQueryDto } from './reader-metrics-query.dto.js';

/**
 * `GET /api/v1/metrics/funnel`: the measure to plot, the reference it is computed against, and the
 * scope of the reader metrics (from, to, bodyRegion, finding, period).
 */
export class FunnelPlotQueryDto extends ReaderMetricsQueryDto {
  // Required: checked by the controller, since every query parameter of a DTO is optional.
  @ApiProperty({ required: true, enum: [...FUNNEL_MEASURES] })
  @OneOfParameter(FUNNEL_MEASURES, { description: 'The measure to plot (required)' })
  measure?: FunnelMeasure;

  @OneOfParameter(FUNNEL_REFERENCES, {
    description:
      'Required with sensitivity and specificity; major-discordance is always against the consensus ' +
      '(reference=consensus or none)',
  })
  reference?: FunnelReference;
}
