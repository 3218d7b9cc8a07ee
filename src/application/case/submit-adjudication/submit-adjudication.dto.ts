import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import {
  IsSafeText,
  Optional,
  SHORT_TEXT_MAX,
} from '../../../infrastructure/http/validation/text.validators.js';
import {
  CommandBodyDto,
  FindingDto,
  FindingsProperty,
  IsUuid,
} from '../../../infrastructure/http/case/dto/common.dto.js';

export class SubmitAdjudicationDto extends CommandBodyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
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
