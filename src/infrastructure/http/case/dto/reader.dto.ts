import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { RADPEER_SCORES, READER_ROLES } from '../../../../domain/case/case.values.js';
import type { RadpeerScore, ReaderRole } from '../../../../domain/case/case.values.js';
import { IsSafeText, LONG_TEXT_MAX, Optional, SHORT_TEXT_MAX } from '../../validation/text.validators.js';
import {
  ActorIdProperty,
  CommandBodyDto,
  FindingDto,
  FindingsProperty,
  RadpeerReviewDto,
} from './common.dto.js';

export class AssignReaderDto extends CommandBodyDto {
  @ActorIdProperty('The radiologist to assign', 'rad-17')
  readerId!: string;

  @ApiProperty({ enum: READER_ROLES, example: 'primary' })
  @IsIn(READER_ROLES)
  role!: ReaderRole;

  @ApiPropertyOptional({
    example: true,
    description: 'Primaries default to blinded; adjudicators and panelists are never blinded',
  })
  @Optional()
  @IsBoolean()
  blinded?: boolean;
}

export class UnassignReaderDto extends CommandBodyDto {
  @ApiProperty({ example: 'Reader on leave' })
  @IsSafeText(SHORT_TEXT_MAX)
  reason!: string;
}

export class StartReadDto extends CommandBodyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  assignmentId!: string;
}

export class SubmitOpinionDto extends CommandBodyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  assignmentId!: string;

  @FindingsProperty('Findings assessed; a code not listed means "not assessed"')
  findings!: FindingDto[];

  @ApiProperty({ example: 'Non-displaced scaphoid waist fracture.' })
  @IsSafeText(LONG_TEXT_MAX)
  impression!: string;

  @ApiProperty({ minimum: 1, maximum: 5, example: 4 })
  @IsInt()
  @Min(1)
  @Max(5)
  confidence!: number;

  @ApiPropertyOptional({
    type: RadpeerReviewDto,
    description: 'Only from an unblinded primary who was shown the prior report',
  })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => RadpeerReviewDto)
  priorReportReview?: RadpeerReviewDto;
}

export class ReviewPriorReportDto extends CommandBodyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  assignmentId!: string;

  @ApiProperty({ enum: RADPEER_SCORES, example: '3b' })
  @IsIn(RADPEER_SCORES)
  score!: RadpeerScore;

  @ApiPropertyOptional({ example: 'Fracture visible on the scaphoid view.' })
  @Optional()
  @IsSafeText(SHORT_TEXT_MAX)
  comment?: string;
}

export class SubmitAdjudicationDto extends CommandBodyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  assignmentId!: string;

  @ApiPropertyOptional({
    example: 'prior-report',
    description:
      'A primary opinion id of the current round, or "prior-report"; leave out to record your own findings',
  })
  @Optional()
  @IsSafeText(64)
  selectedOpinionId?: string;

  @FindingsProperty("The adjudicator's own findings (instead of a selection)", false)
  findings?: FindingDto[];

  @ApiProperty({ example: 'Fracture line visible on the oblique view; reader B is correct.' })
  @IsSafeText(SHORT_TEXT_MAX)
  rationale!: string;
}

export class AppendAddendumDto extends CommandBodyDto {
  @ApiProperty({ example: 'Correction: the fracture extends to the proximal pole.' })
  @IsSafeText(LONG_TEXT_MAX)
  text!: string;

  @ApiProperty({ example: 'Reviewed additional views' })
  @IsSafeText(SHORT_TEXT_MAX)
  reason!: string;
}
