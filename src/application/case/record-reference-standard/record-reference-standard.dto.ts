import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { REFERENCE_STANDARD_SOURCES } from '../../../domain/case/case.values.js';
import type { ReferenceStandardSource } from '../../../domain/case/case.values.js';
import {
  IsSafeText,
  Optional,
  SHORT_TEXT_MAX,
} from '../../../infrastructure/http/validation/text.validators.js';
import {
  CommandBodyDto,
  FindingDto,
  FindingsProperty,
} from '../../../infrastructure/http/case/dto/common.dto.js';

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
