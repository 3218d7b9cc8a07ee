import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STATES = ['running', 'rebuilding', 'failed', 'stopped'];

export class RebuildProgressDto {
  @ApiProperty({ example: 4 })
  generation!: number;

  @ApiProperty({ nullable: true, type: String, example: '1/7421/1003' })
  checkpoint!: string | null;

  @ApiProperty({ example: 1200 })
  lagEvents!: number;
}

export class ProjectionStatusDto {
  @ApiProperty({ example: 'audit-trail' })
  name!: string;

  @ApiProperty({ enum: STATES })
  state!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Event-store position of the last event applied (opaque)',
    example: '1/7421/1003',
  })
  checkpoint!: string | null;

  @ApiProperty({ description: 'Events in the log after the checkpoint', example: 0 })
  lagEvents!: number;

  @ApiProperty({ description: 'Age of the oldest event not applied yet; 0 when caught up', example: 0 })
  lagSeconds!: number;

  @ApiPropertyOptional({ description: 'Why the projection stopped (state failed)' })
  error?: string;

  @ApiProperty({ nullable: true, type: Number, description: 'Generation serving queries', example: 3 })
  generation!: number | null;

  @ApiPropertyOptional({ type: RebuildProgressDto, description: 'The generation a rebuild is filling' })
  rebuild?: RebuildProgressDto;
}

export class ProjectionsStatusDto {
  @ApiProperty({ type: [ProjectionStatusDto] })
  items!: ProjectionStatusDto[];

  @ApiProperty({
    description: 'Age of the oldest open transaction in the cluster holding back xmin (pauses readers)',
    example: 0.2,
  })
  oldestOpenTransactionSeconds!: number;
}

export class RebuildAcceptedDto {
  @ApiProperty({ example: 'audit-trail' })
  name!: string;

  @ApiProperty({ enum: STATES, example: 'rebuilding' })
  state!: string;
}

/** `GET /api/v1/projections` takes no query parameters: any is refused, as on every list. */
export class ProjectionsQueryDto {}
