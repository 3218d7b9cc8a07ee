import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 (as RFC 6962, SHA-256): leaf hash = SHA-256(0x00 || leaf),
 * node hash = SHA-256(0x01 || left || right), the tree over n leaves split at the largest power of
 * two below n. Proofs are generated and verified exactly as §2.1.3 and §2.1.4 write them.
 *
 * Indexes are plain numbers with arithmetic instead of bit operators (those are 32-bit in
 * JavaScript): correct up to 2^53 leaves.
 */

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT = createHash('sha256').digest();

export function leafHash(leaf: Buffer): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number): boolean => n >= 1 && 2 ** Math.round(Math.log2(n)) === n;

/**
 * A complete (perfect) subtree: 2^level leaves starting at index × 2^level. The stored tree keeps
 * exactly these; every other hash a proof needs is computed from them.
 */
export interface PerfectNode {
  level: number;
  index: number;
}

/** Looks up perfect subtrees' hashes (level 0: leaf hashes). */
export type PerfectNodeHashes = (node: PerfectNode) => Buffer;

/**
 * MTH(D[start:end]) from the perfect subtrees below it, as the RFC's recursion splits it. Every
 * range RFC 9162's PATH and SUBPROOF ask for starts at a multiple of its split point, so the
 * recursion ends at perfect subtrees.
 */
export function rangeHash(start: number, end: number, perfect: PerfectNodeHashes): Buffer {
  const size = end - start;
  if (size <= 0) return EMPTY_ROOT;
  if (isPowerOfTwo(size) && start % size === 0) {
    return perfect({ level: Math.round(Math.log2(size)), index: start / size });
  }
  const k = splitPoint(size);
  return nodeHash(rangeHash(start, start + k, perfect), rangeHash(start + k, end, perfect));
}

/** The perfect subtrees `rangeHash(start, end)` reads, to fetch them in one query before computing. */
export function perfectNodesOfRange(start: number, end: number): PerfectNode[] {
  const size = end - start;
  if (size <= 0) return [];
  if (isPowerOfTwo(size) && start % size === 0)
    return [{ level: Math.round(Math.log2(size)), index: start / size }];
  const k = splitPoint(size);
  return [...perfectNodesOfRange(start, start + k), ...perfectNodesOfRange(start + k, end)];
}

/** The hash of the tree over these leaf hashes (MTH), straight from the definition. */
export function rootOf(leafHashes: readonly Buffer[]): Buffer {
  const n = leafHashes.length;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leafHashes[0]!;
  const k = splitPoint(n);
  return nodeHash(rootOf(leafHashes.slice(0, k)), rootOf(leafHashes.slice(k)));
}

/** A proof as ranges whose hashes make it, in proof order (each hashed with rangeHash). */
export type ProofRanges = Array<{ start: number; end: number }>;

/** RFC 9162 §2.1.3.1 PATH(m, D[start:end]): the audit path of leaf `m` of the range. */
function pathRanges(m: number, start: number, end: number): ProofRanges {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...pathRanges(m, start, start + k), { start: start + k, end }]
    : [...pathRanges(m - k, start + k, end), { start, end: start + k }];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[start:end], b). */
function subproofRanges(m: number, start: number, end: number, complete: boolean): ProofRanges {
  const n = end - start;
  if (m === n) return complete ? [] : [{ start, end }];
  const k = splitPoint(n);
  return m <= k
    ? [...subproofRanges(m, start, start + k, complete), { start: start + k, end }]
    : [...subproofRanges(m - k, start + k, end, false), { start, end: start + k }];
}

/** The ranges of leaf `leafIndex`'s inclusion proof in the tree of `treeSize` leaves. */
export function inclusionProofRanges(leafIndex: number, treeSize: number): ProofRanges {
  if (!(leafIndex >= 0 && leafIndex < treeSize)) {
    throw new RangeError(`Leaf ${leafIndex} is not in a tree of ${treeSize} leaves`);
  }
  return pathRanges(leafIndex, 0, treeSize);
}

/** The ranges of the consistency proof from the tree of `first` leaves to the tree of `second` (0 < first ≤ second). */
export function consistencyProofRanges(first: number, second: number): ProofRanges {
  if (!(first >= 1 && first <= second)) {
    throw new RangeError(`No consistency proof from ${first} to ${second} leaves`);
  }
  return subproofRanges(first, 0, second, true);
}

