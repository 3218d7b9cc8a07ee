import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  consistencyProofRanges,
  EMPTY_ROOT,
  inclusionProofRanges,
  leafHash,
  nodeHash,
  type PerfectNode,
  perfectNodesOfRange,
  proofHashes,
  rangeHash,
  rootOf,
  TreeEdge,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/application/integrity/merkle-tree.js';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

/**
 * The Certificate Transparency test vectors (RFC 6962's tree of eight leaves), as published with
 * transparency-dev/merkle (rfc6962 hasher tests, testonly constants and proof verification tests).
 */
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);

/** MTH of the first n leaves, n = 0 … 8. */
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);

/** Complete subtrees of the eight-leaf tree, by level. */
const NODES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
].map((level) => level.map(hex));

/** Inclusion proofs: [leaf index, tree size, audit path]. */
const INCLUSION: Array<[number, number, string[]]> = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

/** Consistency proofs: [first size, second size, consistency path]. */
const CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

const LEAF_HASHES = LEAVES.map(leafHash);
const SOME_HASH = hex('abacaba000000000000000000000000000000000000000000060061e00123456');

/** The tree of these leaf hashes as the stored tree keeps it: complete subtrees only. */
function perfectOf(leafHashes: readonly Buffer[]) {
  return ({ level, index }: PerfectNode): Buffer => {
    const width = 2 ** level;
    const covered = leafHashes.slice(index * width, (index + 1) * width);
    if (covered.length !== width) throw new Error(`node ${level}/${index} is not complete`);
    return rootOf(covered);
  };
}

function inclusionProof(leafHashes: readonly Buffer[], leafIndex: number, size: number): Buffer[] {
  return proofHashes(inclusionProofRanges(leafIndex, size), perfectOf(leafHashes));
}

function consistencyProof(leafHashes: readonly Buffer[], first: number, second: number): Buffer[] {
  return proofHashes(consistencyProofRanges(first, second), perfectOf(leafHashes));
}

