import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ExportedCheckpoint, importCheckpoint } from '../../src/application/integrity/checkpoint.js';
import type { InclusionProof } from '../../src/application/integrity/integrity-log.port.js';
import { verifyConsistency, verifyInclusion } from '../../src/application/integrity/merkle-tree.js';
import { parseVerifierKey } from '../../src/application/integrity/signed-note.js';
import { ADMIN, ApiClient, COORDINATOR, MEDICO_LEGAL, QUALITY } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { caseSteps, type CaseHistory } from '../support/case-steps.js';
import { spawnEngine } from '../support/engine-process.js';
import { checkpointIncluding, writeLogKey } from '../support/integrity-log.js';
import { expectProblem } from '../support/problem.js';
import { waitFor } from '../support/wait-for.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';

const BASE = '/api/v1/integrity';
const ORIGIN = 'e2e.example/integrity-log';

const bytes = (base64: string): Buffer => Buffer.from(base64, 'base64');

/** A witness over HTTP: a real server on this machine that keeps what is POSTed to it. */
async function startHttpWitness(): Promise<{ url: string; received: unknown[]; close(): Promise<void> }> {
  const received: unknown[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({
        method: request.method,
        type: request.headers['content-type'],
        body: JSON.parse(body),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/checkpoints`,
    received,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

describe('the verifiable log over HTTP: public key, checkpoints, proofs, witnesses', () => {
  let running: RunningApp;
  let api: ApiClient;
  let folder: string;
  let keyFile: string;
  let witnessDirectory: string;
  let httpWitness: Awaited<ReturnType<typeof startHttpWitness>>;
  let caseId: string;
  let history: CaseHistory;
  const { caseWithOpinion } = caseSteps(() => api);

  const latest = async (): Promise<ExportedCheckpoint> => {
    const response = await api.request<ExportedCheckpoint>('GET', `${BASE}/checkpoints/latest`);
    expect(response.status).toBe(200);
    return response.body;
  };

  /** The sizes of every checkpoint signed so far, smallest first. */
  async function checkpointSizes(): Promise<number[]> {
    const sizes: number[] = [];
    for (let size = 1; size <= (await latest()).treeSize; size++) {
      if ((await api.request('GET', `${BASE}/checkpoints/${size}`)).status === 200) sizes.push(size);
    }
    return sizes;
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'integrity-e2e-'));
    keyFile = await writeLogKey(folder);
    witnessDirectory = join(folder, 'witness');
    httpWitness = await startHttpWitness();
    running = await startTestApp({
      INTEGRITY_SIGNING_KEY_FILE: keyFile,
      INTEGRITY_LOG_ORIGIN: ORIGIN,
      INTEGRITY_CHECKPOINT_EVERY_EVENTS: '3',
      INTEGRITY_CHECKPOINT_INTERVAL_MS: '300',
      INTEGRITY_WITNESSES: `${witnessDirectory},${httpWitness.url}`,
      INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK: 'true',
    });
    api = new ApiClient(running.baseUrl);
    ({ caseId } = await caseWithOpinion());
    history = (await api.get<CaseHistory>(`/api/v1/cases/${caseId}/history`, MEDICO_LEGAL)).body;
    await checkpointIncluding(
      api,
      history.events.map((event) => event.eventId),
    );
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await httpWitness?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('serves the public key of the configured file as JSON (PEM, JWK, verifier key), or as PEM or JWK alone', async () => {
    const publicKey = createPublicKey(createPrivateKey(await readFile(keyFile, 'utf8')));
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const json = await api.request<Record<string, unknown>>('GET', `${BASE}/public-key`);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      keyName: ORIGIN,
      keyId: expect.stringMatching(/^[0-9a-f]{8}$/),
      verifierKey: expect.stringMatching(new RegExp(`^${ORIGIN}\\+[0-9a-f]{8}\\+`)),
      pem,
      jwk: { kty: 'OKP', crv: 'Ed25519', x: publicKey.export({ format: 'jwk' }).x, alg: 'EdDSA', use: 'sig' },
    });
    expect(parseVerifierKey(json.body.verifierKey as string).publicKey.equals(publicKey)).toBe(true);
    const asPem = await api.request('GET', `${BASE}/public-key`, {
      headers: { accept: 'application/x-pem-file' },
    });
    expect(asPem.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
    expect(asPem.text).toBe(pem);
    const asJwk = await api.request('GET', `${BASE}/public-key`, {
      headers: { accept: 'application/jwk+json' },
    });
    expect(asJwk.headers.get('content-type')).toMatch(/^application\/jwk\+json/);
    expect(asJwk.body).toEqual(json.body.jwk);
  });

  it('the latest checkpoint is a C2SP checkpoint signed with the log key, with its signing time', async () => {
    const checkpoint = await latest();
    const verifier = parseVerifierKey(checkpoint.verifierKey);
    const { checkpoint: opened } = importCheckpoint(checkpoint, verifier);
    expect(opened).toMatchObject({ origin: ORIGIN, treeSize: checkpoint.treeSize });
    expect(checkpoint.note.split('\n').slice(0, 3)).toEqual([
      ORIGIN,
      String(checkpoint.treeSize),
      checkpoint.rootHash,
    ]);
    // The Ed25519 signature line verifies over the note text exactly as a C2SP client checks it.
    const [text, signatures] = checkpoint.note.split('\n\n');
    const line = signatures!.split('\n').find((candidate) => candidate.startsWith(`— ${ORIGIN} `))!;
    const signature = bytes(line.split(' ')[2]!).subarray(4);
    expect(verify(null, Buffer.from(`${text}\n`), verifier.publicKey, signature)).toBe(true);
    expect(Math.abs(Date.parse(checkpoint.signedAt) - Date.now())).toBeLessThan(60_000);
    const bySize = await api.request('GET', `${BASE}/checkpoints/${checkpoint.treeSize}`);
    expect({ status: bySize.status, body: bySize.body }).toEqual({ status: 200, body: checkpoint });
  });

  it('checkpoints are made at least every 3 events (INTEGRITY_CHECKPOINT_EVERY_EVENTS)', async () => {
    const sizes = await checkpointSizes();
    expect(sizes.length).toBeGreaterThan(1);
    // Never more than 3 events between two checkpoints (the 300 ms interval may make them sooner).
    [0, ...sizes].reduce((previous, size) => {
      expect(size - previous).toBeLessThanOrEqual(3);
      return size;
    });
  });

  it('every event of the case has an inclusion proof that verifies against the signed root', async () => {
    const checkpoint = await latest();
    for (const event of history.events) {
      const response = await api.get<InclusionProof>(
        `${BASE}/proofs/inclusion?eventId=${event.eventId}&treeSize=${checkpoint.treeSize}`,
        MEDICO_LEGAL,
      );
      expect(response.status).toBe(200);
      const { leafIndex, treeSize, leafHash, rootHash, proof } = response.body;
      expect(rootHash).toBe(checkpoint.rootHash);
      expect(
        verifyInclusion(leafIndex, treeSize, bytes(leafHash), proof.map(bytes), bytes(checkpoint.rootHash)),
      ).toBe(true);
    }
    // Without treeSize: against the latest checkpoint.
    const implicit = await api.get<InclusionProof>(
      `${BASE}/proofs/inclusion?eventId=${history.events[0]!.eventId}`,
      ADMIN,
    );
    expect(implicit.status).toBe(200);
    expect(implicit.body.treeSize).toBeGreaterThanOrEqual(checkpoint.treeSize);
  });

  it('a consistency proof from an earlier checkpoint to the latest verifies', async () => {
    const checkpoint = await latest();
    const [first] = await checkpointSizes();
    const earlier = await api.request<ExportedCheckpoint>('GET', `${BASE}/checkpoints/${first}`);
    expect(earlier.status).toBe(200);
    const response = await api.request<{ proof: string[]; fromRootHash: string; toRootHash: string }>(
      'GET',
      `${BASE}/proofs/consistency?from=${first}&to=${checkpoint.treeSize}`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      fromRootHash: earlier.body.rootHash,
      toRootHash: checkpoint.rootHash,
    });
    expect(
      verifyConsistency(
        first!,
        checkpoint.treeSize,
        bytes(earlier.body.rootHash),
        bytes(checkpoint.rootHash),
        response.body.proof.map(bytes),
      ),
    ).toBe(true);
  });

  it('the history names the signed checkpoint its verdict rests on', async () => {
    const { integrity } = (
      await api.get<{ integrity: Record<string, unknown> }>(`/api/v1/cases/${caseId}/history`, MEDICO_LEGAL)
    ).body;
    const checkpoint = await latest();
    expect(integrity).toMatchObject({
      verified: true,
      checkpoint: {
        treeSize: expect.any(Number),
        rootHash: expect.any(String),
        signedAt: expect.any(String),
        coversRevision: 4,
      },
    });
    const named = integrity.checkpoint as { treeSize: number; rootHash: string };
    expect(named.treeSize).toBeLessThanOrEqual(checkpoint.treeSize);
    const signed = await api.request<ExportedCheckpoint>('GET', `${BASE}/checkpoints/${named.treeSize}`);
    expect(signed.body.rootHash).toBe(named.rootHash);
  });

  it('pushes each new checkpoint to the witnesses: a directory and an HTTP endpoint', async () => {
    const checkpoint = await latest();
    await waitFor(
      'the witnesses to hold the latest checkpoint',
      async () => {
        const saved = JSON.parse(
          await readFile(join(witnessDirectory, 'latest.json'), 'utf8').catch(() => '{}'),
        ) as {
          treeSize?: number;
        };
        const posted = httpWitness.received.at(-1) as { body: ExportedCheckpoint } | undefined;
        return (
          (saved.treeSize ?? 0) >= checkpoint.treeSize && (posted?.body.treeSize ?? 0) >= checkpoint.treeSize
        );
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const saved = JSON.parse(
      await readFile(join(witnessDirectory, 'latest.json'), 'utf8'),
    ) as ExportedCheckpoint;
    expect(importCheckpoint(saved).checkpoint.origin).toBe(ORIGIN);
    expect(await readdir(witnessDirectory)).toContain(`checkpoint-${saved.treeSize}.json`);
    expect(httpWitness.received.at(-1)).toMatchObject({ method: 'POST', type: 'application/json' });
    const posted = (httpWitness.received.at(-1) as { body: ExportedCheckpoint }).body;
    expect(importCheckpoint(posted, parseVerifierKey(checkpoint.verifierKey)).checkpoint.treeSize).toBe(
      posted.treeSize,
    );
  });

  it('an inclusion proof takes the audit trail roles; the public routes take no token', async () => {
    const eventId = history.events[0]!.eventId;
    expectProblem(
      await api.request('GET', `${BASE}/proofs/inclusion?eventId=${eventId}`),
      401,
      'unauthorized',
    );
    expectProblem(
      await api.get(`${BASE}/proofs/inclusion?eventId=${eventId}`, COORDINATOR),
      403,
      'forbidden',
    );
    const { treeSize } = await latest();
    for (const path of [
      '/public-key',
      '/checkpoints/latest',
      `/checkpoints/${treeSize}`,
      `/proofs/consistency?from=1&to=${treeSize}`,
    ]) {
      expect((await api.request('GET', `${BASE}${path}`)).status).toBe(200);
    }
  });

  it.each([
    ['no eventId', '/proofs/inclusion', 400, 'validation-failed'],
    ['an eventId that is not a UUID', '/proofs/inclusion?eventId=abc', 400, 'validation-failed'],
    [
      'an unknown parameter',
      '/proofs/inclusion?eventId=00000000-0000-4000-8000-000000000000&x=1',
      400,
      'validation-failed',
    ],
    [
      'an event not in the log',
      '/proofs/inclusion?eventId=00000000-0000-4000-8000-000000000000',
      404,
      'event-not-in-log',
    ],
    [
      'a tree size beyond the log',
      '/proofs/inclusion?eventId={first}&treeSize=9999999',
      400,
      'tree-size-out-of-range',
    ],
    [
      'a tree size that excludes the event',
      '/proofs/inclusion?eventId={last}&treeSize=1',
      400,
      'tree-size-out-of-range',
    ],
  ])('inclusion proof with %s (%s): %i %s', async (_, path, status, code) => {
    const resolved = path
      .replace('{first}', history.events[0]!.eventId)
      .replace('{last}', history.events.at(-1)!.eventId);
    // Each asks for a proof the log cannot give: some break the document on purpose.
    expectProblem(await api.get(`${BASE}${resolved}`, QUALITY, {}, INVALID_ON_PURPOSE), status, code);
  });

  it.each([
    ['no to', '/proofs/consistency?from=1', 400, 'validation-failed'],
    ['a negative from', '/proofs/consistency?from=-1&to=3', 400, 'validation-failed'],
    ['from 0', '/proofs/consistency?from=0&to=3', 400, 'tree-size-out-of-range'],
    ['from after to', '/proofs/consistency?from=3&to=2', 400, 'tree-size-out-of-range'],
    ['to beyond the log', '/proofs/consistency?from=1&to=9999999', 400, 'tree-size-out-of-range'],
    ['a tree size that is not a number', '/checkpoints/three', 400, 'validation-failed'],
    ['a size with no checkpoint', '/checkpoints/9999999', 404, 'no-checkpoint'],
  ])('%s (%s): %i %s', async (_, path, status, code) => {
    expectProblem(await api.request('GET', `${BASE}${path}`, { invalidOnPurpose: true }), status, code);
  });
});

describe('the log key and witnesses are configured, or the engine says which variable is wrong', () => {
  it('refuses a plain-http witness unless loopback http is allowed explicitly', async () => {
    await expect(startTestApp({ INTEGRITY_WITNESSES: 'http://127.0.0.1:9/witness' })).rejects.toThrow(
      /INTEGRITY_WITNESSES lists http:\/\/127\.0\.0\.1:9\/witness/,
    );
    await expect(
      startTestApp({
        INTEGRITY_WITNESSES: 'http://witness.example/w',
        INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK: 'true',
      }),
    ).rejects.toThrow(/INTEGRITY_WITNESSES/);
  });

  it('with NODE_ENV=production and no key file, the engine refuses to start, naming the variable', async () => {
    await expect(
      spawnEngine({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        AUTH_JWT_SECRET: 'a-production-secret-of-at-least-32-bytes',
        LOG_LEVEL: 'silent',
      }),
    ).rejects.toThrow(
      /Invalid configuration: INTEGRITY_SIGNING_KEY_FILE is required when NODE_ENV=production/,
    );
  });
});
