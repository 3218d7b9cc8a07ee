import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ESCALATION_LEVELS, ESCALATION_REASONS } from '../../../domain/case/case.values.js';
import type { EscalationLevel, EscalationReason } from '../../../domain/case/case.values.js';
import { CommandBodyDto } from '../../../infrastructure/http/case/dto/common.dto.js';

export class EscalateCaseDto extends CommandBodyDto {
  @ApiProperty({ enum: ESCALATION_LEVELS, example: 'adjudication' })
  @IsIn(ESCALATION_LEVELS)
  level!: EscalationLevel;

  @ApiProperty({ enum: ESCALATION_REASONS, example: 'requester-appeal' })
  @IsIn(ESCALATION_REASONS)
  reason!: EscalationReason;
}
