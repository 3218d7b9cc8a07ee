import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ASSIGNMENT_END_REASONS,
  CASE_STATUSES,
  CONSENSUS_METHODS,
  ESCALATION_LEVELS,
  ESCALATION_REASONS,
  OUTCOMES,
  PRIORITIES,
  READER_ROLES,
  READS_REQUIRED,
  REFERENCE_STANDARD_SOURCES,
  SEVERITIES,
  SHOWN_MATERIALS,
  SIGNATURE_MEANINGS,
} from '../../../../domain/case/case.values.js';
import {
  PriorReportDto,
  RequesterDto,
  StudyDto,
} from '../../../../application/case/request-second-opinion/request-second-opinion.dto.js';
import { FindingDto, RadpeerReviewDto } from './common.dto.js';

/**
 * GET /api/v1/cases/{caseId}: the case view (src/domain/case/case-view.ts), as the document
 * describes it. `visibility` says which of the two shapes it is.
 */

const DATE_TIME = { type: String, format: 'date-time' } as const;

export class SignatureAgentDto {
  @ApiProperty({ example: 'ris-1' }) id!: string;
  @ApiProperty({ example: 'RIS Gateway' }) name!: string;
}

export class SignatureDto {
  @ApiProperty({ example: 'Dr Avery Reader' }) signerName!: string;
  @ApiProperty({ enum: SIGNATURE_MEANINGS }) meaning!: string;
  @ApiProperty(DATE_TIME) signedAt!: string;
  @ApiPropertyOptional({ type: SignatureAgentDto }) agent?: SignatureAgentDto;
}

export class AssignmentViewDto {
  @ApiProperty({ format: 'uuid' }) assignmentId!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) round!: number;
  @ApiProperty({ example: 'rad-a' }) readerId!: string;
  @ApiProperty({ enum: READER_ROLES }) role!: string;
  @ApiProperty() blinded!: boolean;
  @ApiProperty({ enum: ['open', 'ended', 'unassigned'] }) status!: string;
  @ApiPropertyOptional() unassignReason?: string;
  @ApiPropertyOptional({ enum: ASSIGNMENT_END_REASONS }) endReason?: string;
  @ApiProperty() readStarted!: boolean;
  @ApiProperty({ enum: SHOWN_MATERIALS, isArray: true }) shown!: string[];
  @ApiPropertyOptional({ format: 'uuid' }) opinionId?: string;
  @ApiPropertyOptional({ type: RadpeerReviewDto }) priorReportReview?: RadpeerReviewDto;
}

export class AddendumDto {
  @ApiProperty({ format: 'uuid' }) opinionId!: string;
  @ApiProperty() text!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: SignatureDto }) signature!: SignatureDto;
}

export class OpinionViewDto {
  @ApiProperty({ format: 'uuid' }) opinionId!: string;
  @ApiProperty({ format: 'uuid' }) assignmentId!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) round!: number;
  @ApiProperty() readerId!: string;
  @ApiProperty({ enum: READER_ROLES }) role!: string;
  @ApiProperty({ type: [FindingDto] }) findings!: FindingDto[];
  @ApiProperty() impression!: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) confidence!: number;
  @ApiPropertyOptional({ type: RadpeerReviewDto }) priorReportReview?: RadpeerReviewDto;
  @ApiProperty({ type: SignatureDto }) signature!: SignatureDto;
  @ApiProperty({ type: [AddendumDto] }) addenda!: AddendumDto[];
}

export class FindingDisagreementDto {
  @ApiProperty() code!: string;
  @ApiProperty({ type: [Object] }) values!: object[];
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
}

export class DiscordanceDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) round!: number;
  @ApiProperty({ type: [String], format: 'uuid' }) opinionIds!: string[];
  @ApiProperty({ type: [FindingDisagreementDto] }) findings!: FindingDisagreementDto[];
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
}

export class EscalationDto {
  @ApiProperty({ enum: ESCALATION_LEVELS }) level!: string;
  @ApiProperty({ enum: ESCALATION_REASONS }) reason!: string;
}

export class AdjudicationDto {
  @ApiProperty() adjudicatorId!: string;
  @ApiPropertyOptional({ description: 'A primary opinion of the round, or `prior-report`' })
  selectedOpinionId?: string;
  @ApiProperty({ type: [FindingDto] }) findings!: FindingDto[];
  @ApiProperty() rationale!: string;
  @ApiProperty({ type: SignatureDto }) signature!: SignatureDto;
}

export class DissentDto {
  @ApiProperty() code!: string;
  @ApiProperty({ type: [String] }) opinionIds!: string[];
}

export class ConsensusDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) round!: number;
  @ApiProperty({ type: [FindingDto] }) findings!: FindingDto[];
  @ApiPropertyOptional() impression?: string;
  @ApiProperty({ enum: CONSENSUS_METHODS }) method!: string;
  @ApiProperty({ type: [String] }) basedOn!: string[];
  @ApiProperty({ type: [DissentDto] }) dissent!: DissentDto[];
  @ApiProperty({ enum: OUTCOMES }) outcome!: string;
}

