import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RequesterDto } from '../../../application/case/request-second-opinion/request-second-opinion.dto.js';
import { CASE_STATUSES, OUTCOMES, PRIORITIES, READER_ROLES } from '../../../domain/case/case.values.js';

/** GET /api/v1/cases: a page of the worklist (src/projections/worklist/worklist.query.ts). */

export class WorklistReaderDto {
  @ApiProperty({ example: 'rad-a' }) readerId!: string;
  @ApiProperty({ enum: READER_ROLES }) role!: string;
  @ApiProperty() blinded!: boolean;
  @ApiProperty() submitted!: boolean;
  @ApiPropertyOptional({ type: 'integer', minimum: 1 }) round?: number;
  @ApiPropertyOptional({
    enum: [true],
    description: 'The assignment ended without a submission; the reader stays blinded on this case',
  })
  ended?: true;
}

export class WorklistItemDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Null only in rows written before the worklist had this column, until it is rebuilt',
  })
  patientRef!: string | null;
  @ApiProperty({ type: String, nullable: true }) studyInstanceUid!: string | null;
  @ApiProperty({ type: String, nullable: true }) bodyRegion!: string | null;
  @ApiPropertyOptional({
    type: RequesterDto,
    description: 'Left out for a blinded viewer, whose case view does not name the requester either',
  })
  requester?: RequesterDto;
  @ApiProperty({ enum: PRIORITIES }) priority!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt!: string | null;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ type: [WorklistReaderDto] }) readers!: WorklistReaderDto[];
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) consensusAt?: string;
  @ApiPropertyOptional({ enum: OUTCOMES }) outcome?: string;
}

export class WorklistPageDto {
  @ApiProperty({ type: [WorklistItemDto] }) items!: WorklistItemDto[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last one' })
  nextCursor?: string;
}
