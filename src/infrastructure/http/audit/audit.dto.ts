import {
  ACCESSED_RESOURCES,
  READ_STATUS,
  REFUSED_STATUSES,
} from '../../../projections/access-log/case-data-accessed.event.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AuditTrailItemDto {
  @ApiProperty({ description: 'Ascending global order of the audit trail', example: 1042 })
  position!: number;

  @ApiPropertyOptional({ format: 'uuid' })
  caseId?: string;

  @ApiPropertyOptional({
    description: 'Revision of the event in its case (or flag) stream; absent on access rows',
    example: 7,
  })
  revision?: number;

  @ApiPropertyOptional({
    description:
      'Access rows (CaseDataAccessed) only: the n-th access to the case, or to data across cases; never a revision',
    example: 3,
  })
  accessSequence?: number;

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

  @ApiProperty({
    description: 'The n-th access to the case (or to data across cases), as in its audit trail',
    example: 3,
  })
  accessSequence!: number;

  @ApiProperty({ enum: ACCESSED_RESOURCES })
  resource!: string;

  @ApiProperty({
    description: 'The verified caller, or `anonymous` when no token could be verified (401)',
    example: 'ml-1',
  })
  actorId!: string;

  @ApiPropertyOptional({ description: 'The role that allowed the request', example: 'medico-legal' })
  actorRole?: string;

  @ApiPropertyOptional()
  onBehalfOf?: string;

  @ApiProperty({ example: '10.0.0.7' })
  ip!: string;

  @ApiProperty({ example: 'Mozilla/5.0' })
  userAgent!: string;

  @ApiProperty({ example: '2026-11-20T10:00:00.000Z' })
  accessedAt!: string;

  @ApiProperty({ enum: [READ_STATUS, ...REFUSED_STATUSES], description: '200: read; 401, 403, 404: refused' })
  status!: number;

  @ApiPropertyOptional({
    description: 'The problem code a refused attempt was answered with',
    example: 'not-your-assignment',
  })
  problemCode?: string;

  @ApiPropertyOptional({
    description:
      'History reads: the point asked for, one of {revision}, {asOf}, {asOccurredBy}; absent for the latest',
    example: { revision: 2 },
  })
  point?: Record<string, number | string>;
}

export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogItemDto] })
  items!: AccessLogItemDto[];

  @ApiPropertyOptional({ description: 'Absent on the last page' })
  nextCursor?: string;
}
