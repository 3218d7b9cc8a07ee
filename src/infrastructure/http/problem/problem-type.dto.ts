import { ApiProperty } from '@nestjs/swagger';

/** One problem type of the catalogue, as `GET /problems/{code}` answers it in JSON. */
export class ProblemTypeDto {
  @ApiProperty({ example: 'already-submitted', description: 'The stable `code` of problem answers' })
  code!: string;

  @ApiProperty({
    example: '/problems/already-submitted',
    format: 'uri-reference',
    description: 'The `type` of problem answers: this page, relative to the engine',
  })
  type!: string;

  @ApiProperty({ example: 422, type: 'integer', description: 'The HTTP status it is always answered with' })
  status!: number;

  @ApiProperty({ example: 'Already submitted', description: 'The `title` of problem answers' })
  title!: string;

  @ApiProperty({ example: 'The assignment already holds a signed opinion.' })
  meaning!: string;

  @ApiProperty({ example: 'Append an addendum to amend it.', description: 'What the client should do' })
  action!: string;
}

export class ProblemTypeListDto {
  @ApiProperty({ type: [ProblemTypeDto] })
  items!: ProblemTypeDto[];
}
