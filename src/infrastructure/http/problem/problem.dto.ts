import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'findings[0].code' })
  field!: string;

  @ApiProperty({ example: 'code must be one of the finding vocabulary' })
  message!: string;
}

/** RFC 9457 problem details (application/problem+json). */
export class ProblemDto {
  @ApiProperty({
    example: '/problems/already-submitted',
    format: 'uri-reference',
    description: "The problem type's page on this engine (GET /problems/{code}), relative to the request URI",
  })
  type!: string;

  @ApiProperty({ example: 'Already submitted', description: "The problem type's short name" })
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
