import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import { SECRET_OVERLAP_SECONDS } from '../../../domain/webhook/webhook-endpoint.commands.js';

/** POST /api/v1/webhooks/endpoints/{endpointId}/rotate-secret. */
export class RotateWebhookSecretDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: SECRET_OVERLAP_SECONDS.min,
    maximum: SECRET_OVERLAP_SECONDS.max,
    default: SECRET_OVERLAP_SECONDS.default,
    example: 3600,
    description:
      'How long the previous secret still signs deliveries (beside the new one), in seconds: 0 to 7 days, 24 h by default',
  })
  @ValidateIf((_object: object, value: unknown) => value !== undefined)
  @IsInt()
  @Min(SECRET_OVERLAP_SECONDS.min)
  @Max(SECRET_OVERLAP_SECONDS.max)
  overlapSeconds?: number;
}
