import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * The domain and every slice's decide function are pure (STYLE.md): relative imports of pure files
 * only, no clock, no randomness. Named file by file.
 */
const SRC = join(process.cwd(), 'src');
const DOMAIN = join(SRC, 'domain');
const isPure = (file: string): boolean =>
  (file.startsWith(DOMAIN + sep) && !file.endsWith('.spec.ts')) || file.endsWith('.decide.ts');
const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .map((file) => join(SRC, file))
  .filter((path) => path.endsWith('.ts') && isPure(path))
  .map((path) => ({
    path,
    file: relative(process.cwd(), path),
    // Comments may name what the code must not do.
    source: readFileSync(path, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, ''),
  }));

/** Relative imports that leave the pure files (a decide file may use the domain and other decide files). */
const impureImports = ({ path, source }: { path: string; source: string }): string[] =>
  [...source.matchAll(/from '(\.[^']*)'/g)]
    .map((match) => match[1]!)
    .filter((target) => !isPure(resolve(dirname(path), target.replace(/\.js$/, '.ts'))));

const FORBIDDEN: [string, RegExp][] = [
  [
    'an import from outside src/domain',
    /from '(?!\.)[^']*'|from '(\.\.\/){2,}(application|infrastructure|projections)/,
  ],
  ['an import without the .js extension', /from '\.[^']*(?<!\.js)'/],
  ['the clock', /Date\.now\(|new Date\(\)/],
  ['randomness', /Math\.random|randomUUID|crypto/],
  ['any', /:\s*any\b|as any\b|<any>/],
];

describe('src/domain stays pure', () => {
  it('has files to check, decide functions among them', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter(({ file }) => file.endsWith('.decide.ts')).length).toBe(14);
  });

  it('imports only pure files', () => {
    expect(files.flatMap((file) => impureImports(file).map((target) => `${file.file} → ${target}`))).toEqual(
      [],
    );
  });

  it.each(FORBIDDEN)('holds no %s', (_, pattern) => {
    expect(files.filter(({ source }) => pattern.test(source)).map(({ file }) => file)).toEqual([]);
  });
});
