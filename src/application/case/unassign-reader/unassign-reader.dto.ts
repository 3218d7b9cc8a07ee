import { CommandBodyDto, TextProperty } from '../../../infrastructure/http/case/dto/common.dto.js';

export class UnassignReaderDto extends CommandBodyDto {
  @TextProperty({ example: 'Reader on leave' })
  reason!: string;
}
