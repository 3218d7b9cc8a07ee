import { ApiProperty } from '@nestjs/swagger';
import {
  IsSafeText,
  LONG_TEXT_MAX,
  SHORT_TEXT_MAX,
} from '../../../infrastructure/http/validation/text.validators.js';
import { CommandBodyDto } from '../../../infrastructure/http/case/dto/common.dto.js';

export class AppendAddendumDto extends CommandBodyDto {
  @ApiProperty({ example: 'Correction: the fracture extends to the proximal pole.' })
  @IsSafeText(LONG_TEXT_MAX)
  text!: string;

  @ApiProperty({ example: 'Reviewed additional views' })
  @IsSafeText(SHORT_TEXT_MAX)
  reason!: string;
}