describe('RFC 9162 hashing (CT test vectors)', () => {
  it.each([
    [
      'the empty tree: SHA-256 of nothing',
      EMPTY_ROOT,
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ],
    [
      'an empty leaf',
      leafHash(Buffer.alloc(0)),
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    ],
    [
      'the leaf "L123456"',
      leafHash(Buffer.from('L123456')),
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    ],
    [
      'the node ("N123", "N456")',
      nodeHash(Buffer.from('N123'), Buffer.from('N456')),
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    ],
  ])('%s', (_, got, want) => {
    expect(got.toString('hex')).toBe(want);
  });

  it.each(ROOTS.map((root, size) => [size, root] as const))(
    'the root of the first %i leaves',
    (size, root) => {
      expect(rootOf(LEAF_HASHES.slice(0, size)).toString('hex')).toBe(root.toString('hex'));
      // The growing right edge reaches the same root, and the complete subtrees it reports are the vectors'.
      const edge = TreeEdge.empty();
      for (const hash of LEAF_HASHES.slice(0, size)) {
        for (const node of edge.append(hash)) {
          expect(node.hash.toString('hex')).toBe(NODES[node.level]![node.index]!.toString('hex'));
        }
      }
      expect(edge.root().toString('hex')).toBe(root.toString('hex'));
      expect(TreeEdge.of(size, perfectOf(LEAF_HASHES)).root().toString('hex')).toBe(root.toString('hex'));
    },
  );

  it('a range hash reads only complete subtrees', () => {
    expect(perfectNodesOfRange(0, 7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(rangeHash(0, 7, perfectOf(LEAF_HASHES)).equals(ROOTS[7]!)).toBe(true);
  });
});

describe('RFC 9162 inclusion proofs (CT test vectors)', () => {
  it.each(INCLUSION)('leaf %i in a tree of %i: generated as published, and verified', (index, size, path) => {
    const proof = inclusionProof(LEAF_HASHES, index, size);
    expect(proof.map((hash) => hash.toString('hex'))).toEqual(path);
    expect(verifyInclusion(index, size, LEAF_HASHES[index]!, proof, ROOTS[size]!)).toBe(true);
  });

  /** The corruptions transparency-dev/merkle's verification tests apply to every vector. */
  function corruptions(index: number, size: number, proof: Buffer[], root: Buffer, leaf: Buffer) {
    const probes: Array<[string, number, number, Buffer, Buffer[], Buffer]> = [
      ['leaf index - 1', index - 1, size, leaf, proof, root],
      ['leaf index + 1', index + 1, size, leaf, proof, root],
      ['leaf index ^ 2', index ^ 2, size, leaf, proof, root],
      ['tree size * 2', index, size * 2, leaf, proof, root],
      ['tree size / 2', index, Math.floor(size / 2), leaf, proof, root],
      ['wrong leaf', index, size, Buffer.from('WrongLeaf'), proof, root],
      ['empty root', index, size, leaf, proof, EMPTY_ROOT],
      ['random root', index, size, leaf, proof, SOME_HASH],
      ['trailing garbage', index, size, leaf, [...proof, Buffer.alloc(0)], root],
      ['trailing root', index, size, leaf, [...proof, root], root],
      ['preceding garbage', index, size, leaf, [Buffer.alloc(0), ...proof], root],
      ['preceding root', index, size, leaf, [root, ...proof], root],
    ];
    proof.forEach((_, i) => {
      const modified = proof.map((hash) => Buffer.from(hash));
      modified[i]![0]! ^= 8;
      probes.push([`modified proof[${i}] bit 3`, index, size, leaf, modified, root]);
    });
    if (proof.length > 0) probes.push(['removed component', index, size, leaf, proof.slice(0, -1), root]);
    if (proof.length > 1) {
      probes.push(['inserted component', index, size, leaf, [proof[0]!, SOME_HASH, ...proof.slice(1)], root]);
    }
    return probes;
  }

  it.each(INCLUSION.filter(([, size]) => size > 1))(
    'every corruption of leaf %i in a tree of %i fails',
    (index, size) => {
      const proof = inclusionProof(LEAF_HASHES, index, size);
      const accepted = corruptions(index, size, proof, ROOTS[size]!, LEAF_HASHES[index]!)
        .filter(([, i, n, leaf, path, root]) => verifyInclusion(i, n, leaf, path, root))
        .map(([name]) => name);
      expect(accepted).toEqual([]);
    },
  );

  it('a single-entry tree: the leaf is the root, with an empty proof', () => {
    expect(verifyInclusion(0, 1, LEAF_HASHES[0]!, [], ROOTS[1]!)).toBe(true);
    expect(verifyInclusion(0, 1, LEAF_HASHES[1]!, [], ROOTS[1]!)).toBe(false);
    expect(verifyInclusion(0, 0, LEAF_HASHES[0]!, [], EMPTY_ROOT)).toBe(false);
  });
});

describe('RFC 9162 consistency proofs (CT test vectors)', () => {
  it.each(CONSISTENCY)(
    'from %i to %i leaves: generated as published, and verified',
    (first, second, path) => {
      const proof = consistencyProof(LEAF_HASHES, first, second);
      expect(proof.map((hash) => hash.toString('hex'))).toEqual(path);
      expect(verifyConsistency(first, second, ROOTS[first]!, ROOTS[second]!, proof)).toBe(true);
    },
  );

  it.each(CONSISTENCY.filter(([first, second]) => first < second))(
    'every corruption of the proof from %i to %i fails',
    (first, second) => {
      const proof = consistencyProof(LEAF_HASHES, first, second);
      const [root1, root2] = [ROOTS[first]!, ROOTS[second]!];
      const probes: Array<[string, number, number, Buffer, Buffer, Buffer[]]> = [
        ['size1 - 1', first - 1, second, root1, root2, proof],
        ['size1 + 1', first + 1, second, root1, root2, proof],
        ['size1 ^ 2', first ^ 2, second, root1, root2, proof],
        ['size2 * 2', first, second * 2, root1, root2, proof],
        ['size2 / 2', first, Math.floor(second / 2), root1, root2, proof],
        ['wrong root1', first, second, Buffer.from('WrongRoot'), root2, proof],
        ['wrong root2', first, second, root1, Buffer.from('WrongRoot'), proof],
        ['swapped roots', first, second, root2, root1, proof],
        ['empty proof', first, second, root1, root2, []],
        ['trailing garbage', first, second, root1, root2, [...proof, Buffer.alloc(0)]],
        ['trailing root1', first, second, root1, root2, [...proof, root1]],
        ['trailing root2', first, second, root1, root2, [...proof, root2]],
        ['preceding garbage', first, second, root1, root2, [Buffer.alloc(0), ...proof]],
        ['preceding root1', first, second, root1, root2, [root1, ...proof]],
        ['preceding root2', first, second, root1, root2, [root2, ...proof]],
        ['truncated proof', first, second, root1, root2, proof.slice(0, -1)],
      ];
      proof.forEach((_, i) => {
        const modified = proof.map((hash) => Buffer.from(hash));
        modified[i]![0]! ^= 8;
        probes.push([`modified proof[${i}] bit 3`, first, second, root1, root2, modified]);
      });
      const accepted = probes
        .filter(([, m, n, r1, r2, path]) => verifyConsistency(m, n, r1, r2, path))
        .map(([name]) => name);
      expect(accepted).toEqual([]);
    },
  );

  it.each([
    ['from the empty tree (meaningless)', 0, 1, EMPTY_ROOT, ROOTS[1]!, [] as Buffer[]],
    ['size1 greater than size2', 2, 1, ROOTS[2]!, ROOTS[1]!, []],
    ['equal sizes with a non-empty proof', 1, 1, ROOTS[1]!, ROOTS[1]!, [ROOTS[1]!]],
    ['equal sizes, different roots', 1, 1, ROOTS[1]!, ROOTS[2]!, []],
    ['equal zero sizes', 0, 0, EMPTY_ROOT, EMPTY_ROOT, []],
  ])('refuses a proof %s', (_, first, second, root1, root2, proof) => {
    expect(verifyConsistency(first, second, root1, root2, proof)).toBe(false);
  });
});

describe('every proof over a random tree verifies; a tampered leaf does not (fast-check)', () => {
  // Distinct leaves (as events are: each has its own id), so that no two places share a hash.
  const leaves = fc.uniqueArray(fc.uint8Array({ maxLength: 12 }), {
    minLength: 1,
    maxLength: 70,
    selector: (leaf) => Buffer.from(leaf).toString('hex'),
  });
  const runs = { numRuns: Number(process.env.FUZZ_RUNS ?? 200) };

  it('inclusion: each leaf at each size it is in', () => {
    fc.assert(
      fc.property(leaves, fc.nat(), fc.nat(), (raw, a, b) => {
        const hashes = raw.map((leaf) => leafHash(Buffer.from(leaf)));
        const size = 1 + (a % hashes.length);
        const index = b % size;
        const root = rootOf(hashes.slice(0, size));
        const proof = inclusionProof(hashes, index, size);
        expect(verifyInclusion(index, size, hashes[index]!, proof, root)).toBe(true);
        // The same leaf with other content, or the proof of another place, is refused.
        const tampered = leafHash(Buffer.concat([Buffer.from(raw[index]!), Buffer.from([1])]));
        expect(verifyInclusion(index, size, tampered, proof, root)).toBe(false);
        if (size > 1)
          expect(verifyInclusion((index + 1) % size, size, hashes[index]!, proof, root)).toBe(false);
      }),
      runs,
    );
  });

  it('consistency: between any two sizes; a tree with one leaf changed is not consistent', () => {
    fc.assert(
      fc.property(leaves, fc.nat(), fc.nat(), fc.nat(), (raw, a, b, c) => {
        const hashes = raw.map((leaf) => leafHash(Buffer.from(leaf)));
        const second = 1 + (a % hashes.length);
        const first = 1 + (b % second);
        const proof = consistencyProof(hashes, first, second);
        const [root1, root2] = [rootOf(hashes.slice(0, first)), rootOf(hashes.slice(0, second))];
        expect(verifyConsistency(first, second, root1, root2, proof)).toBe(true);
        // A leaf of the older tree rewritten: the newer tree is no longer its extension.
        const changed = c % first;
        const rewritten = [...hashes];
        rewritten[changed] = leafHash(Buffer.concat([Buffer.from(raw[changed]!), Buffer.from([1])]));
        const forgedProof = consistencyProof(rewritten, first, second);
        const forgedRoot = rootOf(rewritten.slice(0, second));
        expect(verifyConsistency(first, second, root1, forgedRoot, forgedProof)).toBe(false);
      }),
      runs,
    );
  });

  it('the growing edge and the complete subtrees it reports agree with the definition', () => {
    fc.assert(
      fc.property(leaves, (raw) => {
        const hashes = raw.map((leaf) => leafHash(Buffer.from(leaf)));
        const edge = TreeEdge.empty();
        hashes.forEach((hash, i) => {
          for (const node of edge.append(hash)) {
            expect(node.hash.equals(perfectOf(hashes)(node))).toBe(true);
          }
          expect(edge.root().equals(rootOf(hashes.slice(0, i + 1)))).toBe(true);
        });
      }),
      runs,
    );
  });
});
