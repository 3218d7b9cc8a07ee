import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CursorParameter, LimitParameter } from '../validation/query.validators.js';

/** Opaque and URL-safe: base64url of the last row's sequence number. */
export const encodeDeliveryCursor = (seq: string): string => Buffer.from(seq, 'utf8').toString('base64url');

export function decodeDeliveryCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return undefined;
  const seq = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^[1-9]\d{0,17}$/.test(seq) ? seq : undefined;
}

/** `GET /api/v1/webhooks/endpoints/{endpointId}/deliveries`: the page. */
export class DeliveriesQueryDto {
  /** Decoded by validation: the sequence number of the previous page's last row. */
  @CursorParameter(decodeDeliveryCursor)
  cursor?: string;

  @LimitParameter()
  limit?: number;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'This attempt (redeliver it with this id)' })
  deliveryId!: string;

  @ApiProperty({ format: 'uuid' })
  endpointId!: string;

  @ApiProperty({
    example: 'msg_2Yq0bWb3Jc8m9pQvX1tZr4sU6wN7eK5a',
    description: 'The webhook-id header: the same on every attempt of this event to this endpoint',
  })
  webhookId!: string;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ example: 'ConsensusReached' })
  eventType!: string;

  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: "The case stream's revision after the event" })
  revision!: number;

  @ApiProperty({ description: "The event's global position in the log" })
  position!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Attempt number for this webhook-id (manual ones included)',
  })
  attempt!: number;

  @ApiProperty({ enum: ['automatic', 'manual'] })
  trigger!: string;

  @ApiProperty({ format: 'date-time' })
  attemptedAt!: string;

  @ApiPropertyOptional({ type: 'integer', description: "The receiver's HTTP status, when it answered" })
  statusCode?: number;

  @ApiPropertyOptional({
    description: 'Why the attempt failed without an answer (time-out, refused address, connection)',
  })
  error?: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  durationMs!: number;

  @ApiProperty({ description: 'The receiver acknowledged it (2xx)' })
  delivered!: boolean;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the next automatic attempt is due (failed attempts)',
  })
  nextAttemptAt?: string;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto], description: 'Newest first' })
  items!: DeliveryDto[];

  @ApiPropertyOptional({ description: 'Pass as cursor for the next page; absent on the last one' })
  nextCursor?: string;
}
