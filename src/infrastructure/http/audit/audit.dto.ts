import { ACCESSED_RESOURCES } from '../../../projections/access-log/case-data-accessed.event.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AuditTrailItemDto {
  @ApiProperty({ description: 'Ascending global order of the audit trail', example: 1042 })
  position!: number;

  @ApiPropertyOptional({ format: 'uuid' })
  caseId?: string;

  @ApiProperty({ description: 'Revision of the event in its stream', example: 7 })
  revision!: number;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ example: 'OpinionSubmitted' })
  type!: string;

  @ApiProperty({ example: '2026-11-20T10:00:00.000Z' })
  occurredAt!: string;

  @ApiProperty({ example: '2026-11-20T10:00:00.120Z' })
  recordedAt!: string;

  @ApiPropertyOptional({ example: 'rad-17' })
  actorId?: string;

  @ApiPropertyOptional({ example: 'radiologist' })
  actorRole?: string;

  @ApiPropertyOptional({ description: 'The person an integrator acted for' })
  onBehalfOf?: string;

  @ApiPropertyOptional()
  correlationId?: string;

  @ApiPropertyOptional()
  causationId?: string;

  @ApiPropertyOptional({ description: 'Hash-chain link of case events (SHA-256, hex)' })
  hash?: string;

  @ApiProperty({
    example:
      'rad-17 submitted an opinion (blinded read): fracture present; confidence 4/5; signed (authorship) by Dr Reader',
  })
  summary!: string;

  @ApiProperty({ description: 'The event data as stored' })
  data!: Record<string, unknown>;
}

export class AuditTrailPageDto {
  @ApiProperty({ type: [AuditTrailItemDto] })
  items!: AuditTrailItemDto[];

  @ApiPropertyOptional({ description: 'Absent on the last page' })
  nextCursor?: string;
}

export class AccessLogItemDto {
  @ApiProperty({ example: 1043 })
  position!: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Absent for searches across cases' })
  caseId?: string;

  @ApiProperty({ enum: ACCESSED_RESOURCES })
  resource!: string;

  @ApiProperty({ example: 'ml-1' })
  actorId!: string;

  @ApiPropertyOptional({ example: 'medico-legal' })
  actorRole?: string;

  @ApiPropertyOptional()
  onBehalfOf?: string;

  @ApiProperty({ example: '10.0.0.7' })
  ip!: string;

  @ApiProperty({ example: 'Mozilla/5.0' })
  userAgent!: string;

  @ApiProperty({ example: '2026-11-20T10:00:00.000Z' })
  accessedAt!: string;
}

export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogItemDto] })
  items!: AccessLogItemDto[];

  @ApiPropertyOptional({ description: 'Absent on the last page' })
  nextCursor?: string;
}