/** Every perfect subtree a proof's ranges read. */
export const perfectNodesOfProof = (ranges: ProofRanges): PerfectNode[] =>
  ranges.flatMap(({ start, end }) => perfectNodesOfRange(start, end));

export const proofHashes = (ranges: ProofRanges, perfect: PerfectNodeHashes): Buffer[] =>
  ranges.map(({ start, end }) => rangeHash(start, end, perfect));

const isHash = (value: Buffer): boolean => value.length === HASH_SIZE;

/**
 * The walk both verifications share (RFC 9162 §2.1.3.2 step 4, §2.1.4.2 step 6): from node `fn` of
 * the tree whose last node is `sn`, up one level per proof hash, handing each to `combine` with
 * whether it is the left sibling. False when the proof is longer or shorter than that path.
 */
function walkToRoot(
  fn: number,
  sn: number,
  proof: readonly Buffer[],
  combine: (sibling: Buffer, isLeft: boolean) => void,
): boolean {
  for (const sibling of proof) {
    if (sn === 0) return false;
    const isLeft = fn % 2 === 1 || fn === sn;
    combine(sibling, isLeft);
    // A left sibling at the tree's right edge: climb past the levels where this node has none.
    while (isLeft && fn % 2 === 0 && fn !== 0) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0;
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf with this hash at `leafIndex` in the tree with `root`? */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  hash: Buffer,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!(leafIndex >= 0 && leafIndex < treeSize) || !isHash(hash) || !proof.every(isHash)) return false;
  let r = hash;
  const walked = walkToRoot(leafIndex, treeSize - 1, proof, (p, isLeft) => {
    r = isLeft ? nodeHash(p, r) : nodeHash(r, p);
  });
  return walked && r.equals(root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves with `firstRoot` to be a prefix of
 * the tree of `second` leaves with `secondRoot`? Equal sizes need an empty proof and equal roots; a
 * proof from the empty tree proves nothing and is refused.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (!(first >= 1 && first <= second) || !proof.every(isHash)) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  const walked = walkToRoot(fn, sn, path.slice(1), (c, isLeft) => {
    if (isLeft) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
    } else {
      sr = nodeHash(sr, c);
    }
  });
  return walked && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/**
 * The right edge of a growing tree (a compact range): the perfect subtrees that make up the first
 * `size` leaves, largest first. Appending a leaf merges equal-sized neighbours and reports each
 * perfect subtree it completes, which is what the stored tree keeps.
 */
export class TreeEdge {
  private constructor(
    private size_: number,
    /** Hashes of the perfect subtrees of [0, size), largest (leftmost) first. */
    private readonly hashes: Buffer[],
  ) {}

  static empty(): TreeEdge {
    return new TreeEdge(0, []);
  }

  /** The perfect subtrees whose hashes `TreeEdge.of(size, …)` needs, largest first. */
  static nodesOf(size: number): PerfectNode[] {
    const nodes: PerfectNode[] = [];
    let start = 0;
    for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
      const width = 2 ** level;
      if (size - start >= width) {
        nodes.push({ level, index: start / width });
        start += width;
      }
    }
    return nodes;
  }

  static of(size: number, perfect: PerfectNodeHashes): TreeEdge {
    return new TreeEdge(size, TreeEdge.nodesOf(size).map(perfect));
  }

  get size(): number {
    return this.size_;
  }

  /** Appends a leaf hash; returns the perfect subtrees it completes above level 0. */
  append(hash: Buffer): Array<PerfectNode & { hash: Buffer }> {
    const completed: Array<PerfectNode & { hash: Buffer }> = [];
    let carry = hash;
    let level = 0;
    let index = this.size_;
    // The trailing one-bits of the old size are the subtrees the new leaf completes.
    let remaining = this.size_;
    while (remaining % 2 === 1) {
      carry = nodeHash(this.hashes.pop()!, carry);
      level += 1;
      index = Math.floor(index / 2);
      completed.push({ level, index, hash: carry });
      remaining = Math.floor(remaining / 2);
    }
    this.hashes.push(carry);
    this.size_ += 1;
    return completed;
  }

  root(): Buffer {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let hash = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) hash = nodeHash(this.hashes[i]!, hash);
    return hash;
  }
}
