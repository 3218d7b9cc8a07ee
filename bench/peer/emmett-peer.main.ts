/**
 * `npm run bench:peer` (add `-- --quick` for a short run): the peer benchmark alone, on the local
 * PostgreSQL (or BENCH_ADMIN_DATABASE_URL). Prints the machine and the table of docs/benchmarks.md's
 * peer section.
 */
import { cpus, release, totalmem } from 'node:os';
import { peerMarkdownTable, runEmmettPeer } from './emmett-peer.bench.js';

const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const quick = process.argv.includes('--quick');

async function main(): Promise<void> {
  const started = performance.now();
  const result = await runEmmettPeer({ adminUrl, quick });
  console.log(
    `\n${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, kernel ${release()}, Node.js ${process.version}, PostgreSQL ${result.postgres}; ${quick ? 'quick' : 'full'} run in ${((performance.now() - started) / 1000).toFixed(0)} s, means of ${result.settings.rounds} interleaved round(s)\n`,
  );
  console.log(peerMarkdownTable(result));
  const wal = result.walPerAppend;
  console.log(
    `\nWAL per 1-event append right after a checkpoint: ours ${Math.round(wal.ours.bytes)} bytes (${wal.ours.fullPageImages.toFixed(2)} full-page images), Emmett ${Math.round(wal.emmett.bytes)} (${wal.emmett.fullPageImages.toFixed(2)}), raw SQL ${Math.round(wal.raw.bytes)} (${wal.raw.fullPageImages.toFixed(2)})`,
  );
  console.log(`\n${JSON.stringify(result.rows.map(({ id, rounds }) => ({ id, rounds })))}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
