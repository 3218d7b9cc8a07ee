import {
  nodeKey,
  type StoredCheckpoint,
  type StoredLeaf,
  type StoredTree,
} from '../../application/integrity/integrity-log.port.js';
import type { PerfectNode } from '../../application/integrity/merkle-tree.js';

/** Runs SQL and answers the rows: a TypeORM DataSource's `query`, or a pg pool's rows. */
export type RowQuery = (sql: string, parameters?: unknown[]) => Promise<Array<Record<string, unknown>>>;

interface LeafRow {
  leaf_index: string;
  event_id: string;
  stream_id: string;
  stream_revision: string;
  leaf_hash: Buffer;
  receipt: Buffer;
}

const LEAF_COLUMNS = 'leaf_index, event_id, stream_id, stream_revision, leaf_hash, receipt';

const toLeaf = (row: LeafRow): StoredLeaf => ({
  leafIndex: Number(row.leaf_index),
  eventId: row.event_id,
  streamId: row.stream_id,
  revision: Number(row.stream_revision),
  leafHash: row.leaf_hash,
  receipt: row.receipt,
});

/** The tree as the `integrity` tables keep it (integrity-log.migration.ts). */
export class PostgresStoredTree implements StoredTree {
  constructor(private readonly query: RowQuery) {}

  async size(): Promise<number> {
    const [row] = await this.query(
      'SELECT leaf_index FROM integrity.leaves ORDER BY leaf_index DESC LIMIT 1',
    );
    return row ? Number(row.leaf_index) + 1 : 0;
  }

  async leaves(fromIndex: number, count: number): Promise<StoredLeaf[]> {
    if (count <= 0) return [];
    const rows = await this.query(
      `SELECT ${LEAF_COLUMNS} FROM integrity.leaves
       WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
      [fromIndex, fromIndex + count],
    );
    return (rows as unknown as LeafRow[]).map(toLeaf);
  }

  async leavesOfEvents(eventIds: readonly string[]): Promise<StoredLeaf[]> {
    if (eventIds.length === 0) return [];
    const rows = await this.query(
      `SELECT ${LEAF_COLUMNS} FROM integrity.leaves WHERE event_id = ANY($1::text[]) ORDER BY leaf_index`,
      [eventIds],
    );
    return (rows as unknown as LeafRow[]).map(toLeaf);
  }

  async perfectNodes(nodes: readonly PerfectNode[]): Promise<Map<string, Buffer>> {
    const leaves = nodes.filter(({ level }) => level === 0).map(({ index }) => index);
    const inner = nodes.filter(({ level }) => level > 0);
    if (nodes.length === 0) return new Map();
    const rows = (await this.query(
      `SELECT 0 AS level, leaf_index AS node_index, leaf_hash AS hash
         FROM integrity.leaves WHERE leaf_index = ANY($1::bigint[])
       UNION ALL
       SELECT n.level, n.node_index, n.hash
         FROM integrity.nodes n
         JOIN unnest($2::smallint[], $3::bigint[]) AS wanted(level, node_index)
           ON wanted.level = n.level AND wanted.node_index = n.node_index`,
      [leaves, inner.map(({ level }) => level), inner.map(({ index }) => index)],
    )) as Array<{ level: number | string; node_index: string; hash: Buffer }>;
    return new Map(
      rows.map((row) => [nodeKey({ level: Number(row.level), index: Number(row.node_index) }), row.hash]),
    );
  }

  async checkpoints(limit: number, maxTreeSize?: number): Promise<StoredCheckpoint[]> {
    const rows = (await this.query(
      `SELECT tree_size, note FROM integrity.checkpoints
       WHERE $2::bigint IS NULL OR tree_size <= $2::bigint
       ORDER BY tree_size DESC LIMIT $1`,
      [limit, maxTreeSize ?? null],
    )) as Array<{ tree_size: string; note: string }>;
    return rows.map((row) => ({ treeSize: Number(row.tree_size), note: row.note }));
  }

  async checkpointOfSize(treeSize: number): Promise<StoredCheckpoint | undefined> {
    const [row] = (await this.query(
      'SELECT tree_size, note FROM integrity.checkpoints WHERE tree_size = $1',
      [treeSize],
    )) as Array<{ tree_size: string; note: string }>;
    return row && { treeSize: Number(row.tree_size), note: row.note };
  }
}
