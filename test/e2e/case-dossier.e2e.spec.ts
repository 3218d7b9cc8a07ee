import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifierKey as signedNoteKey } from '../../src/application/integrity/signed-note.js';
import { associatedFile } from '../../src/infrastructure/dossier/dossier-attachment.js';
import {
  ADMIN,
  ApiClient,
  type Caller,
  COORDINATOR,
  MEDICO_LEGAL,
  QUALITY,
  radiologist,
} from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';
import { runTool } from '../support/engine-process.js';
import { writeLogKey } from '../support/integrity-log.js';
import { rewriteEvent } from '../support/superuser.js';
import { waitFor } from '../support/wait-for.js';
import { FRACTURE_OPINION, TWO_PLUS_ONE_EVENT_TYPES, walkThroughCase } from '../support/walk-through.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';
import { checkAgainstDocument } from '../support/openapi-validation.js';

type Json = Record<string, unknown>;

const run = promisify(execFile);
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Where the rendered dossier and its pages are kept for a person to look at (git-ignored). */
const OUTPUT = join(process.cwd(), 'test-output', 'case-dossier');

const NO_RATE_LIMITS = { RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_USER_PER_MINUTE: '0' };

/** The README's walk-through: two blinded primaries disagree on a fracture, an adjudicator decides. */
const RAD_A: Caller = { sub: 'rad-a', roles: ['radiologist'], name: 'Dr Ana Alvarez' };
const RAD_B: Caller = { sub: 'rad-b', roles: ['radiologist'], name: 'Dr Ben Brown' };
const ADJ: Caller = { sub: 'rad-c', roles: ['radiologist'], name: 'Dr Chen Cho' };
const README_REQUEST = {
  patientRef: 'pt-3f9a',
  priority: 'routine',
  readsRequired: 2,
  study: {
    studyInstanceUid: '1.2.840.113619.2.55.3.7',
    modality: 'DX',
    bodyRegion: 'wrist',
    studyDate: '2026-11-18',
  },
  clinicalQuestion: 'Scaphoid fracture? Pain after a fall.',
  requester: { kind: 'patient', id: 'req-77' },
  priorReport: {
    author: 'rad-ext-9',
    institution: 'St. Elsewhere',
    impression: 'No fracture.',
    findings: [{ code: 'fracture', presence: 'absent' }],
  },
};

interface BundleEvent {
  eventId: string;
  streamId: string;
  revision: number;
  type: string;
  data: Json;
  metadata: Json;
  canonical: string;
}

interface Bundle {
  format: string;
  caseId: string;
  revision: number;
  verdict: { verified: boolean; checked: number };
  caseEvents: BundleEvent[];
  accessEvents: BundleEvent[];
  accessCut: Json;
  checkpoint: unknown;
}

/**
 * The dossier file with its embedded bundle replaced: the stream re-compressed and its /Length
 * rewritten, as someone editing the attachment with a PDF tool would leave it.
 */
function withBundle(pdf: Buffer, bundle: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const object = text.search(/\/Type \/EmbeddedFile\b/);
  const dictionaryStart = text.lastIndexOf('<<', object);
  const streamKeyword = text.indexOf('stream', object);
  const start = streamKeyword + 'stream\n'.length;
  const header = text.slice(dictionaryStart, streamKeyword);
  const length = Number(/\/Length (\d+)/.exec(header)![1]);
  const compressed = deflateSync(bundle);
  const newHeader = header.replace(/\/Length \d+/, `/Length ${compressed.length}`);
  return Buffer.concat([
    pdf.subarray(0, dictionaryStart),
    Buffer.from(newHeader, 'latin1'),
    Buffer.from('stream\n', 'latin1'),
    compressed,
    pdf.subarray(start + length),
  ]);
}

/**
 * The README's walk-through through REST, with reads and a refused attempt while it runs (the
 * dossier's access log shows them): the case and its last revision.
 */
