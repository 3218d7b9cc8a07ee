import { ApiProperty } from '@nestjs/swagger';
import { ReasonDto } from '../../../infrastructure/http/case/dto/common.dto.js';
import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

/** Why the case is reopened (recorded in CaseReopened). */
export class ReopenCaseDto extends ReasonDto {}

export class CaseReopenedDto extends RevisionResponseDto {
  @ApiProperty({ example: 2 })
  round!: number;
}
