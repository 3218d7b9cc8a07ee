/**
 * Runs the 2+1 example against a running engine: `npm run example:client`, with BASE (default
 * http://localhost:3000) and the tokens of the README's walk-through in COORD, RAD_A, RAD_B, ADJ
 * and LEGAL (`npm run -s token -- --sub rad-a --roles radiologist …`; the readers' ids are the
 * tokens' subjects rad-a, rad-b and rad-c).
 */
import { EngineProblem } from '../../clients/typescript/index.js';
import { twoPlusOneCase } from './two-plus-one-case.js';

const NAMES = ['COORD', 'RAD_A', 'RAD_B', 'ADJ', 'LEGAL'] as const;
const missing = NAMES.filter((name) => !process.env[name]);
if (missing.length > 0) {
  process.stderr.write(
    `Set ${missing.join(', ')} to the walk-through's tokens (see README "Typed client").\n`,
  );
  process.exit(2);
}
const token = (name: (typeof NAMES)[number]): string => process.env[name]!;

try {
  await twoPlusOneCase(process.env.BASE ?? 'http://localhost:3000', {
    coordinator: token('COORD'),
    firstReader: { id: 'rad-a', token: token('RAD_A') },
    secondReader: { id: 'rad-b', token: token('RAD_B') },
    adjudicator: { id: 'rad-c', token: token('ADJ') },
    medicoLegal: token('LEGAL'),
  });
} catch (error) {
  if (!(error instanceof EngineProblem)) throw error;
  process.stderr.write(`The engine refused a step: ${error.message}\n`);
  process.exit(1);
}
