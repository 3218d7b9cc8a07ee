/** Reader metrics: the statistics, the per-reader figures and the fold of a case into their facts. */
export * from './statistics.js';
export * from './reader-metrics.js';
export * from './metrics-case.js';
export { instantOf, parseInstant, periodOf } from './time.js';
