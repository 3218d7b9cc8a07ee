import {
  type BeforeApplicationShutdown,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../../../application/ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../../../application/ports/event-store.port.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import { PROJECTION_SCHEMAS, type Projection } from '../../../projections/runner/projection.js';
import { ProjectionRunner } from '../../../projections/runner/projection-runner.js';
import { ProjectionSchemaDirectory } from '../../../projections/runner/projection-schemas.js';
import { RegisteredProjection } from '../../../projections/runner/registered-projection.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { runsBackgroundWork } from '../../runtime/engine-role.js';
import { AuditModule } from '../audit/audit.module.js';
import { MetricsController } from './metrics.controller.js';
import { createMetricsRegistry, METRICS_REGISTRY, ProjectionMetrics } from './projection-metrics.js';
import { ProjectionsController } from './projections.controller.js';

const isProjection = (candidate: unknown): candidate is Projection =>
  typeof candidate === 'object' &&
  candidate !== null &&
  typeof (candidate as Projection).name === 'string' &&
  typeof (candidate as Projection).apply === 'function' &&
  typeof (candidate as Projection).createTables === 'function';

/**
 * Registers the discovered projections and runs them for the application's lifetime. An API-role
 * process only registers them (status and rebuild requests go through the shared bookkeeping
 * rows); the projector's workers hold the locks and apply the events.
 */
@Injectable()
export class ProjectionRunnerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly discovery: DiscoveryService,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const projections = this.discovery
      .getProviders({ metadataKey: RegisteredProjection.KEY })
      .map((wrapper) => wrapper.instance as unknown)
      .filter(isProjection);
    this.runner.register(...projections);
    if (runsBackgroundWork(this.config.role)) await this.runner.start();
  }

  /** Before the event store and the pool close: batches in flight commit, locks are released. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}

/**
 * Projections (read models), their runner, status, rebuild and /metrics.
 *
 * Adding a projection: write a class implementing `Projection` (src/projections/runner/projection.ts),
 * decorate it with `@RegisteredProjection()` and list it in the providers of your module (imported
 * by AppModule, or by this one). At bootstrap every provider so marked is registered with the
 * runner, which creates its first generation and runs it; `POST /api/v1/projections/{name}/rebuild`
 * and `GET /api/v1/projections` then know it by its `name`. Its queries read through
 * `PROJECTION_SCHEMAS` (`withActiveSchema(name, …)`), exported here with the runner, the
 * AccessRecorder and the metrics registry (global module: no import needed).
 */
@Global()
@Module({
  imports: [DiscoveryModule, AuditModule],
  controllers: [ProjectionsController, MetricsController],
  providers: [
    {
      // The application's read-model DataSource: one pool serves queries and projection workers.
      provide: ProjectionRunner,
      inject: [DataSource, EVENT_STORE, CLOCK],
      useFactory: (dataSource: DataSource, store: EventStore, clock: Clock) =>
        new ProjectionRunner({ dataSource, store, clock, logger: new Logger('Projections') }),
    },
    {
      // Queries resolve the serving generation through the application's read-model pool.
      provide: PROJECTION_SCHEMAS,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new ProjectionSchemaDirectory(dataSource),
    },
    { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry },
    ProjectionMetrics,
    ProjectionRunnerLifecycle,
    AccessRecorder,
  ],
  exports: [ProjectionRunner, PROJECTION_SCHEMAS, METRICS_REGISTRY, AccessRecorder],
})
export class ProjectionsModule {}
