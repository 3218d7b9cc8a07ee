import { ApiProperty } from '@nestjs/swagger';

import { AssignmentBodyDto } from '../../../infrastructure/http/case/dto/common.dto.js';
import { SHOWN_MATERIALS } from '../../../domain/case/case.values.js';
import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class StartReadDto extends AssignmentBodyDto {}

export class ReadStartedDto extends RevisionResponseDto {
  @ApiProperty({ enum: SHOWN_MATERIALS, isArray: true, example: ['images', 'clinical-question'] })
  shown!: string[];

  @ApiProperty({
    description:
      'study, clinicalQuestion and, where shown, priorReport and opinions ({opinionId, findings, impression}, no reader names)',
    example: {
      study: { studyInstanceUid: '1.2.3', modality: 'DX', bodyRegion: 'wrist', studyDate: '2026-11-18' },
      clinicalQuestion: 'Scaphoid fracture?',
    },
  })
  materials!: Record<string, unknown>;
}
