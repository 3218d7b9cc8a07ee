import { describe, expect, it } from '@jest/globals';
import { presentFields } from '../../../src/domain/kernel/present-fields.js';

describe('presentFields', () => {
  it.each([
    [{ a: 1, b: null }, { a: 1 }],
    [{ a: undefined, b: 'x' }, { b: 'x' }],
    // Falsy values are values: only null and undefined are left out.
    [
      { a: 0, b: '', c: false },
      { a: 0, b: '', c: false },
    ],
    [{ a: null, b: undefined }, {}],
  ])('keeps only the fields with a value: %p', (fields, expected) => {
    const present = presentFields(fields);
    expect(present).toStrictEqual(expected);
    expect(Object.keys(present)).toEqual(Object.keys(expected));
  });
});
