import type { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  exportCheckpoint,
  importCheckpoint,
  openCheckpoint,
  signCheckpoint,
  signReceipt,
  type SignedCheckpoint,
} from '../../application/integrity/checkpoint.js';
import { nodeKey, type StoredCheckpoint } from '../../application/integrity/integrity-log.port.js';
import { eventLeafHash } from '../../application/integrity/log-entry.js';
import {
  type PerfectNode,
  perfectNodesOfRange,
  rangeHash,
  TreeEdge,
} from '../../application/integrity/merkle-tree.js';
import {
  keyId,
  keyIdHex,
  type NoteSigner,
  type NoteVerifier,
  rawPublicKey,
} from '../../application/integrity/signed-note.js';
import type { Clock } from '../../application/ports/clock.port.js';
import type { EventStore, Position } from '../../application/ports/event-store.port.js';
import { PostgresStoredTree, type RowQuery } from './postgres-stored-tree.js';
import { describeWitness, pushCheckpoint, type Witness } from './witnesses.js';

export interface CheckpointerSettings {
  /** A checkpoint at least this often while events come (0: only by count). */
  intervalMs: number;
  /** A checkpoint at least every this many events. */
  everyEvents: number;
  witnesses: readonly Witness[];
  /** How often to look for new events, in ms. Default 500 (or intervalMs, when shorter). */
  pollMs?: number;
  /** Events logged per transaction. Default 500. */
  pageSize?: number;
  /** False: the application's start does not start it (an API-role process). Default true. */
  startWithApplication?: boolean;
}

/** Session advisory lock: one instance at a time logs and signs. */
const LOCK_NAME = 'integrity-log';
const DEFAULT_POLL_MS = 500;
const DEFAULT_PAGE = 500;

export interface TickResult {
  logged: number;
  checkpoints: number[];
}

/**
 * Keeps the verifiable log (docs/integrity.md) up with the event store: every event in the store's
 * global order becomes a leaf with a receipt signed by the log key, the tree's complete subtrees are
 * stored, and a checkpoint is signed at least every `everyEvents` events or `intervalMs`, then
 * pushed to the witnesses.
 *
 * It extends only a log it can vouch for: before each step the newest stored checkpoint must be one
 * its key signed, and the stored tree must still have the root that checkpoint signed (and that of
 * the newest one this process signed). Otherwise it stops logging and says why on every attempt:
 * whoever rewrote the tables without the key is not helped to a fresh signature over their version.
 */
