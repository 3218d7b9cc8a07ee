import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CASE_STATUSES } from '../../../../domain/case/case.values.js';

export class RevisionResponseDto {
  @ApiProperty({ example: 7, description: 'Stream revision after the append (also in the ETag header)' })
  revision!: number;
}

export class CaseStatusResponseDto extends RevisionResponseDto {
  @ApiProperty({
    enum: CASE_STATUSES,
    example: 'awaiting-adjudication',
    description: 'Case status after any escalation or consensus',
  })
  status!: string;
}

export class IntegrityCheckpointDto {
  @ApiProperty({ example: 1207, description: 'Leaves of the tree the checkpoint signs' })
  treeSize!: number;

  @ApiProperty({
    description: 'Base64 RFC 9162 root hash, as GET /api/v1/integrity/checkpoints/{treeSize} signs it',
  })
  rootHash!: string;

  @ApiProperty({ example: '2026-11-20T09:30:00.000Z' })
  signedAt!: string;

  @ApiProperty({ example: 12, description: "The stream's last revision the checkpoint includes" })
  coversRevision!: number;
}

export class IntegrityDto {
  @ApiProperty({ example: true })
  verified!: boolean;

  @ApiPropertyOptional({ example: 3, description: 'First revision whose hash does not match' })
  firstBrokenRevision?: number;

  @ApiPropertyOptional({
    enum: ['missing-revision', 'prev-hash-mismatch', 'hash-mismatch', 'log-mismatch'],
    description:
      'Why the stream breaks there: the revision is missing or out of order, the event does not link to its predecessor, its content does not match its hash, or it no longer matches the receipt the verifiable log signed for it (docs/integrity.md)',
  })
  reason?: string;

  @ApiProperty({ example: 12 })
  lastRevision!: number;

  @ApiProperty({
    type: IntegrityCheckpointDto,
    nullable: true,
    description:
      'The newest checkpoint signed by the log key that includes the stream: what the verdict rests on (null until one does)',
  })
  checkpoint!: IntegrityCheckpointDto | null;
}

export class HistoryEventDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'OpinionSubmitted' }) type!: string;
  @ApiProperty({ example: 4 }) revision!: number;
  @ApiProperty() data!: Record<string, unknown>;
  @ApiProperty({
    description:
      'actor, occurredAt, correlationId/causationId ($correlationId/$causationId), schemaVersion, prevHash, hash',
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({ example: '2026-11-20T09:30:00.000Z' }) occurredAt!: string;
  @ApiProperty({ example: '2026-11-20T09:30:00.120Z' }) recordedAt!: string;
}

export class CaseHistoryDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({
    example: 4,
    description: 'Last revision folded (a point before the case existed is 404 before-case-existed)',
  })
  revision!: number;
  @ApiProperty({ nullable: true, description: 'The case as it stood at that point' }) state!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ type: [HistoryEventDto] }) events!: HistoryEventDto[];
  @ApiProperty({ type: IntegrityDto }) integrity!: IntegrityDto;
}
