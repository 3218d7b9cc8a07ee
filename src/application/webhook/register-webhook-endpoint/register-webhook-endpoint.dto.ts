import { ValidateIf } from 'class-validator';
import { TextProperty } from '../../../infrastructure/http/case/dto/common.dto.js';
import {
  CaseIdProperty,
  DESCRIPTION_MAX,
  EventTypesProperty,
  UrlProperty,
  all,
} from '../webhook-endpoint.dto.js';

/** POST /api/v1/webhooks/endpoints: a receiver, what it wants, optionally one case only. */
export class RegisterWebhookEndpointDto {
  @all(UrlProperty())
  url!: string;

  @all(EventTypesProperty())
  eventTypes!: string[];

  @all([
    ...CaseIdProperty('Deliver only this case’s events'),
    ValidateIf((_object: object, value: unknown) => value !== undefined),
  ])
  caseId?: string;

  @TextProperty({ max: DESCRIPTION_MAX, optional: true, example: 'RIS consensus feed' })
  description?: string;
}
