import { ApiProperty } from '@nestjs/swagger';
import type { RadpeerScore } from '../../../domain/case/case.values.js';
import {
  AssignmentBodyDto,
  RadpeerCommentProperty,
  RadpeerScoreProperty,
} from '../../../infrastructure/http/case/dto/common.dto.js';
import { CaseStatusResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class ReviewPriorReportDto extends AssignmentBodyDto {
  @RadpeerScoreProperty()
  score!: RadpeerScore;

  @RadpeerCommentProperty()
  comment?: string;
}

export class PriorReportReviewedDto extends CaseStatusResponseDto {
  @ApiProperty({
    description: 'The prior report, shown now that the reader has scored it (sequential unblinding)',
  })
  priorReport!: Record<string, unknown>;
}
