import { Module } from '@nestjs/common';
import { BenchRoutesController } from './bench-routes.controller.js';

/** Routes for `npm run bench` (bench.ts): only the engine bench-main.ts starts has them, never `npm start`. */
@Module({ controllers: [BenchRoutesController] })
export class BenchRoutesModule {}
