import { PATIENT_REF_PATTERN } from '../../../domain/kernel/identifiers.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsString, Matches } from 'class-validator';
import { MODALITIES, PRIORITIES, READS_REQUIRED, REQUESTER_KINDS } from '../../../domain/case/case.values.js';
import type { Modality, Priority, RequesterKind } from '../../../domain/case/case.values.js';
import {
  IsNotFuture,
  IsSafeText,
  LONG_TEXT_MAX,
  Optional,
} from '../../../infrastructure/http/validation/text.validators.js';
import {
  ActorIdProperty,
  CommandBodyDto,
  FindingDto,
  FindingsProperty,
  IsUuid,
  NestedObject,
  TextProperty,
} from '../../../infrastructure/http/case/dto/common.dto.js';
import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class StudyDto {
  @ApiProperty({
    example: '1.2.840.113619.2.55.3.604688119.969.1268071029.320',
    description: 'DICOM Study Instance UID',
  })
  @IsString()
  @Matches(/^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/, { message: 'studyInstanceUid must be a DICOM UID' })
  @IsSafeText(64)
  studyInstanceUid!: string;

  @ApiPropertyOptional({ example: 'ACC-2026-0042' })
  @Optional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, {
    message: 'accessionNumber must be 1-64 characters of A-Z a-z 0-9 . _ -',
  })
  accessionNumber?: string;

  @ApiProperty({ enum: MODALITIES, example: 'DX' })
  @IsIn(MODALITIES)
  modality!: Modality;

  @ApiProperty({ example: 'wrist', description: 'A lower-case code of the configured body-region list' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'bodyRegion must be a lower-case code' })
  bodyRegion!: string;

  @ApiProperty({ example: '2026-11-18', description: 'ISO 8601 date (or date-time) of the study' })
  @IsISO8601({ strict: true })
  @IsNotFuture(24 * 3_600_000)
  studyDate!: string;
}

export class RequesterDto {
  @ApiProperty({ enum: REQUESTER_KINDS, example: 'patient' })
  @IsIn(REQUESTER_KINDS)
  kind!: RequesterKind;

  @ActorIdProperty('Pseudonymous id of the requester', 'req-77')
  id!: string;

  @TextProperty({ max: 200, optional: true, example: 'St. Elsewhere Hospital' })
  organisation?: string;
}

export class PriorReportDto {
  @ActorIdProperty('Id of the radiologist who wrote the prior report', 'rad-ext-9')
  author!: string;

  @TextProperty({ max: 200, optional: true, example: 'St. Elsewhere Hospital' })
  institution?: string;

  @ApiPropertyOptional({ example: '2026-11-18T14:02:00Z' })
  @Optional()
  @IsISO8601({ strict: true })
  @IsNotFuture()
  reportedAt?: string;

  @FindingsProperty('Findings of the prior report')
  findings!: FindingDto[];

  @TextProperty({ max: LONG_TEXT_MAX, optional: true, example: 'No acute fracture.' })
  impression?: string;
}

export class RequestSecondOpinionDto extends CommandBodyDto {
  // CommandBodyDto's field (its validation applies), described with the due time it decides here.
  @ApiPropertyOptional({
    description:
      'When the request was made (imported history). Integrators only; never in the future. Default: server time. ' +
      'dueAt = occurredAt + the SLA of the priority (slaHours), counted from occurredAt, not from when it was sent. ' +
      "Exception: when occurredAt lies more than importedHistoryThresholdHours (case policy, default 1 hour) before the server's time, " +
      'the request is imported history: dueAt is null and no SLA applies (never overdue, no SlaBreached).',
    example: '2026-11-20T09:30:00Z',
  })
  override occurredAt?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Client-chosen case id (idempotent integration); generated when absent',
  })
  @Optional()
  @IsUuid()
  caseId?: string;

  @ApiProperty({ example: 'pt-3f9a', description: 'Pseudonymous patient reference (never a name or MRN)' })
  @IsString()
  @Matches(PATIENT_REF_PATTERN, { message: `patientRef must match ${PATIENT_REF_PATTERN.source}` })
  patientRef!: string;

  @NestedObject(StudyDto)
  study!: StudyDto;

  @TextProperty({ example: 'Scaphoid fracture? Persistent pain after a fall.' })
  clinicalQuestion!: string;

  @NestedObject(RequesterDto)
  requester!: RequesterDto;

  @ApiProperty({ enum: PRIORITIES, example: 'routine' })
  @IsIn(PRIORITIES)
  priority!: Priority;

  @ApiPropertyOptional({
    enum: READS_REQUIRED,
    example: 2,
    description: 'Independent reads (1, or 2 for 2+1); default from configuration',
  })
  @Optional()
  @IsIn(READS_REQUIRED)
  readsRequired?: 1 | 2;

  @NestedObject(PriorReportDto, { optional: true })
  priorReport?: PriorReportDto;
}

export class CaseCreatedDto extends RevisionResponseDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
}
