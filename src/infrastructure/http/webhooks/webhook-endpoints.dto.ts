import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WEBHOOK_DISABLE_REASONS } from '../../../domain/webhook/webhook-endpoint.events.js';
import { EVENT_TYPE_NAMES } from '../../../application/webhook/webhook-endpoint.dto.js';

export class PreviousSecretDto {
  @ApiProperty({ format: 'uuid' }) secretId!: string;
  @ApiProperty({
    format: 'date-time',
    description: 'Until then deliveries are signed with this secret too, beside the current one',
  })
  validUntil!: string;
}

export class DisabledDto {
  @ApiProperty({ enum: WEBHOOK_DISABLE_REASONS }) reason!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({ format: 'date-time' }) failingSince?: string;
  @ApiPropertyOptional() lastError?: string;
}

/** A webhook endpoint as the API shows it: never its secret, only the secret's id and fingerprint. */
export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty({ format: 'uri', example: 'https://ris.example.org/hooks/second-opinion' }) url!: string;
  @ApiProperty({ type: [String], enum: EVENT_TYPE_NAMES, example: ['ConsensusReached'] })
  eventTypes!: string[];
  @ApiPropertyOptional({ format: 'uuid' }) caseId?: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ enum: ['enabled', 'disabled', 'removed'] }) status!: string;
  @ApiProperty({ example: 'ris-1', description: 'The subject of the token that registered it' })
  owner!: string;
  @ApiProperty({ format: 'uuid', description: 'The current signing secret' }) secretId!: string;
  @ApiProperty({
    example: 'sha256:3f0c9a1b2d4e5f60',
    description: 'Tells which secret is meant; not a secret',
  })
  secretFingerprint!: string;
  @ApiPropertyOptional({ type: PreviousSecretDto }) previousSecret?: PreviousSecretDto;
  @ApiPropertyOptional({ type: DisabledDto, description: 'In the list, while disabled' })
  disabled?: DisabledDto;
  @ApiProperty({ type: 'integer', description: 'Revision of the endpoint’s stream (the ETag)' })
  revision!: number;
  @ApiPropertyOptional({ format: 'date-time', description: 'In the list' }) createdAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'In the list' }) updatedAt?: string;
}

/** The answer that carries a secret: registration and rotation, and never again. */
export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The signing secret (Standard Webhooks). Shown in this answer only: store it now. Verify deliveries with it.',
  })
  secret!: string;
}

export class WebhookEndpointListDto {
  @ApiProperty({ type: [WebhookEndpointDto] }) items!: WebhookEndpointDto[];
}
