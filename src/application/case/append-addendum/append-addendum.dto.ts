import { LONG_TEXT_MAX } from '../../../infrastructure/http/validation/text.validators.js';
import { CommandBodyDto, TextProperty } from '../../../infrastructure/http/case/dto/common.dto.js';

export class AppendAddendumDto extends CommandBodyDto {
  @TextProperty({ max: LONG_TEXT_MAX, example: 'Correction: the fracture extends to the proximal pole.' })
  text!: string;

  @TextProperty({ example: 'Reviewed additional views' })
  reason!: string;
}