async function playReadmeCase(api: ApiClient): Promise<{ caseId: string; revision: number }> {
  const { caseId, revision, firstRead } = await walkThroughCase(
    caseSteps(() => api),
    {
      request: README_REQUEST,
      readers: { first: RAD_A, second: RAD_B, adjudicator: ADJ },
      rationale: 'Cortical break visible on the oblique view.',
      whileOpen: async (open) => {
        expect((await api.get(`/api/v1/cases/${open}`, RAD_A)).status).toBe(200);
        expect((await api.get(`/api/v1/cases/${open}`, radiologist('rad-z'))).status).toBe(403);
        expect((await api.get(`/api/v1/cases/${open}/history`, MEDICO_LEGAL)).status).toBe(200);
      },
    },
  );
  expect(firstRead.shown).toEqual(['images', 'clinical-question']);
  return { caseId, revision };
}

/**
 * GET as bytes (the JSON client would decode a PDF as text), checked against the OpenAPI document
 * as the JSON client's requests are.
 */
async function download(
  api: ApiClient,
  path: string,
  as: Caller,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const sent = { authorization: `Bearer ${await api.token(as.sub, as.roles, as.name)}`, ...headers };
  const response = await fetch(`${api.baseUrl}${path}`, { headers: sent });
  const body = Buffer.from(await response.arrayBuffer());
  await checkAgainstDocument(api.baseUrl, {
    method: 'GET',
    path,
    headers: sent,
    status: response.status,
    responseHeaders: response.headers,
    responseText: body.toString('utf8'),
  });
  return { status: response.status, headers: response.headers, body };
}