export class RoundDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) round!: number;
  @ApiPropertyOptional() reopenReason?: string;
  @ApiProperty({ type: [DiscordanceDto] }) discordances!: DiscordanceDto[];
  @ApiProperty({ type: [EscalationDto] }) escalations!: EscalationDto[];
  @ApiPropertyOptional({ type: AdjudicationDto }) adjudication?: AdjudicationDto;
  @ApiPropertyOptional({ type: ConsensusDto }) consensus?: ConsensusDto;
}

export class ClosureDto {
  @ApiProperty({ enum: OUTCOMES }) outcome!: string;
  @ApiPropertyOptional() note?: string;
}

export class WithdrawalDto {
  @ApiProperty() reason!: string;
}

export class ReferenceStandardDto {
  @ApiProperty({ enum: REFERENCE_STANDARD_SOURCES }) source!: string;
  @ApiProperty({ type: [FindingDto] }) findings!: FindingDto[];
  @ApiProperty() recordedBy!: string;
  @ApiPropertyOptional() note?: string;
}

export class SlaBreachDto {
  @ApiProperty(DATE_TIME) dueAt!: string;
  @ApiProperty(DATE_TIME) detectedAt!: string;
}

/** What the staff, committees and integrators see: everything. */
export class FullCaseViewDto {
  @ApiProperty({ enum: ['full'] }) visibility!: 'full';
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) round!: number;
  @ApiProperty({ example: 'pt-3f9a' }) patientRef!: string;
  @ApiProperty({ type: StudyDto }) study!: StudyDto;
  @ApiProperty() clinicalQuestion!: string;
  @ApiProperty({ type: RequesterDto }) requester!: RequesterDto;
  @ApiProperty({ enum: PRIORITIES }) priority!: string;
  @ApiProperty({ ...DATE_TIME, nullable: true, description: 'null for imported history: no SLA applies' })
  dueAt!: string | null;
  @ApiProperty({ enum: READS_REQUIRED }) readsRequired!: number;
  @ApiPropertyOptional({ type: PriorReportDto }) priorReport?: PriorReportDto;
  @ApiProperty({ type: [AssignmentViewDto] }) assignments!: AssignmentViewDto[];
  @ApiProperty({ type: [OpinionViewDto] }) opinions!: OpinionViewDto[];
  @ApiProperty({ type: [RoundDto] }) rounds!: RoundDto[];
  @ApiPropertyOptional({ type: ConsensusDto, description: "The newest round's consensus" })
  consensus?: ConsensusDto;
  @ApiPropertyOptional({ enum: OUTCOMES }) outcome?: string;
  @ApiProperty({ type: [ClosureDto] }) closures!: ClosureDto[];
  @ApiPropertyOptional({ type: WithdrawalDto }) withdrawal?: WithdrawalDto;
  @ApiPropertyOptional({ type: ReferenceStandardDto, description: 'The latest one' })
  referenceStandard?: ReferenceStandardDto;
  @ApiProperty({ type: [ReferenceStandardDto] }) referenceStandards!: ReferenceStandardDto[];
  @ApiPropertyOptional({ type: SlaBreachDto }) slaBreach?: SlaBreachDto;
}

export class AnonymousOpinionDto {
  @ApiProperty({ format: 'uuid' }) opinionId!: string;
  @ApiProperty({ type: [FindingDto] }) findings!: FindingDto[];
  @ApiProperty() impression!: string;
}

export class ShownAdjudicationDto {
  @ApiPropertyOptional() selectedOpinionId?: string;
  @ApiProperty({ type: [FindingDto] }) findings!: FindingDto[];
  @ApiProperty() rationale!: string;
}

/** Exactly what the reader's read shows, nothing more. */
export class ReadingMaterialsDto {
  @ApiProperty({ type: StudyDto }) study!: StudyDto;
  @ApiProperty() clinicalQuestion!: string;
  @ApiPropertyOptional({ type: PriorReportDto }) priorReport?: PriorReportDto;
  @ApiPropertyOptional({ type: [AnonymousOpinionDto] }) opinions?: AnonymousOpinionDto[];
  @ApiPropertyOptional({ type: ShownAdjudicationDto }) adjudication?: ShownAdjudicationDto;
}

/** What a reader sees while it has a read it has not submitted: its own assignment and materials. */
export class ReadingCaseViewDto {
  @ApiProperty({ enum: ['reading', 'blinded'] }) visibility!: 'reading' | 'blinded';
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) round!: number;
  @ApiProperty({ example: 'pt-3f9a' }) patientRef!: string;
  @ApiProperty({ enum: PRIORITIES }) priority!: string;
  @ApiProperty({ ...DATE_TIME, nullable: true }) dueAt!: string | null;
  @ApiProperty({ type: AssignmentViewDto }) assignment!: AssignmentViewDto;
  @ApiProperty({ type: ReadingMaterialsDto }) materials!: ReadingMaterialsDto;
}

export const CASE_VIEW_MODELS = [FullCaseViewDto, ReadingCaseViewDto];
