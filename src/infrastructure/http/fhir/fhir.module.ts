import { Module } from '@nestjs/common';
import { AuditTrailQueries } from '../../../projections/audit-trail/audit-trail.queries.js';
import { CaseModule } from '../case/case.module.js';
import { FhirCases } from './fhir-cases.js';
import { FhirController } from './fhir.controller.js';

/** The FHIR R4 facade under /fhir/R4 (docs/fhir.md); its HTTP conventions: registerFhirHttp. */
@Module({
  imports: [CaseModule],
  controllers: [FhirController],
  providers: [FhirCases, AuditTrailQueries],
})
export class FhirModule {}