// The case dossier over HTTP: the README's case, its PDF/A-3b rendered by poppler, reproducible bytes,
// the embedded evidence bundle checked offline by `npm run verify -- --dossier`, and its issue logged.
describe('case dossier (HTTP)', () => {
  let running: RunningApp;
  let api: ApiClient;
  let caseId: string;
  let lastRevision: number;

  const { requestCase, assign, command } = caseSteps(() => api);

  const get = (path: string, as: Caller) => download(api, path, as);

  const dossierPath = (query = '') => `/api/v1/cases/${caseId}/dossier${query}`;

  beforeAll(async () => {
    running = await startTestApp({
      ...NO_RATE_LIMITS,
      // No signed checkpoint in this suite: the dossier rests on the hash chain alone.
      INTEGRITY_CHECKPOINT_EVERY_EVENTS: '1000000',
      INTEGRITY_CHECKPOINT_INTERVAL_MS: '0',
    });
    api = new ApiClient(running.baseUrl);
    await mkdir(OUTPUT, { recursive: true });

    ({ caseId, revision: lastRevision } = await playReadmeCase(api));
    expect(lastRevision).toBe(15);
  }, 60_000);

  afterAll(async () => running.close());

  it('answers a PDF/A-3b document that poppler renders, with the evidence bundle as its associated file', async () => {
    const response = await get(dossierPath(), MEDICO_LEGAL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('repr-digest')).toBe(
      `sha-256=:${createHash('sha256').update(response.body).digest('base64')}:`,
    );
    expect(response.body.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    const file = join(OUTPUT, 'dossier.pdf');
    await writeFile(file, response.body);

    const info = (await run('pdfinfo', ['-isodates', file])).stdout;
    expect(info).toMatch(/^Pages:\s+([5-9]|\d\d)$/m);
    expect(info).toMatch(/^PDF version:\s+1\.7$/m);
    expect(info).toContain(`Case dossier ${caseId}`);
    // The creation date is the last event's: nothing in the file comes from the clock.
    const history = await api.get<{ events: Array<{ recordedAt: string }> }>(
      `/api/v1/cases/${caseId}/history`,
      MEDICO_LEGAL,
    );
    const lastRecorded = `${history.body.events.at(-1)!.recordedAt.split('.')[0]}Z`;
    expect(info).toMatch(new RegExp(`^CreationDate:\\s+${lastRecorded}$`, 'm'));
    expect(info).toMatch(new RegExp(`^ModDate:\\s+${lastRecorded}$`, 'm'));

    // PDF/A-3b: its XMP identification, the sRGB output intent, fonts embedded, no other font.
    const text = response.body.toString('latin1');
    expect(text).toMatch(/<pdfaid:part>3<\/pdfaid:part>\s*<pdfaid:conformance>B<\/pdfaid:conformance>/);
    expect(text).toContain('/OutputConditionIdentifier (sRGB IEC61966-2.1)');
    expect(text).toContain('/AFRelationship /Data');
    expect(text).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
    const fonts = (await run('pdffonts', [file])).stdout;
    expect(fonts).toContain('DejaVuSans');
    expect(
      fonts
        .split('\n')
        .slice(2)
        .filter((line) => line.trim() !== '')
        .every((line) => / yes /.test(line)),
    ).toBe(true);
    expect((await run('pdfdetach', ['-list', file])).stdout).toContain('evidence-bundle.json');

    const pages = join(OUTPUT, 'page');
    const rendered = await run('pdftoppm', ['-png', '-r', '50', file, pages]);
    expect(rendered.stderr).toBe('');
    const pngs = (await readdir(OUTPUT)).filter((name) => name.startsWith('page') && name.endsWith('.png'));
    expect(pngs.length).toBe(Number(/^Pages:\s+(\d+)$/m.exec(info)![1]));
  });

  it('gives identical bytes to every request for the same case and revision, whoever asks', async () => {
    const first = await get(dossierPath(), MEDICO_LEGAL);
    const second = await get(dossierPath(), QUALITY);
    const third = await get(dossierPath(`?revision=${lastRevision}`), ADMIN);
    expect(first.status).toBe(200);
    expect(sha256(second.body)).toBe(sha256(first.body));
    expect(sha256(third.body)).toBe(sha256(first.body));
  });

  it('?format=json answers the evidence bundle alone, exactly the bytes embedded in the PDF', async () => {
    const json = await get(dossierPath('?format=json'), MEDICO_LEGAL);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const bundle = JSON.parse(json.body.toString('utf8')) as Bundle;
    expect(bundle).toMatchObject({
      format: 'xray-second-opinion/evidence-bundle',
      caseId,
      revision: lastRevision,
      verdict: { verified: true, checked: 16 },
      checkpoint: null,
    });
    expect(bundle.caseEvents.map((event) => event.type)).toEqual(TWO_PLUS_ONE_EVENT_TYPES);
    // Each event as stored, with the canonical bytes its hash is over.
    const opinion = bundle.caseEvents[4]!;
    expect(opinion.data).toMatchObject({ impression: FRACTURE_OPINION });
    expect(
      createHash('sha256').update(String(opinion.metadata.prevHash)).update(opinion.canonical).digest('hex'),
    ).toBe(opinion.metadata.hash);
    // The accesses recorded while the case ran (a read, a refusal, a history read); none after it.
    expect(bundle.accessCut).toMatchObject({ kind: 'recorded-by' });
    expect(bundle.accessEvents.map((event) => [event.data.resource, event.data.status])).toEqual([
      ['case', 200],
      ['case', 403],
      ['history', 200],
    ]);

    const pdf = await get(dossierPath(), MEDICO_LEGAL);
    expect(associatedFile(pdf.body, 'evidence-bundle.json').content.equals(json.body)).toBe(true);
  });

  it('?revision=9 is the case as at revision 9: its events, its state, and other bytes', async () => {
    const bundle = await get(dossierPath('?revision=9&format=json'), MEDICO_LEGAL);
    const parsed = JSON.parse(bundle.body.toString('utf8')) as Bundle;
    expect(parsed.revision).toBe(9);
    expect(parsed.caseEvents).toHaveLength(10);
    expect(parsed.caseEvents.at(-1)!.type).toBe('DiscordanceDetected');
    const earlier = await get(dossierPath('?revision=9'), MEDICO_LEGAL);
    const latest = await get(dossierPath(), MEDICO_LEGAL);
    expect(earlier.status).toBe(200);
    expect(sha256(earlier.body)).not.toBe(sha256(latest.body));
    await writeFile(join(OUTPUT, 'dossier-revision-9.pdf'), earlier.body);
  });

  it('npm run verify -- --dossier checks the file offline: 0 as issued, 1 once its bundle is altered', async () => {
    const pdf = (await get(dossierPath(), MEDICO_LEGAL)).body;
    const file = join(OUTPUT, 'verify-dossier.pdf');
    await writeFile(file, pdf);
    const ok = await runTool('verify.js', ['--dossier', file], {});
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain(`SHA-256 ${sha256(pdf)}`);
    expect(ok.stdout).toContain('ok       hash chain: 16 case events, revisions 0–15');
    expect(ok.code).toBe(0);

    // The bundle served alone verifies the same way.
    const json = join(OUTPUT, 'evidence-bundle.json');
    await writeFile(json, (await get(dossierPath('?format=json'), MEDICO_LEGAL)).body);
    expect((await runTool('verify.js', ['--dossier', json], {})).code).toBe(0);

    // rad-a's impression changed inside the embedded bundle: its canonical bytes no longer match.
    const bundle = JSON.parse(associatedFile(pdf, 'evidence-bundle.json').content.toString('utf8')) as Bundle;
    bundle.caseEvents[4]!.data.impression = 'No fracture.';
    const altered = join(OUTPUT, 'verify-dossier-altered.pdf');
    await writeFile(altered, withBundle(pdf, Buffer.from(JSON.stringify(bundle, null, 2))));
    const broken = await runTool('verify.js', ['--dossier', altered], {});
    expect(broken.stdout).toContain('FAILED   hash chain: revision 4 (OpinionSubmitted');
    expect(broken.stdout).toContain('its content was altered');
    expect(broken.stdout).toContain('NOT VERIFIED');
    expect(broken.code).toBe(1);

    // The altered text copied into the canonical bytes too: then the hash no longer matches.
    const event = bundle.caseEvents[4]!;
    event.canonical = event.canonical.replace('Non-displaced scaphoid waist fracture.', 'No fracture.');
    await writeFile(altered, withBundle(pdf, Buffer.from(JSON.stringify(bundle, null, 2))));
    const rehashed = await runTool('verify.js', ['--dossier', altered], {});
    expect(rehashed.stdout).toContain('does not match its hash: it was altered');
    expect(rehashed.code).toBe(1);

    // Not a dossier at all: nothing could be checked.
    const notDossier = join(OUTPUT, 'not-a-dossier.json');
    await writeFile(notDossier, '{"hello": "world"}');
    const unreadable = await runTool('verify.js', ['--dossier', notDossier], {});
    expect(unreadable.stderr).toContain('not an evidence bundle');
    expect(unreadable.code).toBe(2);
  }, 60_000);

  it('prints long free text in full across pages: a 20,000-character impression, a 4,000-character comment, an addendum', async () => {
    /** Text of `length` characters in sentences and paragraphs, ending with `marker`. */
    const prose = (length: number, marker: string): string => {
      const sentence = 'The cortex is intact along the distal radius and no joint effusion is seen. ';
      let text = '';
      for (let index = 1; text.length + sentence.length + marker.length + 2 < length; index++) {
        text += index % 6 === 0 ? `${sentence.trim()}\n\n` : sentence;
      }
      return `${text}${marker}`;
    };
    const long = await requestCase({ readsRequired: 1, patientRef: 'pt-long' });
    const reader = radiologist('rad-long');
    const assignment = await assign(long, reader.sub, 'primary', { blinded: false });
    await command(`/api/v1/cases/${long}/reads`, { assignmentId: assignment }, reader);
    const opinion = await command(
      `/api/v1/cases/${long}/opinions`,
      {
        assignmentId: assignment,
        confidence: 2,
        findings: [{ code: 'fracture', presence: 'absent' }],
        impression: prose(20_000, 'End of the long impression.'),
        priorReportReview: { score: '2b', comment: prose(4_000, 'End of the long comment.') },
      },
      reader,
    );
    await command(
      `/api/v1/cases/${long}/opinions/${opinion.opinionId as string}/addenda`,
      { text: prose(20_000, 'End of the long addendum.'), reason: 'Second look' },
      reader,
    );
    const pdf = await get(`/api/v1/cases/${long}/dossier`, MEDICO_LEGAL);
    expect(pdf.status).toBe(200);
    const file = join(OUTPUT, 'dossier-long-text.pdf');
    await writeFile(file, pdf.body);
    const text = (await run('pdftotext', ['-layout', file, '-'], { maxBuffer: 16 * 1024 * 1024 })).stdout;
    for (const marker of [
      'End of the long impression.',
      'End of the long comment.',
      'End of the long addendum.',
    ]) {
      expect(text).toContain(marker);
    }
    expect(
      (await run('pdftoppm', ['-png', '-r', '30', '-f', '1', '-l', '1', file, join(OUTPUT, 'long')])).stderr,
    ).toBe('');
  }, 60_000);

  it('prints the signer’s agent: an opinion an integrator submitted for the reader', async () => {
    const integrator = { sub: 'ris-1', roles: ['integrator'], name: 'RIS Gateway' };
    const behalf = { 'x-on-behalf-of': 'rad-i', 'x-on-behalf-of-name': 'Dr Ida Ito' };
    const viaRis = await requestCase({ readsRequired: 1, patientRef: 'pt-agent' }, integrator);
    const assignment = await assign(viaRis, 'rad-i', 'primary', { as: integrator });
    await command(`/api/v1/cases/${viaRis}/reads`, { assignmentId: assignment }, integrator, behalf);
    await command(
      `/api/v1/cases/${viaRis}/opinions`,
      {
        assignmentId: assignment,
        confidence: 4,
        findings: [{ code: 'fracture', presence: 'absent' }],
        impression: 'No fracture.',
      },
      integrator,
      behalf,
    );
    const pdf = await get(`/api/v1/cases/${viaRis}/dossier`, MEDICO_LEGAL);
    const file = join(OUTPUT, 'dossier-agent.pdf');
    await writeFile(file, pdf.body);
    const text = (await run('pdftotext', [file, '-'])).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Signed by Dr Ida Ito (rad-i)');
    expect(text).toContain("Submitted by RIS Gateway (ris-1), the signer's agent");
    // The timeline names the person, and the integrator that acted for it.
    expect(text).toContain('rad-i (via ris-1) submitted an opinion');
  });

  it('is refused to radiologists and coordinators (403), and 404 for an unknown case or revision, 400 for a bad query', async () => {
    for (const caller of [RAD_A, COORDINATOR, { sub: 'int-1', roles: ['integrator'] }]) {
      const refused = await api.get(dossierPath(), caller);
      expect({ caller: caller.sub, status: refused.status, code: refused.body.code }).toEqual({
        caller: caller.sub,
        status: 403,
        code: 'forbidden',
      });
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    const unknown = await api.get('/api/v1/cases/00000000-0000-4000-8000-000000000000/dossier', MEDICO_LEGAL);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'not-found']);
    const future = await api.get(dossierPath('?revision=99'), MEDICO_LEGAL);
    expect([future.status, future.body.code]).toEqual([404, 'not-found']);
    for (const query of ['?format=xml', '?revision=-1', '?revision=abc', '?unknown=1']) {
      const bad = await api.get(dossierPath(query), MEDICO_LEGAL, {}, INVALID_ON_PURPOSE);
      expect({ query, status: bad.status, code: bad.body.code }).toEqual({
        query,
        status: 400,
        code: 'validation-failed',
      });
    }
    const notAcceptable = await api.get(dossierPath(), MEDICO_LEGAL, { accept: 'text/csv' });
    expect(notAcceptable.status).toBe(406);

    // Blinding follows the person: a medico-legal reviewer with a blinded read pending on a case
    // does not get its dossier.
    const pending = await requestCase({ patientRef: 'pt-blinded' });
    await assign(pending, 'rad-dual');
    const dual = { sub: 'rad-dual', roles: ['radiologist', 'medico-legal'] };
    const hidden = await api.get(`/api/v1/cases/${pending}/dossier`, dual);
    expect([hidden.status, hidden.body.code]).toEqual([403, 'not-your-assignment']);
  });

  it('records the SHA-256 of what it issued in the access event, shown in the audit trail and the access log', async () => {
    const agent = `dossier-${Date.now()}`;
    const response = await fetch(`${running.baseUrl}${dossierPath()}`, {
      headers: {
        authorization: `Bearer ${await api.token(MEDICO_LEGAL.sub, MEDICO_LEGAL.roles, MEDICO_LEGAL.name)}`,
        'user-agent': agent,
      },
    });
    const pdf = Buffer.from(await response.arrayBuffer());
    const digest = sha256(pdf);

    const trail = await waitFor(
      'the dossier access in the case audit trail',
      async () => {
        const page = await api.get<{ items: Array<{ type: string; data: Json; summary: string }> }>(
          `/api/v1/cases/${caseId}/audit-trail?limit=500`,
          ADMIN,
        );
        return page.body.items.filter(
          (item) => item.type === 'CaseDataAccessed' && item.data.userAgent === agent,
        );
      },
      { until: (items) => items.length > 0, timeoutMs: 15_000 },
    );
    expect(trail[0]!.data).toMatchObject({
      resource: 'dossier',
      actorId: MEDICO_LEGAL.sub,
      status: 200,
      dossier: { format: 'pdf', revision: lastRevision, sha256: digest },
    });
    expect(trail[0]!.summary).toContain(`ml-1 obtained the case dossier from`);
    expect(trail[0]!.summary).toContain(`PDF as at revision ${lastRevision}, SHA-256 ${digest}`);

    const log = await api.get<{ items: Array<Json> }>(`/api/v1/access-log?caseId=${caseId}&limit=500`, ADMIN);
    expect(log.body.items.filter((item) => item.userAgent === agent)).toEqual([
      expect.objectContaining({
        resource: 'dossier',
        actorId: 'ml-1',
        actorRole: 'medico-legal',
        status: 200,
      }),
    ]);
    // A refused attempt is in the access log too.
    await api.get(dossierPath(), RAD_B, { 'user-agent': `${agent}-refused` });
    const refused = await waitFor(
      'the refused dossier attempt in the access log',
      async () =>
        (
          await api.get<{ items: Array<Json> }>(`/api/v1/access-log?caseId=${caseId}&limit=500`, ADMIN)
        ).body.items.filter((item) => item.userAgent === `${agent}-refused`),
      { until: (items) => items.length > 0, timeoutMs: 15_000 },
    );
    expect(refused[0]).toMatchObject({
      resource: 'dossier',
      actorId: 'rad-b',
      status: 403,
      problemCode: 'forbidden',
    });
  });
});

