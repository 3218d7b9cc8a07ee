import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { RUNTIME_CONFIG, type RuntimeConfig } from './infrastructure/config/runtime-config.js';
import { EventStoreModule } from './infrastructure/event-store/event-store.module.js';
import { BenchModule } from './infrastructure/http/bench/bench.module.js';
import { CaseModule } from './infrastructure/http/case/case.module.js';
import { WorklistModule } from './infrastructure/http/worklist/worklist.module.js';
import { HealthController } from './infrastructure/http/health.controller.js';
import { ReaderMetricsModule } from './infrastructure/http/metrics/reader-metrics.module.js';
import { OpinionShoppingModule } from './infrastructure/http/opinion-shopping/opinion-shopping.module.js';
import { ProjectionsModule } from './infrastructure/http/projections/projections.module.js';
import { loggerParams } from './infrastructure/logging/logging.js';
import { READ_MODEL_ENTITIES, READ_MODEL_MIGRATIONS } from './infrastructure/persistence/read-models.js';

@Module({})
export class AppModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerParams(config)),
        CqrsModule.forRoot(),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.databaseUrl,
          // Under ESM, path globs do not load: entities and migrations are given as classes.
          entities: READ_MODEL_ENTITIES,
          migrations: READ_MODEL_MIGRATIONS,
          migrationsRun: true,
          synchronize: false,
          extra: {
            max: 10,
            idle_in_transaction_session_timeout: 60_000,
            application_name: 'engine-read-models',
          },
        }),
        EventStoreModule.forRoot(config),
        CaseModule,
        WorklistModule,
        ProjectionsModule,
        ReaderMetricsModule,
        OpinionShoppingModule,
        ...(process.env.BENCH_ROUTES === 'true' ? [BenchModule] : []), // bench/e2e baseline routes
      ],
      controllers: [HealthController],
      providers: [{ provide: RUNTIME_CONFIG, useValue: config }],
      exports: [RUNTIME_CONFIG],
      global: true,
    };
  }
}
