import type { ReaderMetricsFilter } from '../../../projections/reader-metrics/reader-metrics.queries.js';
import { DateOrDateTimeParameter, NotBefore, VocabularyParameter } from '../validation/query.validators.js';

/** Vocabularies (QUERY_VOCABULARIES) these parameters take their values from: the case policy's. */
export const BODY_REGIONS = 'bodyRegions';
export const FINDING_CODES = 'findingCodes';

/** `?from=&to=&bodyRegion=&finding=` of the reader metrics (a period, a body region, a finding). */
export class ReaderMetricsQueryDto implements ReaderMetricsFilter {
  @DateOrDateTimeParameter({
    description: 'Requests with occurredAt ≥ from (ISO 8601; a date is UTC midnight)',
  })
  from?: string;

  @DateOrDateTimeParameter({ description: 'Requests with occurredAt < to (ISO 8601, exclusive)' })
  @NotBefore('from')
  to?: string;

  @VocabularyParameter(BODY_REGIONS, { example: 'chest', description: 'One of the configured body regions' })
  bodyRegion?: string;

  @VocabularyParameter(FINDING_CODES, {
    example: 'fracture',
    description: 'Restrict accuracy and discordance to one finding code of the configured vocabulary',
  })
  finding?: string;
}