// The dossier once the verifiable log signs checkpoints: it names one, carries an inclusion proof of
// every event, verifies offline against the engine's published key, and shows the superuser's rewrite.
describe('case dossier with a signed checkpoint (HTTP)', () => {
  let running: RunningApp;
  let api: ApiClient;
  let folder: string;
  let caseId: string;
  let treeSize: number;
  let verifierKey: string;
  const get = (path: string, as: Caller = MEDICO_LEGAL) => download(api, path, as);
  const dossierPath = (query = '') => `/api/v1/cases/${caseId}/dossier${query}`;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'dossier-checkpoint-'));
    const keyFile = await writeLogKey(folder);
    running = await startTestApp({
      ...NO_RATE_LIMITS,
      INTEGRITY_SIGNING_KEY_FILE: keyFile,
      INTEGRITY_LOG_ORIGIN: 'e2e.example/dossier-log',
      INTEGRITY_CHECKPOINT_EVERY_EVENTS: '5',
      INTEGRITY_CHECKPOINT_INTERVAL_MS: '300',
    });
    api = new ApiClient(running.baseUrl);
    await mkdir(OUTPUT, { recursive: true });
    ({ caseId } = await playReadmeCase(api));
    verifierKey = (await api.request<{ verifierKey: string }>('GET', '/api/v1/integrity/public-key')).body
      .verifierKey;
    // Until a checkpoint covers every event of the case.
    const bundle = await waitFor(
      'a dossier whose checkpoint covers the whole case',
      async () => {
        const response = await get(dossierPath('?format=json'));
        const parsed = JSON.parse(response.body.toString('utf8')) as Bundle & {
          inclusionProofs: Array<{ eventId: string }>;
          checkpoint: { treeSize: number } | null;
        };
        const proven = new Set(parsed.inclusionProofs.map((proof) => proof.eventId));
        return parsed.caseEvents.every((event) => proven.has(event.eventId)) ? parsed : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    treeSize = bundle.checkpoint!.treeSize;
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('names its checkpoint, proves every event in it, and gives the same bytes for the same checkpoint', async () => {
    const first = await get(dossierPath(`?treeSize=${treeSize}`));
    const second = await get(dossierPath(`?treeSize=${treeSize}`), ADMIN);
    expect(first.status).toBe(200);
    expect(sha256(second.body)).toBe(sha256(first.body));
    const file = join(OUTPUT, 'dossier-checkpoint.pdf');
    await writeFile(file, first.body);

    const bundle = JSON.parse(
      associatedFile(first.body, 'evidence-bundle.json').content.toString('utf8'),
    ) as Bundle & {
      checkpoint: { treeSize: number; note: string };
      inclusionProofs: Array<{ eventId: string; treeSize: number }>;
      publicKey: { verifierKey: string };
    };
    expect(bundle.checkpoint.treeSize).toBe(treeSize);
    expect(bundle.publicKey.verifierKey).toBe(verifierKey);
    expect(bundle.accessCut).toEqual({ kind: 'checkpoint', treeSize });
    const proven = new Set(bundle.inclusionProofs.map((proof) => proof.eventId));
    expect([...bundle.caseEvents, ...bundle.accessEvents].every((event) => proven.has(event.eventId))).toBe(
      true,
    );

    const text = (await run('pdftotext', [file, '-'])).stdout.replace(/\s+/g, ' ');
    expect(text).toContain(
      `VERIFIED: the hash chain of revisions 0–15 is intact (16 events), and the events are proven in the log's signed checkpoint of tree size ${treeSize}.`,
    );
    expect((await run('pdftoppm', ['-png', '-r', '50', file, join(OUTPUT, 'checkpoint')])).stderr).toBe('');

    const verified = await runTool('verify.js', ['--dossier', file, '--key', verifierKey], {});
    expect(verified.stdout).toContain('ok       signing key: ');
    expect(verified.stdout).toContain(
      `ok       inclusion proofs: 16 case events and ${bundle.accessEvents.length} access events proven`,
    );
    expect(verified.code).toBe(0);
    // Another key named as the trusted one: the checkpoint is not signed by it.
    const otherKey = verifierKey.split('+')[0]!;
    const another = signedNoteKey(otherKey, generateKeyPairSync('ed25519').publicKey);
    const refused = await runTool('verify.js', ['--dossier', file, '--key', another], {});
    expect(refused.stdout).toContain('FAILED   signing key: the checkpoint is said to be signed by');
    expect(refused.code).toBe(1);

    // The access that issued it names the checkpoint.
    const issued = await waitFor(
      'the issue of the dossier in the audit trail',
      async () =>
        (
          await api.get<{ items: Array<{ data: Json }> }>(
            `/api/v1/cases/${caseId}/audit-trail?limit=500`,
            ADMIN,
          )
        ).body.items.find((item) => (item.data.dossier as Json | undefined)?.sha256 === sha256(first.body)),
      { timeoutMs: 15_000 },
    );
    expect(issued.data.dossier).toEqual({
      format: 'pdf',
      revision: 15,
      treeSize,
      sha256: sha256(first.body),
    });
  }, 60_000);

  it('a checkpoint the log does not have is 404', async () => {
    const missing = await api.get(dossierPath('?treeSize=999999'), MEDICO_LEGAL);
    expect([missing.status, missing.body.code]).toEqual([404, 'not-found']);
  });

  it('shows the superuser’s rewrite: the altered event no longer matches the leaf the log signed', async () => {
    const before = await get(dossierPath(`?treeSize=${treeSize}`));
    await rewriteEvent(
      running.database.url,
      { streamId: `case-${caseId}`, revision: 4 },
      'impression',
      'No fracture.',
    );
    // The chain alone now verifies: the history cannot tell.
    const after = await get(dossierPath(`?treeSize=${treeSize}`));
    expect(after.status).toBe(200);
    expect(sha256(after.body)).not.toBe(sha256(before.body));
    const file = join(OUTPUT, 'dossier-rewritten.pdf');
    await writeFile(file, after.body);
    const bundle = JSON.parse(
      associatedFile(after.body, 'evidence-bundle.json').content.toString('utf8'),
    ) as Bundle;
    expect(bundle.verdict.verified).toBe(true);
    expect(bundle.caseEvents[4]!.data.impression).toBe('No fracture.');

    const text = (await run('pdftotext', [file, '-'])).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('NOT VERIFIED: inclusion proofs: revision 4');
    expect(text).toContain('does not match the leaf the log signed: it was altered');

    const verified = await runTool('verify.js', ['--dossier', file, '--key', verifierKey], {});
    expect(verified.stdout).toContain('ok       hash chain: 16 case events');
    expect(verified.stdout).toContain(
      `FAILED   inclusion proofs: revision 4 (event ${bundle.caseEvents[4]!.eventId}) does not match the leaf the log signed: it was altered`,
    );
    expect(verified.code).toBe(1);
  }, 60_000);
});
