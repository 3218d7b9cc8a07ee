import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { RADPEER_SCORES } from '../../../domain/case/case.values.js';
import type { RadpeerScore } from '../../../domain/case/case.values.js';
import {
  IsSafeText,
  Optional,
  SHORT_TEXT_MAX,
} from '../../../infrastructure/http/validation/text.validators.js';
import { CommandBodyDto, IsUuid } from '../../../infrastructure/http/case/dto/common.dto.js';
import { CaseStatusResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class ReviewPriorReportDto extends CommandBodyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  assignmentId!: string;

  @ApiProperty({ enum: RADPEER_SCORES, example: '3b' })
  @IsIn(RADPEER_SCORES)
  score!: RadpeerScore;

  @ApiPropertyOptional({ example: 'Fracture visible on the scaphoid view.' })
  @Optional()
  @IsSafeText(SHORT_TEXT_MAX)
  comment?: string;
}

export class PriorReportReviewedDto extends CaseStatusResponseDto {
  @ApiProperty({
    description: 'The prior report, shown now that the reader has scored it (sequential unblinding)',
  })
  priorReport!: Record<string, unknown>;
}
