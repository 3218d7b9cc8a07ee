import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, systemClock } from '../../application/ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../../application/ports/event-store.port.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { createEventStore } from './create-event-store.js';

class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides the EventStore port with the adapter EVENT_STORE names, migrated and ready. */
@Module({})
export class EventStoreModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        { provide: EVENT_STORE, useFactory: () => createEventStore(config) },
        { provide: CLOCK, useValue: systemClock },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE, CLOCK],
    };
  }
}
