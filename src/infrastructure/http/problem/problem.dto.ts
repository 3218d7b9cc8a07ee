import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'findings[0].code' })
  field!: string;

  @ApiProperty({ example: 'code must be one of the finding vocabulary' })
  message!: string;
}

/** RFC 9457 problem details (application/problem+json). */
export class ProblemDto {
  @ApiProperty({ example: 'https://xray-second-opinion.example/problems/already-submitted' })
  type!: string;

  @ApiProperty({ example: 'Unprocessable Content' })
  title!: string;

  @ApiProperty({ example: 422 })
  status!: number;

  @ApiProperty({ example: 'Assignment 5b1… already has a submitted opinion; append an addendum instead.' })
  detail!: string;

  @ApiProperty({ example: '/api/v1/cases/2f0c…/opinions' })
  instance!: string;

  @ApiProperty({ example: 'already-submitted', description: 'Stable machine-readable code' })
  code!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];
}
