import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { READER_ROLES } from '../../../domain/case/case.values.js';
import type { ReaderRole } from '../../../domain/case/case.values.js';
import { Optional } from '../../../infrastructure/http/validation/text.validators.js';
import { ActorIdProperty, CommandBodyDto } from '../../../infrastructure/http/case/dto/common.dto.js';
import { RevisionResponseDto } from '../../../infrastructure/http/case/dto/responses.dto.js';

export class AssignReaderDto extends CommandBodyDto {
  @ActorIdProperty('The radiologist to assign', 'rad-17')
  readerId!: string;

  @ApiProperty({ enum: READER_ROLES, example: 'primary' })
  @IsIn(READER_ROLES)
  role!: ReaderRole;

  @ApiPropertyOptional({
    example: true,
    description: 'Primaries default to blinded; adjudicators and panelists are never blinded',
  })
  @Optional()
  @IsBoolean()
  blinded?: boolean;
}

export class AssignmentCreatedDto extends RevisionResponseDto {
  @ApiProperty({ format: 'uuid' })
  assignmentId!: string;
}
