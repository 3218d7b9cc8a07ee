import type { MigrationInterface, QueryRunner } from 'typeorm';
import { commentOn } from '../persistence/sql-comments.js';

/**
 * The verifiable log's tables (docs/integrity.md), schema `integrity`: the leaves (one per event, in
 * the store's global order, with the log's signed receipt), the tree's complete subtrees, and the
 * signed checkpoints. Written only by the checkpointer; like the events, never updated or deleted.
 */
export class IntegrityLog1781000000000 implements MigrationInterface {
  name = 'IntegrityLog1781000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SCHEMA integrity`);
    await runner.query(`
      CREATE TABLE integrity.leaves (
        leaf_index      bigint PRIMARY KEY CHECK (leaf_index >= 0),
        event_id        text   NOT NULL UNIQUE,
        stream_id       text   NOT NULL,
        stream_revision bigint NOT NULL,
        position        text   NOT NULL,
        leaf_hash       bytea  NOT NULL CHECK (octet_length(leaf_hash) = 32),
        receipt         bytea  NOT NULL CHECK (octet_length(receipt) = 64)
      )`);
    await runner.query(`
      CREATE TABLE integrity.nodes (
        level      smallint NOT NULL CHECK (level >= 1),
        node_index bigint   NOT NULL CHECK (node_index >= 0),
        hash       bytea    NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (level, node_index)
      )`);
    await runner.query(`
      CREATE TABLE integrity.checkpoints (
        tree_size bigint      PRIMARY KEY CHECK (tree_size >= 0),
        root_hash bytea       NOT NULL CHECK (octet_length(root_hash) = 32),
        note      text        NOT NULL,
        signed_at timestamptz NOT NULL
      )`);
    await commentOn(runner, [
      [
        'SCHEMA integrity',
        'Verifiable log (RFC 9162 Merkle tree) over every event in the event store, in its global order; docs/integrity.md',
      ],
      [
        'TABLE integrity.leaves',
        'One leaf per event: leaf_hash = SHA-256(0x00 || SHA-256(JCS of the stored event)); receipt = Ed25519 signature by the log key over (leaf_index, leaf_hash)',
      ],
      [
        'COLUMN integrity.leaves.position',
        'Event-store position of the event (adapter format), where logging resumes',
      ],
      [
        'TABLE integrity.nodes',
        'Hashes of complete subtrees: level L, node_index i covers leaves [i * 2^L, (i + 1) * 2^L); level 0 is integrity.leaves',
      ],
      [
        'TABLE integrity.checkpoints',
        'Signed checkpoints: C2SP tlog-checkpoint notes signed with the log key (Ed25519) and cosigned with their time',
      ],
    ]);
    // As the events: what was logged stays; a correction is a new event, hence a new leaf.
    await runner.query(`
      CREATE FUNCTION integrity.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'integrity.% is append-only', TG_TABLE_NAME USING ERRCODE = 'IL001';
      END $$`);
    for (const table of ['leaves', 'nodes', 'checkpoints']) {
      await runner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON integrity.${table}
         FOR EACH STATEMENT EXECUTE FUNCTION integrity.reject_change()`,
      );
      await runner.query(`ALTER TABLE integrity.${table} ENABLE ALWAYS TRIGGER ${table}_append_only`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP SCHEMA integrity CASCADE`);
  }
}
