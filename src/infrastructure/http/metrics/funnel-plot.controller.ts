import { Controller, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  type FunnelMeasure,
  type FunnelPlot,
  type FunnelReference,
  funnelReferenceFor,
} from '../../../domain/metrics/funnel-plot.js';
import type { ReaderMetricsFilter } from '../../../projections/reader-metrics/reader-metrics.queries.js';
import { CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { invalidParameters, QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { ReadRoute } from '../read-route.decorator.js';
import { FunnelPlotQueryDto } from './funnel-plot-query.dto.js';
import { FunnelPlotDto } from './funnel-plot.dto.js';
import { readerMetricsLinks } from './reader-cases.links.js';
import { MetricsReads, scopeOf } from './metrics-reads.js';

/** The measure and the reference it is computed against, or 400 naming what is missing or does not fit. */
function plotted(query: FunnelPlotQueryDto): { measure: FunnelMeasure; reference: FunnelReference } {
  const { measure } = query;
  if (measure === undefined) {
    throw invalidParameters([{ field: 'measure', message: 'measure is required: the measure to plot' }]);
  }
  const resolved = funnelReferenceFor(measure, query.reference);
  if ('problem' in resolved) throw invalidParameters([{ field: 'reference', message: resolved.problem }]);
  return { measure, reference: resolved.reference };
}

/**
 * The funnel plot of one reader measure (major discordance, sensitivity, specificity) over every
 * reader in scope, from the reader-metrics read model: what the "Reader performance" screen draws.
 * Same access as the reader metrics, and recorded in the access log like them.
 */
@ApiTags('metrics')
@Controller('api/v1/metrics/funnel')
export class FunnelPlotController extends MetricsReads {
  @ReadRoute({
    action: 'read-reader-metrics',
    summary: 'Funnel plot of one reader measure: points, group rate and control limits',
    description:
      'One point per reader in scope at (n, rate), the pooled group rate, and the 95% and 99.8% binomial ' +
      'control limits sampled as curves; readers below the minimum of compared reads are plotted, never ' +
      'judged. major-discordance is always against the consensus; sensitivity and specificity take a reference.',
    ok: { type: FunnelPlotDto },
    badRequest: 'No measure, a reference that does not fit it, or an unknown or invalid parameter',
  })
  async funnel(
    @Query(QueryValidationPipe) query: FunnelPlotQueryDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<FunnelPlot & { scope: ReaderMetricsFilter }> {
    const { measure, reference } = plotted(query);
    const scope = scopeOf(query);
    const plot = await this.read(request, identity, (metrics, settings) =>
      metrics.funnel(measure, reference, scope, {
        ...settings,
        readerLink: readerMetricsLinks(request.query as Record<string, unknown>),
      }),
    );
    const { measure: _, reference: __, definition, ...figures } = plot;
    return { measure, reference, definition, scope, ...figures };
  }
}
