import { ValidateIf } from 'class-validator';
import { TextProperty } from '../../../infrastructure/http/case/dto/common.dto.js';
import {
  CaseIdProperty,
  DESCRIPTION_MAX,
  EventTypesProperty,
  UrlProperty,
  all,
} from '../webhook-endpoint.dto.js';

const present = (_object: object, value: unknown): boolean => value !== undefined;

/** PATCH /api/v1/webhooks/endpoints/{endpointId}: the fields to change; `caseId: null` removes the filter. */
export class ChangeWebhookEndpointDto {
  @all([...UrlProperty(true), ValidateIf(present)])
  url?: string;

  @all([...EventTypesProperty(true), ValidateIf(present)])
  eventTypes?: string[];

  // null is accepted here, and only here: it removes the case filter.
  @all([
    ...CaseIdProperty('Deliver only this case’s events; null delivers every case again', true),
    ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null),
  ])
  caseId?: string | null;

  @TextProperty({ max: DESCRIPTION_MAX, optional: true, example: 'RIS consensus feed' })
  description?: string;
}