export class LogCheckpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly startedAt: Date;
  private readonly pollMs: number;
  private readonly pageSize: number;
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** The newest checkpoint this key signed that this process knows of. */
  private newest?: SignedCheckpoint;
  private readonly pushed = new Map<Witness, number>();
  private halted?: string;
  private readonly verifier: NoteVerifier;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly signer: NoteSigner,
    private readonly settings: CheckpointerSettings,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>,
  ) {
    this.startedAt = clock.now();
    this.verifier = {
      name: signer.name,
      keyId: keyId(signer.name, rawPublicKey(signer.publicKey)),
      publicKey: signer.publicKey,
    };
    this.pollMs =
      settings.pollMs ??
      (settings.intervalMs > 0 ? Math.min(DEFAULT_POLL_MS, settings.intervalMs) : DEFAULT_POLL_MS);
    this.pageSize = settings.pageSize ?? DEFAULT_PAGE;
  }

  /** Why logging stopped (the stored log no longer matches what this key signed), if it did. */
  get haltedBecause(): string | undefined {
    return this.halted;
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** As a Nest provider it runs for the application's lifetime. */
  onApplicationBootstrap(): void {
    if (this.settings.startWithApplication !== false) this.start();
  }

  /** Before the event store and the pool close: the step in flight commits or rolls back. */
  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.step().then((more) => this.schedule(more ? 0 : this.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  /** One step and the witness pushes after it; true when a full page was logged (more may wait). */
  private async step(): Promise<boolean> {
    try {
      const result = await this.tick();
      await this.pushWitnesses();
      return result?.logged === this.pageSize;
    } catch (error) {
      this.logger.warn(`Integrity log: step failed, retried shortly: ${String(error)}`);
      return false;
    }
  }

  /**
   * Logs the events stored since the last leaf (one page) and signs the checkpoints that are due,
   * in one transaction, under the lock. Undefined when another instance holds the lock or the log
   * cannot be vouched for.
   */
  async tick(): Promise<TickResult | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let locked = false;
    try {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
        LOCK_NAME,
      ])) as Array<{ locked: boolean }>;
      locked = row?.locked === true;
      if (!locked) return undefined;
      return await this.logUnderLock(runner);
    } finally {
      if (locked) {
        await runner
          .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [LOCK_NAME])
          .catch(() => undefined);
      }
      await runner.release();
    }
  }

  private async logUnderLock(runner: QueryRunner): Promise<TickResult | undefined> {
    const query: RowQuery = (sql, parameters) => runner.query(sql, parameters);
    const tree = new PostgresStoredTree(query);
    const size = await tree.size();
    const [stored] = await tree.checkpoints(1);
    const nodesOf = async (nodes: PerfectNode[]) => {
      const found = await tree.perfectNodes(nodes);
      return (node: PerfectNode): Buffer => {
        const hash = found.get(nodeKey(node));
        if (!hash) throw new Error(`the stored tree lacks node ${nodeKey(node)}`);
        return hash;
      };
    };
    const problem = await this.untrusted(stored, size, async (treeSizes) => {
      const hashOf = await nodesOf(treeSizes.flatMap((treeSize) => perfectNodesOfRange(0, treeSize)));
      return (treeSize) => rangeHash(0, treeSize, hashOf);
    });
    if (problem) {
      if (problem !== this.halted) this.logger.error(`Integrity log: not extended: ${problem}`);
      this.halted = problem;
      return undefined;
    }
    this.halted = undefined;
    const [last] =
      size > 0 ? await query('SELECT position FROM integrity.leaves WHERE leaf_index = $1', [size - 1]) : [];
    const events = await this.store.readAll({
      after: last?.position as Position | undefined,
      maxCount: this.pageSize,
    });
    const edge = TreeEdge.of(size, await nodesOf(TreeEdge.nodesOf(size)));
    const leaves: unknown[][] = [[], [], [], [], [], [], []];
    const nodes: unknown[][] = [[], [], []];
    const signed: SignedCheckpoint[] = [];
    let sinceSize = this.newest?.treeSize ?? 0;
    let sinceTime = this.newest?.signedAt ?? this.startedAt;
    const checkpoint = () => {
      const now = this.clock.now();
      signed.push(
        signCheckpoint(
          { origin: this.signer.name, treeSize: edge.size, rootHash: edge.root() },
          this.signer,
          now,
        ),
      );
      sinceSize = edge.size;
      sinceTime = now;
    };
    for (const event of events) {
      const index = edge.size;
      const hash = eventLeafHash(event);
      const columns = [
        index,
        event.eventId,
        event.streamId,
        event.revision,
        event.position,
        hash.toString('hex'),
        signReceipt(index, hash, this.signer).toString('hex'),
      ];
      columns.forEach((value, column) => leaves[column]!.push(value));
      for (const node of edge.append(hash)) {
        nodes[0]!.push(node.level);
        nodes[1]!.push(node.index);
        nodes[2]!.push(node.hash.toString('hex'));
      }
      if (edge.size - sinceSize >= this.settings.everyEvents) checkpoint();
    }
    const elapsed = this.clock.now().getTime() - sinceTime.getTime();
    if (this.settings.intervalMs > 0 && edge.size > sinceSize && elapsed >= this.settings.intervalMs)
      checkpoint();
    if (events.length === 0 && signed.length === 0) return { logged: 0, checkpoints: [] };
    await runner.startTransaction();
    try {
      await runner.query(
        `INSERT INTO integrity.leaves (leaf_index, event_id, stream_id, stream_revision, position, leaf_hash, receipt)
         SELECT i, e, s, r, p, decode(h, 'hex'), decode(c, 'hex')
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])
           AS leaf(i, e, s, r, p, h, c)`,
        leaves,
      );
      await runner.query(
        `INSERT INTO integrity.nodes (level, node_index, hash)
         SELECT l, i, decode(h, 'hex') FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS node(l, i, h)`,
        nodes,
      );
      for (const { treeSize, rootHash, note, signedAt } of signed) {
        await runner.query(
          'INSERT INTO integrity.checkpoints (tree_size, root_hash, note, signed_at) VALUES ($1, $2, $3, $4)',
          [treeSize, rootHash, note, signedAt],
        );
      }
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
    if (signed.length > 0) this.newest = signed.at(-1);
    return { logged: events.length, checkpoints: signed.map(({ treeSize }) => treeSize) };
  }

  /**
   * Why the stored log cannot be extended, if it cannot: the newest stored checkpoint is not this
   * key's, or covers leaves that are gone, or the stored tree's root differs from what this key
   * signed (there, or at the newest checkpoint this process signed).
   */
  private async untrusted(
    stored: StoredCheckpoint | undefined,
    size: number,
    /** Reads the stored tree once for its roots at these sizes (each at most `size`). */
    rootsAt: (treeSizes: readonly number[]) => Promise<(treeSize: number) => Buffer>,
  ): Promise<string | undefined> {
    const verifier = this.verifier;
    const key = `${verifier.name} (key ID ${keyIdHex(verifier.keyId)})`;
    let opened: SignedCheckpoint | undefined;
    if (stored) {
      try {
        opened = openCheckpoint(stored.note, verifier);
      } catch {
        return `the newest stored checkpoint (tree size ${stored.treeSize}) is not signed by this engine's key ${key}`;
      }
    }
    const known: Array<[string, SignedCheckpoint | undefined]> = [
      ['the newest stored checkpoint', opened],
      ['the newest checkpoint this process signed', this.newest],
      ...(await this.witnessedCheckpoints(verifier)).map((held): [string, SignedCheckpoint] => [
        `the checkpoint witness ${held.witness} holds`,
        held,
      ]),
    ];
    const rootAt = await rootsAt([
      ...new Set(
        known.flatMap(([, checkpoint]) =>
          checkpoint && checkpoint.treeSize <= size ? [checkpoint.treeSize] : [],
        ),
      ),
    ]);
    for (const [which, checkpoint] of known) {
      if (!checkpoint) continue;
      if (checkpoint.treeSize > size) {
        return `${which} (tree size ${checkpoint.treeSize}, signed by ${key}) covers more leaves than are stored (${size}): leaves were removed`;
      }
      if (!rootAt(checkpoint.treeSize).equals(checkpoint.rootHash)) {
        return `the stored tree no longer has the root of ${which} (tree size ${checkpoint.treeSize}, signed by ${key}): it was rewritten`;
      }
    }
    if (this.newest && (!opened || opened.treeSize < this.newest.treeSize)) {
      return `checkpoint ${this.newest.treeSize}, which this engine signed, is no longer stored`;
    }
    if (opened && (!this.newest || opened.treeSize > this.newest.treeSize)) this.newest = opened;
    return undefined;
  }

  /**
   * The newest checkpoint each directory witness holds, signed by this key: the log's memory outside
   * the database. A log emptied or rewritten while the engine was down no longer extends it.
   */
  private async witnessedCheckpoints(
    verifier: NoteVerifier,
  ): Promise<Array<SignedCheckpoint & { witness: string }>> {
    const held: Array<SignedCheckpoint & { witness: string }> = [];
    for (const witness of this.settings.witnesses) {
      if (witness.kind !== 'directory') continue;
      const text = await readFile(join(resolve(witness.path), 'latest.json'), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      try {
        held.push({
          ...importCheckpoint(JSON.parse(text), verifier).checkpoint,
          witness: describeWitness(witness),
        });
      } catch {
        // Not this key's checkpoint (or not one at all): it vouches for nothing here.
      }
    }
    return held;
  }

  /** Pushes the newest checkpoint to each witness that has not had it; a failure is retried next step. */
  private async pushWitnesses(): Promise<void> {
    const newest = this.newest;
    if (!newest || this.halted) return;
    const exported = exportCheckpoint(newest, this.signer);
    await Promise.all(
      this.settings.witnesses.map(async (witness) => {
        if ((this.pushed.get(witness) ?? 0) >= newest.treeSize) return;
        try {
          await pushCheckpoint(witness, exported);
          this.pushed.set(witness, newest.treeSize);
        } catch (error) {
          this.logger.warn(
            `Integrity log: checkpoint ${newest.treeSize} not pushed to witness ${describeWitness(witness)} (retried): ${String(error)}`,
          );
        }
      }),
    );
  }
}
