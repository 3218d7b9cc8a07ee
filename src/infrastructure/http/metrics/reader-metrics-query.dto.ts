import type { ReaderMetricsFilter } from '../../../projections/reader-metrics/reader-metrics.queries.js';
import {
  EndOfDayParameter,
  NotBefore,
  PatternParameter,
  StartOfDayParameter,
  VocabularyParameter,
} from '../validation/query.validators.js';

/** Vocabularies (QUERY_VOCABULARIES) these parameters take their values from: the case policy's. */
export const BODY_REGIONS = 'bodyRegions';
export const FINDING_CODES = 'findingCodes';

const YEAR_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const isoText = (instant: Date): string => instant.toISOString();
/** The read model's `to` is exclusive: the instant after the last one included. */
const exclusiveEnd = (last: Date): string => new Date(last.getTime() + 1).toISOString();

/** `?from=&to=&bodyRegion=&finding=&period=` of the reader metrics (a period, a body region, a finding). */
export class ReaderMetricsQueryDto implements ReaderMetricsFilter {
  @StartOfDayParameter({ description: 'Requests with occurredAt ≥ from' }, isoText)
  from?: string;

  @EndOfDayParameter({ description: 'Requests with occurredAt ≤ to' }, exclusiveEnd)
  @NotBefore('from')
  to?: string;

  @VocabularyParameter(BODY_REGIONS, { example: 'chest', description: 'One of the configured body regions' })
  bodyRegion?: string;

  @VocabularyParameter(FINDING_CODES, {
    example: 'fracture',
    description: 'Restrict accuracy and discordance to one finding code of the configured vocabulary',
  })
  finding?: string;

  @PatternParameter(YEAR_MONTH, 'a UTC year-month (YYYY-MM)', {
    example: '2025-01',
    description: 'Requests of one UTC year-month (`byPeriod`)',
  })
  period?: string;
}
