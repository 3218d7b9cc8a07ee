import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/** The domain is pure (STYLE.md): relative imports only, no clock, no randomness. Named file by file. */
const DOMAIN = join(process.cwd(), 'src', 'domain');
const files = readdirSync(DOMAIN, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => ({
    file: relative(process.cwd(), join(DOMAIN, file)),
    // Comments may name what the code must not do.
    source: readFileSync(join(DOMAIN, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, ''),
  }));

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
  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(FORBIDDEN)('holds no %s', (_, pattern) => {
    expect(files.filter(({ source }) => pattern.test(source)).map(({ file }) => file)).toEqual([]);
  });
});
