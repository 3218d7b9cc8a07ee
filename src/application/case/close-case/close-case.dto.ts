import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsSafeText,
  Optional,
  SHORT_TEXT_MAX,
} from '../../../infrastructure/http/validation/text.validators.js';
import { CommandBodyDto } from '../../../infrastructure/http/case/dto/common.dto.js';
import { OUTCOMES } from '../../../domain/case/case.values.js';
import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class CloseCaseDto extends CommandBodyDto {
  @ApiPropertyOptional({ example: 'Reported to the requester by phone.' })
  @Optional()
  @IsSafeText(SHORT_TEXT_MAX)
  note?: string;
}

export class CaseClosedDto extends RevisionResponseDto {
  @ApiProperty({ enum: OUTCOMES, example: 'overturned' })
  outcome!: string;
}
