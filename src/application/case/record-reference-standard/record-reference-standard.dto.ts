import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { REFERENCE_STANDARD_SOURCES } from '../../../domain/case/case.values.js';
import type { ReferenceStandardSource } from '../../../domain/case/case.values.js';
import {
  CommandBodyDto,
  FindingDto,
  FindingsProperty,
  TextProperty,
} from '../../../infrastructure/http/case/dto/common.dto.js';

export class RecordReferenceStandardDto extends CommandBodyDto {
  @ApiProperty({ enum: REFERENCE_STANDARD_SOURCES, example: 'follow-up-imaging' })
  @IsIn(REFERENCE_STANDARD_SOURCES)
  source!: ReferenceStandardSource;

  @FindingsProperty('The truth accuracy is measured against')
  findings!: FindingDto[];

  @TextProperty({ optional: true, example: 'CT at 10 days confirmed the fracture.' })
  note?: string;
}
