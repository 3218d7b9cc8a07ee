import { ApiProperty } from '@nestjs/swagger';
import { IsSafeText, SHORT_TEXT_MAX } from '../../../infrastructure/http/validation/text.validators.js';
import { CommandBodyDto } from '../../../infrastructure/http/case/dto/common.dto.js';

export class UnassignReaderDto extends CommandBodyDto {
  @ApiProperty({ example: 'Reader on leave' })
  @IsSafeText(SHORT_TEXT_MAX)
  reason!: string;
}
