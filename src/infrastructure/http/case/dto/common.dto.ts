import { applyDecorators } from '@nestjs/common';
import { ACTOR_ID_PATTERN, UUID_PATTERN } from '../../../../domain/kernel/identifiers.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { LATERALITIES, PRESENCES, RADPEER_SCORES } from '../../../../domain/case/case.values.js';
import type { Laterality, Presence, RadpeerScore } from '../../../../domain/case/case.values.js';
import { IsNotFuture, IsSafeText, Optional, SHORT_TEXT_MAX } from '../../validation/text.validators.js';

/**
 * A field of safe text, at most `max` characters (docs/api.md's short text by default), documented
 * with that limit; `optional`: it may be left out (never null).
 */
export function TextProperty({
  max = SHORT_TEXT_MAX,
  optional = false,
  ...documentation
}: { max?: number; optional?: boolean; example?: string; description?: string } = {}): PropertyDecorator {
  const document = (optional ? ApiPropertyOptional : ApiProperty)({ maxLength: max, ...documentation });
  return optional
    ? applyDecorators(document, Optional(), IsSafeText(max))
    : applyDecorators(document, IsSafeText(max));
}

export const FINDING_CODE = /^[a-z][a-z0-9-]{0,63}$/;
export const MAX_FINDINGS = 64;

/** Fields every command body may carry. */
export class CommandBodyDto {
  @ApiPropertyOptional({
    description:
      'When it happened (imported history). Integrators only; never in the future. Default: server time.',
    example: '2026-11-20T09:30:00Z',
  })
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @IsNotFuture()
  occurredAt?: string;
}

export class FindingDto {
  @ApiProperty({ example: 'fracture', description: 'A code of the configured finding vocabulary' })
  @IsString()
  @Matches(FINDING_CODE, { message: 'code must be a lower-case vocabulary code' })
  code!: string;

  @ApiProperty({ enum: PRESENCES, example: 'present' })
  @IsIn(PRESENCES)
  presence!: Presence;

  @TextProperty({ max: 200, optional: true, example: 'distal radius' })
  location?: string;

  @ApiPropertyOptional({ enum: LATERALITIES, example: 'left' })
  @Optional()
  @IsIn(LATERALITIES)
  laterality?: Laterality;
}

export function FindingsProperty(description: string, required = true): PropertyDecorator {
  const decorators: PropertyDecorator[] = [
    (required ? ApiProperty : ApiPropertyOptional)({ type: [FindingDto], description }),
    IsArray(),
    ArrayMaxSize(MAX_FINDINGS),
    // ValidateNested alone lets an array (or a nested array) through where a finding belongs.
    IsObject({ each: true, message: 'each finding must be an object' }),
    ValidateNested({ each: true }),
    Type(() => FindingDto),
  ];
  if (!required) decorators.unshift(Optional());
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/** A RADPEER score of the prior report, and the optional comment beside it. */
export const RadpeerScoreProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      enum: RADPEER_SCORES,
      example: '2b',
      description: 'ACR RADPEER (2016) score of the prior report',
    }),
    IsIn(RADPEER_SCORES),
  );
export const RadpeerCommentProperty = (): PropertyDecorator =>
  TextProperty({ optional: true, example: 'Subtle fracture missed on the lateral view.' });

export class RadpeerReviewDto {
  @RadpeerScoreProperty()
  score!: RadpeerScore;

  @RadpeerCommentProperty()
  comment?: string;
}

export function ActorIdProperty(description: string, example: string): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ description, example, pattern: ACTOR_ID_PATTERN.source })(target, key);
    IsString()(target, key);
    MaxLength(64)(target, key);
    Matches(ACTOR_ID_PATTERN, { message: `${String(key)} must match ${ACTOR_ID_PATTERN.source}` })(
      target,
      key,
    );
  };
}

/** A body that gives only a reason (reopening, withdrawal). */
export class ReasonDto extends CommandBodyDto {
  @TextProperty({ example: 'New clinical information' })
  reason!: string;
}

/** A UUID of any version: the one pattern path ids, bodies and the event store share. */
export const IsUuid = (): PropertyDecorator => Matches(UUID_PATTERN, { message: '$property must be a UUID' });

/** A body that names the caller's own assignment (a read, an opinion, a review, an adjudication). */
export class AssignmentBodyDto extends CommandBodyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  assignmentId!: string;
}

/**
 * A nested object validated by its own DTO, and documented as that DTO. ValidateNested alone would
 * let an array of them (or a string) through where one object belongs.
 */
export function NestedObject(
  dto: new () => object,
  { optional = false, description }: { optional?: boolean; description?: string } = {},
): PropertyDecorator {
  const decorators = [
    (optional ? ApiPropertyOptional : ApiProperty)({ type: dto, description }),
    IsObject(),
    ValidateNested(),
    Type(() => dto),
  ];
  return applyDecorators(...(optional ? [Optional(), ...decorators] : decorators));
}
