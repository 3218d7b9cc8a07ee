import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ExportedCheckpoint,
  signCheckpoint,
  signReceipt,
} from '../../src/application/integrity/checkpoint.js';
import { eventLeafHash } from '../../src/application/integrity/log-entry.js';
import { TreeEdge } from '../../src/application/integrity/merkle-tree.js';
import type { NoteSigner } from '../../src/application/integrity/signed-note.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { LogCheckpointer } from '../../src/infrastructure/integrity/log-checkpointer.js';
import { ApiClient, MEDICO_LEGAL, QUALITY } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { caseSteps, type CaseHistory } from '../support/case-steps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runTool } from '../support/engine-process.js';
import { checkpointIncluding, writeLogKey } from '../support/integrity-log.js';
import { expectProblem } from '../support/problem.js';
import { EVENT_TABLE, LOG_TABLES, asSuperuser, rewriteEvent, setEventField } from '../support/superuser.js';
import { waitFor } from '../support/wait-for.js';

const ORIGIN = 'attack.example/integrity-log';
const IMPRESSION = 'Non-displaced scaphoid waist fracture.';
const FORGED_IMPRESSION = 'No fracture.';

interface Integrity {
  verified: boolean;
  firstBrokenRevision?: number;
  reason?: string;
  checkpoint: unknown;
}

/**
 * What a database superuser can do without the log's key: switch the append-only triggers off,
 * alter one opinion's impression, recompute its stream's hash chain so that the chain verifies,
 * rebuild the Merkle tree from the altered events, and store new checkpoints — and the altered
 * leaves' receipts — signed with a key of its own, under the log's name.
 */
async function superuserRewrite(
  databaseUrl: string,
  streamId: string,
  revision: number,
  attacker: NoteSigner,
): Promise<void> {
  // The 20-line script of the issue: the stream's chain recomputed from the altered event on.
  await rewriteEvent(databaseUrl, { streamId, revision }, 'impression', FORGED_IMPRESSION);

  // The tree rebuilt from the events as they now are, every checkpoint re-signed with the attacker's key.
  const store = new PostgresEventStore(databaseUrl, { maxConnections: 1 });
  const events = await store.readAll({ maxCount: 100_000 });
  await store.close();
  await asSuperuser(databaseUrl, LOG_TABLES, async (sql) => {
    const stored = await sql.query<{ leaf_index: string; leaf_hash: Buffer }>(
      'SELECT leaf_index, leaf_hash FROM integrity.leaves ORDER BY leaf_index',
    );
    const sizes = (
      await sql.query<{ tree_size: string }>('SELECT tree_size FROM integrity.checkpoints')
    ).rows.map((row) => Number(row.tree_size));
    await sql.query('DELETE FROM integrity.nodes');
    await sql.query('DELETE FROM integrity.checkpoints');
    const edge = TreeEdge.empty();
    for (const [index, event] of events.slice(0, stored.rows.length).entries()) {
      const hash = eventLeafHash(event);
      if (!hash.equals(stored.rows[index]!.leaf_hash)) {
        await sql.query('UPDATE integrity.leaves SET leaf_hash = $2, receipt = $3 WHERE leaf_index = $1', [
          index,
          hash,
          signReceipt(index, hash, attacker),
        ]);
      }
      for (const node of edge.append(hash)) {
        await sql.query('INSERT INTO integrity.nodes (level, node_index, hash) VALUES ($1, $2, $3)', [
          node.level,
          node.index,
          node.hash,
        ]);
      }
      if (sizes.includes(edge.size)) {
        const checkpoint = signCheckpoint(
          { origin: ORIGIN, treeSize: edge.size, rootHash: edge.root() },
          attacker,
          new Date(),
        );
        await sql.query(
          'INSERT INTO integrity.checkpoints (tree_size, root_hash, note, signed_at) VALUES ($1, $2, $3, $4)',
          [checkpoint.treeSize, checkpoint.rootHash, checkpoint.note, checkpoint.signedAt],
        );
      }
    }
  });
}

interface RestartableEngine {
  /** The suite's folder (the log key, saved checkpoints, a witness), removed after it. */
  readonly folder: string;
  readonly databaseUrl: string;
  /** The engine while it runs: a test that stops it starts it again. */
  readonly running: RunningApp;
  /** A client of the engine last started. */
  readonly api: ApiClient;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `npm run verify` (the compiled CLI; `npm test` builds it before jest runs) on the engine's database. */
  verify(args: string[]): ReturnType<typeof runTool>;
}

/**
 * Registers a describe block's engine on a database and a folder of its own, which its tests stop
 * and start again as an operator would, the database kept in between: `env` is its environment,
 * given the folder. Started in a beforeAll, removed with its database and folder in an afterAll.
 */
