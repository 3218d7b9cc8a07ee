import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CASE_ERROR_CODES } from '../../../src/domain/index.js';

const read = (directory: string, keep: (file: string) => boolean): string =>
  readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter(keep)
    .map((file) => readFileSync(join(directory, file), 'utf8'))
    .join('\n');

const SLICES = join(process.cwd(), 'src', 'application', 'case');
// What the domain and the slices' decide functions throw, and the specifications beside each.
const domain =
  read(join(process.cwd(), 'src', 'domain'), (file) => file.endsWith('.ts')) +
  read(SLICES, (file) => file.endsWith('.decide.ts'));
const specs =
  read(
    join(process.cwd(), 'test', 'unit', 'domain'),
    (file) => file.endsWith('.spec.ts') && file !== 'case.errors.spec.ts',
  ) + read(SLICES, (file) => file.endsWith('.spec.ts'));
const codes = Object.keys(CASE_ERROR_CODES);

describe('CASE_ERROR_CODES', () => {
  it('lists every code the domain throws, and only those', () => {
    const thrown = [...domain.matchAll(/caseError\(\s*'([a-z-]+)'/g)].map((match) => match[1]);
    expect(new Set(thrown)).toEqual(new Set(codes));
  });

  it.each(codes)('%s is kebab-case, explained, and exercised by a specification', (code) => {
    expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(CASE_ERROR_CODES[code as keyof typeof CASE_ERROR_CODES]).toMatch(/\.$/);
    expect(specs).toContain(`'${code}'`);
  });
});
