import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  requiredNodeRange,
  unsupportedNodeMessage,
} from '../../../src/infrastructure/runtime/node-version.js';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };

describe('unsupportedNodeMessage (version, range → why not, or null)', () => {
  it.each([
    ['v20.19.0', '^20.19.0', true],
    ['v20.20.2', '^20.19.0', true],
    ['v20.99.1', '^20.19.0', true],
    ['v20.21.0-rc.1', '^20.19.0', true], // a release candidate of a supported line
    ['v20.18.3', '^20.19.0', false],
    ['v18.20.4', '^20.19.0', false],
    ['v21.0.0', '^20.19.0', false],
    ['v22.12.0', '^20.19.0', false],
    ['v24.0.0-nightly20250101', '^20.19.0', false],
    ['not-a-version', '^20.19.0', false],
    ['v22.12.0', '^20.19.0 || >=22.12.0', true],
  ])('Node %s with engines %s: supported %s', (version, range, supported) => {
    const message = unsupportedNodeMessage(version, range);
    if (supported) {
      expect(message).toBeNull();
    } else {
      expect(message).toBe(
        `Node.js ${version} is not supported: this engine runs on Node.js ${range} ("engines" in package.json). ` +
          'Switch to a Node.js version in that range and start it again.',
      );
    }
  });

  it('refuses a range that is not one (a broken package.json, not a verdict on this Node)', () => {
    expect(() => unsupportedNodeMessage('v20.20.2', 'twenty')).toThrow('"twenty" is not a semver range');
  });
});

describe('requiredNodeRange', () => {
  const folder = mkdtempSync(join(tmpdir(), 'node-range-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("reads the engine's own package.json from the module's folder", () => {
    expect(requiredNodeRange()).toBe(manifest.engines.node);
  });

  it('takes the nearest package.json above the folder, as Node does for "type"', () => {
    mkdirSync(join(folder, 'dist', 'src'), { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ engines: { node: '>=99' } }));
    expect(requiredNodeRange(join(folder, 'dist', 'src'))).toBe('>=99');
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'no-engines' }));
    expect(() => requiredNodeRange(join(folder, 'dist', 'src'))).toThrow('names no "engines.node" range');
  });

  it('is the range the README names and the range this test run is on', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(`\`engines\`: \`${manifest.engines.node}\``);
    expect(unsupportedNodeMessage(process.version, manifest.engines.node)).toBeNull();
  });
});