function restartableEngine(
  folderPrefix: string,
  env: (folder: string) => Promise<Record<string, string>>,
): RestartableEngine {
  let database: TestDatabase | undefined;
  let folder: string | undefined;
  let engineEnv: Record<string, string> = {};
  let running: RunningApp | undefined;
  let api: ApiClient | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not there: the engine is not started`);
    return value;
  };
  const engine: RestartableEngine = {
    get folder() {
      return ready(folder, 'The folder');
    },
    get databaseUrl() {
      return ready(database, 'The database').url;
    },
    get running() {
      return ready(running, 'The engine');
    },
    get api() {
      return ready(api, 'The client');
    },
    async start() {
      running = await startTestApp(engineEnv, { database: ready(database, 'The database') });
      api = new ApiClient(running.baseUrl);
    },
    async stop() {
      await running?.close();
      running = undefined;
    },
    verify: (args) =>
      runTool('verify.js', args, { DATABASE_URL: engine.databaseUrl, EVENT_STORE: 'postgres' }),
  };
  beforeAll(async () => {
    database = await createTestDatabase('e2e');
    folder = await mkdtemp(join(tmpdir(), folderPrefix));
    engineEnv = await env(folder);
    await engine.start();
  }, 60_000);
  afterAll(async () => {
    await engine.stop();
    await database?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });
  return engine;
}

describe('the superuser attack (issue 13): alter, re-chain, rebuild the tree, re-sign with another key', () => {
  const engine = restartableEngine('integrity-attack-', async (folder) => ({
    INTEGRITY_SIGNING_KEY_FILE: await writeLogKey(folder),
    INTEGRITY_LOG_ORIGIN: ORIGIN,
    INTEGRITY_CHECKPOINT_INTERVAL_MS: '200',
  }));
  let saved: string;
  const cases: Record<'altered' | 'intact', string> = { altered: '', intact: '' };
  let opinion: { eventId: string; leafIndex: number };
  const runVerify = (args: string[]) => engine.verify(args);
  const { caseWithOpinion } = caseSteps(() => engine.api);

  /** Request, two primaries, rad-a reads and submits: revisions 0–4, the opinion at 4. */
  const caseWithAnOpinion = async (): Promise<string> =>
    (await caseWithOpinion({ impression: IMPRESSION })).caseId;

  const historyOf = async (caseId: string) =>
    (
      await engine.api.get<CaseHistory & { integrity: Integrity }>(
        `/api/v1/cases/${caseId}/history`,
        MEDICO_LEGAL,
      )
    ).body;

  /** The latest checkpoint, once one includes every event of these cases. */
  async function checkpointIncludingCases(caseIds: string[]): Promise<ExportedCheckpoint> {
    const eventIds: string[] = [];
    for (const caseId of caseIds)
      eventIds.push(...(await historyOf(caseId)).events.map((event) => event.eventId));
    return checkpointIncluding(engine.api, eventIds);
  }

  beforeAll(async () => {
    cases.altered = await caseWithAnOpinion();
    cases.intact = await caseWithAnOpinion();
    const checkpoint = await checkpointIncludingCases(Object.values(cases));
    // The medico-legal reviewer keeps this file, as a witness does.
    saved = join(engine.folder, 'saved.json');
    await writeFile(saved, JSON.stringify(checkpoint));
    const event = (await historyOf(cases.altered)).events.find((candidate) => candidate.revision === 4)!;
    expect(event.type).toBe('OpinionSubmitted');
    const proof = await engine.api.get<{ leafIndex: number }>(
      `/api/v1/integrity/proofs/inclusion?eventId=${event.eventId}`,
      QUALITY,
    );
    opinion = { eventId: event.eventId, leafIndex: proof.body.leafIndex };
  }, 90_000);

  it('an untouched log verifies against the saved checkpoint, also once it has grown (exit 0)', async () => {
    const first = await runVerify(['--checkpoint', saved]);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toContain('Verified: the log extends the saved checkpoint unchanged');
    // More events, and checkpoints over them: still an extension of what was saved.
    const later = await caseWithAnOpinion();
    await checkpointIncludingCases([later]);
    const grown = await runVerify(['--checkpoint', saved]);
    expect({ code: grown.code, stdout: grown.stdout }).toEqual({
      code: 0,
      stdout: expect.stringContaining('is consistent with the saved one (RFC 9162 proof verified)'),
    });
  });

  it('after the rewrite the hash chain verifies, but `verify --checkpoint` exits 1 naming the altered event', async () => {
    await engine.stop();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await superuserRewrite(engine.databaseUrl, `case-${cases.altered}`, 4, {
      name: ORIGIN,
      privateKey,
      publicKey,
    });

    // What the issue found: the chain alone is fooled.
    const chain = await runVerify([cases.altered]);
    expect({ code: chain.code, stdout: chain.stdout }).toEqual({
      code: 0,
      stdout: expect.stringContaining(`ok      case-${cases.altered}: 5 events, chain intact`),
    });

    const result = await runVerify(['--checkpoint', saved]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
    expect(result.stdout).toContain(
      `DIFFERS event ${opinion.eventId} (case-${cases.altered}, revision 4, leaf ${opinion.leafIndex}): its leaf is not signed by the trusted key`,
    );
    expect(result.stdout).toMatch(/BROKEN {2}the first \d+ events no longer hash to the saved root/);
    expect(result.stdout).toMatch(
      /BROKEN {2}the newest stored checkpoint \(tree size \d+\) is not signed by the trusted key/,
    );
    expect(result.stdout).toContain('The log does NOT extend the saved checkpoint unchanged.');
  });

  it("the engine's own verification flags the altered case, and it does not sign over the rewritten log", async () => {
    await engine.start();
    const altered = await historyOf(cases.altered);
    expect(altered.events.find((event) => event.revision === 4)!.data.impression).toBe(FORGED_IMPRESSION);
    expect(altered.integrity).toMatchObject({
      verified: false,
      firstBrokenRevision: 4,
      reason: 'log-mismatch',
    });
    expect((await historyOf(cases.intact)).integrity).toMatchObject({ verified: true });
    // No checkpoint here is this engine's any more, and it signs none over the rewritten tree.
    expectProblem(
      await engine.api.request('GET', '/api/v1/integrity/checkpoints/latest'),
      404,
      'no-checkpoint',
    );
    await waitFor(
      'the checkpointer to refuse the rewritten log',
      async () => engine.running.app.get(LogCheckpointer).haltedBecause !== undefined,
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(engine.running.app.get(LogCheckpointer).haltedBecause).toMatch(/not signed by this engine's key/);
  });
});

describe('what else the log catches: an event altered in place, a log emptied while the engine was down', () => {
  const engine = restartableEngine('integrity-witness-', async (folder) => ({
    INTEGRITY_SIGNING_KEY_FILE: await writeLogKey(folder),
    INTEGRITY_CHECKPOINT_INTERVAL_MS: '200',
    INTEGRITY_WITNESSES: join(folder, 'witness'),
  }));
  let witness: string;
  let caseId: string;
  let opinionEventId: string;
  const runVerify = (args: string[]) => engine.verify(args);
  const { requestCase, assign, startRead, submitOpinion } = caseSteps(() => engine.api);

  beforeAll(async () => {
    witness = join(engine.folder, 'witness');
    caseId = await requestCase();
    const assignmentId = await assign(caseId, 'rad-a');
    await startRead(caseId, assignmentId, 'rad-a');
    await submitOpinion(caseId, assignmentId, 'rad-a', { impression: IMPRESSION });
    const history = (await engine.api.get<CaseHistory>(`/api/v1/cases/${caseId}/history`, MEDICO_LEGAL)).body;
    opinionEventId = history.events.find((event) => event.type === 'OpinionSubmitted')!.eventId;
    await waitFor(
      'the witness to hold a checkpoint that includes the opinion',
      async () => {
        const held = await readFile(join(witness, 'latest.json'), 'utf8').catch(() => undefined);
        if (held === undefined) return false;
        const { treeSize } = JSON.parse(held) as ExportedCheckpoint;
        const proof = await engine.api.get(
          `/api/v1/integrity/proofs/inclusion?eventId=${opinionEventId}&treeSize=${treeSize}`,
          QUALITY,
        );
        return proof.status === 200;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }, 90_000);

  it('an event altered in place, the log untouched: `verify --checkpoint` with the witness copy names it', async () => {
    await asSuperuser(engine.databaseUrl, [EVENT_TABLE], (sql) =>
      setEventField(sql, { eventId: opinionEventId }, 'impression', FORGED_IMPRESSION),
    );
    const result = await runVerify(['--checkpoint', join(witness, 'latest.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `DIFFERS event ${opinionEventId} \\(case-${caseId}, revision 3, leaf \\d+\\): it no longer matches the leaf the log signed for it \\(altered in place\\)`,
      ),
    );
  });

  it('a log emptied while the engine was down is not signed again: the witness holds what it had', async () => {
    await engine.stop();
    await asSuperuser(engine.databaseUrl, LOG_TABLES, async (sql) => {
      for (const table of LOG_TABLES) await sql.query(`DELETE FROM ${table}`);
    });
    await engine.start();
    await waitFor(
      'the checkpointer to refuse the emptied log',
      async () => engine.running.app.get(LogCheckpointer).haltedBecause !== undefined,
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(engine.running.app.get(LogCheckpointer).haltedBecause).toMatch(
      new RegExp(`the checkpoint witness .*witness holds .* covers more leaves than are stored \\(0\\)`),
    );
    expectProblem(
      await engine.api.request('GET', '/api/v1/integrity/checkpoints/latest'),
      404,
      'no-checkpoint',
    );
    const result = await runVerify(['--checkpoint', join(witness, 'latest.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('BROKEN  the log holds no checkpoint');
  });
});
