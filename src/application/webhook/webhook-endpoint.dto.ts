import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { CASE_EVENT_TYPES } from '../../domain/case/case.events.js';
import { UUID_PATTERN } from '../../domain/kernel/identifiers.js';

/** What the register and change bodies share: how a receiver's URL and event types are validated. */
export const WEBHOOK_URL_MAX = 2_048;
export const DESCRIPTION_MAX = 500;
export const EVENT_TYPE_NAMES = ['*', ...CASE_EVENT_TYPES] as const;

export const UrlProperty = (optional = false): PropertyDecorator[] => [
  (optional ? ApiPropertyOptional : ApiProperty)({
    format: 'uri',
    maxLength: WEBHOOK_URL_MAX,
    example: 'https://ris.example.org/hooks/second-opinion',
    description:
      'Where deliveries are POSTed: https, to a host that resolves to public addresses only (WEBHOOKS_ALLOW_LOOPBACK=true also allows http and https to 127.0.0.0/8 and ::1)',
  }),
  IsString(),
  MaxLength(WEBHOOK_URL_MAX),
  // The document's `format: uri` (400); whether the URL may receive webhooks is the guard's (422).
  ValidateBy({
    name: 'isAbsoluteUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && URL.canParse(value),
      defaultMessage: () => 'url must be an absolute URL',
    },
  }),
];

export const EventTypesProperty = (optional = false): PropertyDecorator[] => [
  (optional ? ApiPropertyOptional : ApiProperty)({
    type: [String],
    enum: EVENT_TYPE_NAMES,
    minItems: 1,
    maxItems: CASE_EVENT_TYPES.length,
    uniqueItems: true,
    example: ['ConsensusReached', 'CaseClosed'],
    description: 'Case event types to receive, or ["*"] for every one',
  }),
  IsArray(),
  ArrayMinSize(1),
  ArrayMaxSize(CASE_EVENT_TYPES.length),
  ArrayUnique({ message: 'eventTypes must not name a type twice' }),
  IsString({ each: true }),
  MaxLength(64, { each: true }),
];

export const CaseIdProperty = (description: string, nullable = false): PropertyDecorator[] => [
  ApiPropertyOptional({ format: 'uuid', description, ...(nullable && { nullable: true }) }),
  Matches(UUID_PATTERN, { message: 'caseId must be a UUID' }),
];

/** Applies a list of property decorators (class-validator's and the documentation's) as one. */
export const all =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const decorate of decorators) decorate(target, key);
  };
