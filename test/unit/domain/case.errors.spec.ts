import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CASE_ERROR_CODES } from '../../../src/domain/index.js';

const read = (directory: string): string =>
  readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(directory, file), 'utf8'))
    .join('\n');

const domain = read(join(process.cwd(), 'src', 'domain'));
const specs = readdirSync(join(process.cwd(), 'test', 'unit', 'domain'))
  .filter((file) => file.endsWith('.spec.ts') && file !== 'case.errors.spec.ts')
  .map((file) => readFileSync(join(process.cwd(), 'test', 'unit', 'domain', file), 'utf8'))
  .join('\n');
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
