import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto, TextProperty } from '../../../infrastructure/http/case/dto/common.dto.js';
import { OUTCOMES } from '../../../domain/case/case.values.js';
import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class CloseCaseDto extends CommandBodyDto {
  @TextProperty({ optional: true, example: 'Reported to the requester by phone.' })
  note?: string;
}

export class CaseClosedDto extends RevisionResponseDto {
  @ApiProperty({ enum: OUTCOMES, example: 'overturned' })
  outcome!: string;
}
