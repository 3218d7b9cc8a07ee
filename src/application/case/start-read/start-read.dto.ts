import { ApiProperty } from '@nestjs/swagger';

import { AssignmentBodyDto } from '../../../infrastructure/http/case/dto/common.dto.js';
import { ReadingMaterialsDto } from '../../../infrastructure/http/case/dto/case-view.dto.js';
import { SHOWN_MATERIALS } from '../../../domain/case/case.values.js';
import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class StartReadDto extends AssignmentBodyDto {}

export class ReadStartedDto extends RevisionResponseDto {
  @ApiProperty({ enum: SHOWN_MATERIALS, isArray: true, example: ['images', 'clinical-question'] })
  shown!: string[];

  @ApiProperty({
    type: ReadingMaterialsDto,
    description:
      'Exactly what the read shows: study, clinicalQuestion and, where shown, priorReport, opinions ({opinionId, findings, impression}, no reader names) and adjudication',
  })
  materials!: ReadingMaterialsDto;
}
