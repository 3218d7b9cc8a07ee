import { Module } from '@nestjs/common';
import { BenchController } from './bench.controller.js';

/**
 * Routes for `npm run bench` (bench/e2e/bench.ts): AppModule imports this module only when the
 * environment sets `BENCH_ROUTES=true`, which the benchmark does for the engine it starts.
 */
@Module({ controllers: [BenchController] })
export class BenchModule {}
