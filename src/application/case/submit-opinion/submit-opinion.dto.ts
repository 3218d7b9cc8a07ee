import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { LONG_TEXT_MAX } from '../../../infrastructure/http/validation/text.validators.js';
import {
  AssignmentBodyDto,
  FindingDto,
  FindingsProperty,
  NestedObject,
  RadpeerReviewDto,
  TextProperty,
} from '../../../infrastructure/http/case/dto/common.dto.js';
import { CaseStatusResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class SubmitOpinionDto extends AssignmentBodyDto {
  @FindingsProperty('Findings assessed; a code not listed means "not assessed"')
  findings!: FindingDto[];

  @TextProperty({ max: LONG_TEXT_MAX, example: 'Non-displaced scaphoid waist fracture.' })
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
