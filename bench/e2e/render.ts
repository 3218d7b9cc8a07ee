/**
 * Writes the Markdown of a benchmark report again from its JSON (after a change to the layout, or
 * to add a before/after table): `node dist/bench/e2e/render.js docs/benchmarks.json [--compare=<earlier.json>]`.
 * With --compare, the earlier run's rows are also kept in the JSON (`comparedWith`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { formatMarkdown, markdown, type Report } from './report.js';

async function main(): Promise<void> {
  const [path] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  if (!path) {
    throw new Error(
      'usage: render.js <report.json> [--compare=<earlier.json> [--compare-label=<what it was>]]',
    );
  }
  const comparePath = process.argv.find((arg) => arg.startsWith('--compare='))?.slice('--compare='.length);
  const report = JSON.parse(await readFile(path, 'utf8')) as Report;
  if (comparePath) {
    const { date, mode, rows, title } = JSON.parse(await readFile(comparePath, 'utf8')) as Report;
    const label = process.argv
      .find((arg) => arg.startsWith('--compare-label='))
      ?.slice('--compare-label='.length);
    report.comparedWith = { date, mode, rows, title: label ?? title };
    await writeFile(path, JSON.stringify(report, null, 2) + '\n');
  }
  const out = path.replace(/\.json$/, '') + '.md';
  await writeFile(out, await formatMarkdown(markdown(report)));
  process.stdout.write(`wrote ${out}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
