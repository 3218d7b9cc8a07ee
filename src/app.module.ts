import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RUNTIME_CONFIG, type RuntimeConfig } from './infrastructure/config/runtime-config.js';
import { EventStoreModule } from './infrastructure/event-store/event-store.module.js';
import { AuthModule } from './infrastructure/http/auth/auth.module.js';
import { CaseModule } from './infrastructure/http/case/case.module.js';
import { DossierModule } from './infrastructure/http/dossier/dossier.module.js';
import { FhirModule } from './infrastructure/http/fhir/fhir.module.js';
import { WebhookEndpointsModule } from './infrastructure/http/webhooks/webhook-endpoints.module.js';
import { WorklistModule } from './infrastructure/http/worklist/worklist.module.js';
import { WebhookDeliveryModule } from './infrastructure/webhooks/delivery/webhook-delivery.module.js';
import { HealthController } from './infrastructure/http/health.controller.js';
import { ProblemsController } from './infrastructure/http/problem/problems.controller.js';
import { IntegrityModule } from './infrastructure/http/integrity/integrity.module.js';
import { ReaderMetricsModule } from './infrastructure/http/metrics/reader-metrics.module.js';
import { OpinionShoppingModule } from './infrastructure/http/opinion-shopping/opinion-shopping.module.js';
import { ProjectionsModule } from './infrastructure/http/projections/projections.module.js';
import { loggerParams } from './infrastructure/logging/logging.js';
import { PinoLoggingModule } from './infrastructure/logging/pino-logging.module.js';
import { readModelDataSourceOptions } from './infrastructure/persistence/read-models.js';

@Module({})
export class AppModule {
  /** `extraModules` join the application's own (the benchmark adds its baseline routes). */
  static forRoot(config: RuntimeConfig, extraModules: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PinoLoggingModule.forRoot(loggerParams(config)),
        CqrsModule.forRoot(),
        TypeOrmModule.forRoot(readModelDataSourceOptions(config.databaseUrl)),
        EventStoreModule.forRoot(config),
        CaseModule,
        WorklistModule,
        ProjectionsModule,
        ReaderMetricsModule,
        OpinionShoppingModule,
        IntegrityModule,
        DossierModule,
        WebhookEndpointsModule,
        WebhookDeliveryModule,
        FhirModule,
        AuthModule.forRoot(config),
        ...extraModules,
      ],
      controllers: [HealthController, ProblemsController],
      providers: [{ provide: RUNTIME_CONFIG, useValue: config }],
      exports: [RUNTIME_CONFIG],
      global: true,
    };
  }
}
