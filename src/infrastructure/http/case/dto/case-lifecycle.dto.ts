import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import {
  ESCALATION_LEVELS,
  ESCALATION_REASONS,
  REFERENCE_STANDARD_SOURCES,
} from '../../../../domain/case/case.values.js';
import type {
  EscalationLevel,
  EscalationReason,
  ReferenceStandardSource,
} from '../../../../domain/case/case.values.js';
import { IsSafeText, Optional, SHORT_TEXT_MAX } from '../../validation/text.validators.js';
import { CommandBodyDto, FindingDto, FindingsProperty } from './common.dto.js';

export class EscalateCaseDto extends CommandBodyDto {
  @ApiProperty({ enum: ESCALATION_LEVELS, example: 'adjudication' })
  @IsIn(ESCALATION_LEVELS)
  level!: EscalationLevel;

  @ApiProperty({ enum: ESCALATION_REASONS, example: 'requester-appeal' })
  @IsIn(ESCALATION_REASONS)
  reason!: EscalationReason;
}

export class CloseCaseDto extends CommandBodyDto {
  @ApiPropertyOptional({ example: 'Reported to the requester by phone.' })
  @Optional()
  @IsSafeText(SHORT_TEXT_MAX)
  note?: string;
}

export class ReasonDto extends CommandBodyDto {
  @ApiProperty({ example: 'New clinical information' })
  @IsSafeText(SHORT_TEXT_MAX)
  reason!: string;
}

export class RecordReferenceStandardDto extends CommandBodyDto {
  @ApiProperty({ enum: REFERENCE_STANDARD_SOURCES, example: 'follow-up-imaging' })
  @IsIn(REFERENCE_STANDARD_SOURCES)
  source!: ReferenceStandardSource;

  @FindingsProperty('The truth accuracy is measured against')
  findings!: FindingDto[];

  @ApiPropertyOptional({ example: 'CT at 10 days confirmed the fracture.' })
  @Optional()
  @IsSafeText(SHORT_TEXT_MAX)
  note?: string;
}
