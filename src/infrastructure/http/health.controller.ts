import { Controller, Get, HttpCode, HttpStatus, Inject, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../../application/ports/event-store.port.js';

const PROBE_TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

const PROBE_STATES = ['up', 'down'];

class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

class ReadinessChecksDto {
  @ApiProperty({ enum: PROBE_STATES }) eventStore!: 'up' | 'down';
  @ApiProperty({ enum: PROBE_STATES }) readModels!: 'up' | 'down';
}

class ReadyDto {
  @ApiProperty({ enum: ['ready'] }) status!: 'ready';
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ type: HealthDto })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Readiness: the event store and the read-model database answer' })
  @ApiOkResponse({ type: ReadyDto })
  @ApiServiceUnavailableResponse({
    description: 'not-ready: a dependency does not answer (`checks` says which)',
  })
  async ready(): Promise<{ status: 'ready'; checks: Record<string, 'up' | 'down'> }> {
    const [eventStore, readModels] = await Promise.all([
      probe(() => this.eventStore.ping()),
      probe(() => this.dataSource.query('SELECT 1')),
    ]);
    const checks = { eventStore, readModels };
    if (eventStore === 'down' || readModels === 'down') {
      throw new ServiceUnavailableException({
        code: 'not-ready',
        detail: 'A dependency does not answer',
        checks,
      });
    }
    return { status: 'ready', checks };
  }
}
