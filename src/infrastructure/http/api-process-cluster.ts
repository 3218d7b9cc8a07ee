import cluster, { type Worker } from 'node:cluster';
import { pino } from 'pino';
import type { Env } from '../config/app-config.js';

/**
 * ENGINE_API_PROCESSES=N (N > 1, ENGINE_ROLE=api): this process forks N API processes with
 * node:cluster, which share the listening port (the primary hands out connections round-robin),
 * and serves nothing itself. A worker that dies once listening is replaced; one that dies before
 * (its start-up failed, and would fail again) stops the cluster with exit code 1. SIGTERM or SIGINT
 * is passed on to every worker, and the primary exits once they have, 0 when all ended cleanly.
 */
export function superviseApiProcesses(processes: number, env: Env, shutdownGraceMs: number): Promise<never> {
  // The primary runs no Nest application: it logs with pino directly, as JSON lines like the engine's.
  const logger = pino({ name: 'ApiCluster' });
  return new Promise<never>(() => {
    // Each worker runs the engine alone (cluster.isPrimary is false there).
    const workerEnv = { ...env, ENGINE_API_PROCESSES: '1' };
    /** Each running worker, and whether it has started listening. */
    const workers = new Map<Worker, boolean>();
    let stopping = false;
    let failed = false;

    const fork = (): void => {
      workers.set(cluster.fork(workerEnv), false);
    };

    const stop = (reason: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info(`API cluster: ${reason}; stopping ${workers.size} API processes`);
      for (const worker of workers.keys()) worker.process.kill('SIGTERM');
      setTimeout(() => {
        logger.error('API cluster: API processes did not stop in time; exiting');
        process.exit(1);
      }, shutdownGraceMs + 10_000).unref();
    };

    cluster.on('listening', (worker) => {
      if (!workers.has(worker)) return;
      workers.set(worker, true);
      logger.info(`API cluster: API process ${String(worker.process.pid)} listening`);
    });

    cluster.on('exit', (worker, code, signal) => {
      const listened = workers.get(worker) === true;
      workers.delete(worker);
      const how = signal === null ? `exit code ${String(code)}` : signal;
      if (!stopping && listened) {
        logger.warn(
          `API cluster: API process ${String(worker.process.pid)} ended (${how}); starting another`,
        );
        fork();
        return;
      }
      if (!stopping) stop(`API process ${String(worker.process.pid)} failed to start (${how})`);
      failed ||= !listened || code !== 0 || signal !== null;
      if (workers.size === 0) process.exit(failed ? 1 : 0);
    });

    process.on('SIGTERM', () => stop('SIGTERM received'));
    process.on('SIGINT', () => stop('SIGINT received'));

    for (let index = 0; index < processes; index += 1) fork();
    logger.info(`API cluster: starting ${processes} API processes (primary ${process.pid})`);
  });
}
