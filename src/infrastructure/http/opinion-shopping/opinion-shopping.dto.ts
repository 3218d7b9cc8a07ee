import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CASE_STATUSES, OUTCOMES, PRESENCES, REQUESTER_KINDS } from '../../../domain/case/case.values.js';
import {
  FLAG_DISPOSITIONS,
  FLAG_STATUSES,
  type FlagDisposition,
} from '../../../domain/opinion-shopping/flag-review.js';
import { FLAG_SEVERITIES, SHOPPING_RULES } from '../../../domain/opinion-shopping/opinion-shopping.policy.js';
import { CommandBodyDto, TextProperty } from '../case/dto/common.dto.js';

export class ReviewShoppingFlagDto extends CommandBodyDto {
  @ApiProperty({ enum: FLAG_DISPOSITIONS, example: 'needs-follow-up' })
  @IsIn(FLAG_DISPOSITIONS, { message: `disposition must be one of ${FLAG_DISPOSITIONS.join(', ')}` })
  disposition!: FlagDisposition;

  @TextProperty({ example: 'Three insurers in four months; ask the requester for the clinical reason.' })
  note!: string;
}

export class FlagReviewedDto {
  @ApiProperty({ example: 'os1-3f0c9a1b2d4e5f60718293a4b5c6d7e8' })
  flagId!: string;

  @ApiProperty({ enum: FLAG_DISPOSITIONS })
  disposition!: string;

  @ApiProperty({
    enum: FLAG_STATUSES,
    description:
      'Where the review leaves the flag: needs-follow-up keeps it in the queue, the others resolve it',
  })
  status!: string;
}

export class FlagReviewDto {
  @ApiProperty({ example: 'qc-1' }) reviewedBy!: string;
  @ApiProperty({ enum: FLAG_DISPOSITIONS }) disposition!: string;
  @ApiProperty({ example: 'Ask the requester for the clinical reason.' }) note!: string;
  @ApiProperty({ example: '2026-04-03T10:00:00.000Z' }) reviewedAt!: string;
}

export class FlagRequesterDto {
  @ApiProperty({ enum: REQUESTER_KINDS }) kind!: string;
  @ApiProperty({ example: 'ins-1' }) id!: string;
  @ApiPropertyOptional({ example: 'Acme Insurance' }) organisation?: string;
}

export class FlagCaseDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'pt-3f9a' }) patientRef!: string;
  @ApiProperty({ example: '1.2.840.113619.2.55.3.7' }) studyInstanceUid!: string;
  @ApiProperty({ example: '2026-01-09' }) studyDate!: string;
  @ApiProperty({ type: FlagRequesterDto }) requester!: FlagRequesterDto;
  @ApiProperty({ example: '2026-01-10T09:00:00.000Z', description: "The request's occurredAt" })
  requestedAt!: string;

  @ApiPropertyOptional({
    enum: CASE_STATUSES,
    description: 'As the worklist has it (absent until it has seen the case)',
  })
  status?: string;

  @ApiPropertyOptional({ example: '2026-01-12T15:00:00.000Z' }) consensusAt?: string;
  @ApiPropertyOptional({ enum: OUTCOMES }) outcome?: string;
}

export class FlagWindowDto {
  @ApiProperty({ example: '2026-01-10T09:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-04-02T09:00:00.000Z' }) to!: string;
  @ApiProperty({ type: Number, nullable: true, example: 365, description: 'null for OS-4 and OS-5' }) days!:
    number | null;
}

export class ContradictedFindingDto {
  @ApiProperty({ example: 'fracture' }) code!: string;
  @ApiProperty({ enum: PRESENCES, description: 'What the agreeing opinions said' }) agreed!: string;
  @ApiProperty({ enum: PRESENCES, description: 'What contradicted them' }) contradictedBy!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'How many opinions agreed' }) agreeing!: number;
}

export class FlagEvidenceDto {
  @ApiProperty({ type: [String], description: 'Chronological' }) eventIds!: string[];
  @ApiProperty({ type: [String] }) caseIds!: string[];
  @ApiProperty({ type: [String], description: "Prior-report authors and this engine's readers involved" })
  readers!: string[];
  @ApiProperty({ type: [String] }) organisations!: string[];
  @ApiProperty({ type: FlagWindowDto }) window!: FlagWindowDto;
  @ApiProperty({ example: 3 }) threshold!: number;
  @ApiProperty({ example: 3 }) observed!: number;
  @ApiPropertyOptional({ type: [String], description: 'OS-4: every patientRef the study appeared under' })
  patientRefs?: string[];
  @ApiPropertyOptional({
    type: [ContradictedFindingDto],
    description: 'OS-3: the findings on which the agreeing opinions were contradicted',
  })
  findings?: ContradictedFindingDto[];
  @ApiPropertyOptional({ type: [String], description: 'OS-5: author and/or content' })
  matchedBy?: string[];
}

export class ShoppingFlagDto {
  @ApiProperty({ example: 'os1-3f0c9a1b2d4e5f60718293a4b5c6d7e8', description: 'Deterministic, URL-safe' })
  flagId!: string;

  @ApiProperty({ enum: SHOPPING_RULES }) rule!: string;
  @ApiProperty({ enum: FLAG_SEVERITIES }) severity!: string;
  @ApiProperty({ example: 'pt-3f9a' }) patientRef!: string;
  @ApiProperty({ example: 'wrist' }) bodyRegion!: string;
  @ApiProperty({ example: '2026-04-02T09:00:00.000Z' }) raisedAt!: string;
  @ApiProperty({ type: FlagEvidenceDto }) evidence!: FlagEvidenceDto;
  @ApiProperty({ type: [FlagCaseDto], description: 'The cases of evidence.caseIds, in that order' })
  cases!: FlagCaseDto[];

  @ApiProperty({
    enum: FLAG_STATUSES,
    description: 'open until the first review, then needs-follow-up or resolved as the latest review says',
  })
  status!: string;

  @ApiPropertyOptional({ enum: FLAG_DISPOSITIONS, description: "The latest review's, once reviewed" })
  disposition?: string;

  @ApiProperty({ type: [FlagReviewDto], description: 'Every review, oldest first' })
  reviews!: FlagReviewDto[];
}

export class ShoppingFlagPageDto {
  @ApiProperty({ type: [ShoppingFlagDto] }) items!: ShoppingFlagDto[];
  @ApiPropertyOptional({ description: 'Absent on the last page' }) nextCursor?: string;
}
