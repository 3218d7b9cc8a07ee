import { Module } from '@nestjs/common';
import { AccessLogQueries } from '../../../projections/access-log/access-log.queries.js';
import { AuditTrailProjection } from '../../../projections/audit-trail/audit-trail.projection.js';
import { AuditTrailQueries } from '../../../projections/audit-trail/audit-trail.queries.js';
import { CaseModule } from '../case/case.module.js';
import { AccessLogController } from './access-log.controller.js';
import { AuditTrailController } from './audit-trail.controller.js';

/**
 * The audit trail and access log: their projection (registered with the runner through
 * @RegisteredProjection), queries and routes. AccessRecorder and PROJECTION_SCHEMAS come from the
 * global ProjectionsModule.
 */
@Module({
  imports: [CaseModule],
  controllers: [AuditTrailController, AccessLogController],
  providers: [AuditTrailProjection, AuditTrailQueries, AccessLogQueries],
})
export class AuditModule {}
