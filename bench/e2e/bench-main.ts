import 'reflect-metadata';
import { runEngine } from '../../src/infrastructure/http/run-engine.js';
import { BenchRoutesModule } from './bench-routes.module.js';

/** The engine as `npm start` runs it, plus the baseline routes the benchmark compares it with. */
void runEngine(process.env, [BenchRoutesModule]);
