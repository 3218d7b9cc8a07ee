import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsSafeText, LONG_TEXT_MAX } from '../../../infrastructure/http/validation/text.validators.js';
import {
  CommandBodyDto,
  FindingDto,
  FindingsProperty,
  IsUuid,
  NestedObject,
  RadpeerReviewDto,
} from '../../../infrastructure/http/case/dto/common.dto.js';
import { CaseStatusResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class SubmitOpinionDto extends CommandBodyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
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

  @NestedObject(RadpeerReviewDto, {
    optional: true,
    description: 'Only from an unblinded primary who was shown the prior report',
  })
  priorReportReview?: RadpeerReviewDto;
}

export class OpinionSubmittedDto extends CaseStatusResponseDto {
  @ApiProperty({ format: 'uuid' })
  opinionId!: string;
}
