import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { GENESIS_HASH, eventHash } from '../../src/application/integrity/hash-chain.js';
import { EVENT_STORE, type EventStore } from '../../src/application/ports/event-store.port.js';
import { CASE_EVENT_TYPES } from '../../src/domain/case/case.events.js';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { AUDIT_CSV_COLUMNS } from '../../src/infrastructure/http/audit/audit-csv.js';
import {
  ADMIN,
  ApiClient,
  COORDINATOR,
  INTEGRATOR,
  MEDICO_LEGAL,
  QUALITY,
  radiologist,
  secondOpinionRequest,
} from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';

/** Other projections run in the same app; these tests wait for the audit trail only. */
const AUDIT_ONLY = { names: ['audit-trail'] };

interface AuditRow {
  position: number;
  caseId?: string;
  revision: number;
  accessSequence?: number;
  eventId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actorId?: string;
  actorRole?: string;
  onBehalfOf?: string;
  correlationId?: string;
  causationId?: string;
  hash?: string;
  summary: string;
  data: Record<string, unknown>;
}

interface Page<Item> {
  items: Item[];
  nextCursor?: string;
}

interface HistoryEvent {
  eventId: string;
  type: string;
  revision: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown> & { actor: { id: string; role: string; onBehalfOf?: string } };
  occurredAt: string;
  recordedAt: string;
}

const study = (studyInstanceUid: string) => ({
  ...(secondOpinionRequest().study as Record<string, unknown>),
  studyInstanceUid,
});

const R17 = radiologist('rad-17');
const R22 = radiologist('rad-22');
const R5 = radiologist('rad-5');

describe('audit trail and access log (HTTP)', () => {
  let running: RunningApp;
  let api: ApiClient;
  let runner: ProjectionRunner;
  let store: EventStore;
  /** A case taken through every step of its life. */
  let caseA: string;
  let opinion17: string;
  /** A withdrawn case. */
  let caseB: string;
  /** A case escalated by hand to adjudication, then to a panel, whose SLA breached. */
  let caseC: string;

  async function post(path: string, body: unknown, as: { sub: string; roles: string[] }, headers = {}) {
    const response = await api.post(`/api/v1/cases${path}`, body, as, headers);
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${response.text}`);
    return response.body as Record<string, string>;
  }

  async function trail(caseId: string, as = QUALITY): Promise<AuditRow[]> {
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    const response = await api.get<Page<AuditRow>>(`/api/v1/cases/${caseId}/audit-trail?limit=500`, as);
    expect(response.status).toBe(200);
    return response.body.items;
  }

  /** A breach appended straight to the store, chained like the command path chains events (no HTTP route records one). */
  async function appendSlaBreach(caseId: string): Promise<void> {
    const { events } = await store.readStream(`case-${caseId}`);
    const last = events.at(-1)!;
    const data = { dueAt: String(events[0].data.dueAt), detectedAt: new Date().toISOString() };
    const metadata = {
      actor: { id: 'sla-watch', role: 'system' },
      occurredAt: data.detectedAt,
      schemaVersion: 1,
      $correlationId: randomUUID(),
      $causationId: randomUUID(),
      prevHash: typeof last.metadata.hash === 'string' ? last.metadata.hash : GENESIS_HASH,
    };
    const hash = eventHash(metadata.prevHash, 'SlaBreached', data, metadata);
    await store.append(
      `case-${caseId}`,
      [{ eventId: randomUUID(), type: 'SlaBreached', data, metadata: { ...metadata, hash } }],
      { expected: last.revision },
    );
  }

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    runner = running.app.get(ProjectionRunner);
    store = running.app.get<EventStore>(EVENT_STORE);

    caseA = (await post('', secondOpinionRequest({ patientRef: 'pt-audit-a' }), COORDINATOR)).caseId;
    const spare = await post(`/${caseA}/assignments`, { readerId: 'rad-9', role: 'primary' }, COORDINATOR);
    await post(
      `/${caseA}/assignments/${spare.assignmentId}/unassignment`,
      { reason: 'Reader on leave' },
      COORDINATOR,
    );
    const a17 = (await post(`/${caseA}/assignments`, { readerId: 'rad-17', role: 'primary' }, COORDINATOR))
      .assignmentId;
    const a22 = (await post(`/${caseA}/assignments`, { readerId: 'rad-22', role: 'primary' }, COORDINATOR))
      .assignmentId;
    await post(`/${caseA}/reads`, { assignmentId: a17 }, R17);
    await post(`/${caseA}/reads`, { assignmentId: a22 }, INTEGRATOR, { 'x-on-behalf-of': 'rad-22' });
    opinion17 = (
      await post(
        `/${caseA}/opinions`,
        {
          assignmentId: a17,
          findings: [{ code: 'fracture', presence: 'present', location: 'scaphoid', laterality: 'left' }],
          impression: 'Undisplaced scaphoid waist fracture, "subtle", see views 2, 3.',
          confidence: 4,
        },
        R17,
      )
    ).opinionId;
    await post(
      `/${caseA}/opinions`,
      {
        assignmentId: a22,
        findings: [{ code: 'fracture', presence: 'absent' }],
        impression: 'No fracture.\nNormal carpal alignment.',
        confidence: 3,
      },
      R22,
    );
    await post(
      `/${caseA}/prior-report-reviews`,
      { assignmentId: a17, score: '2b', comment: 'Missed, "subtle" fracture' },
      R17,
    );
    await post(`/${caseA}/prior-report-reviews`, { assignmentId: a22, score: '1' }, R22);
    const a5 = (await post(`/${caseA}/assignments`, { readerId: 'rad-5', role: 'adjudicator' }, COORDINATOR))
      .assignmentId;
    await post(`/${caseA}/reads`, { assignmentId: a5 }, R5);
    await post(
      `/${caseA}/adjudication`,
      {
        assignmentId: a5,
        selectedOpinionId: opinion17,
        rationale: 'Cortical break visible on the scaphoid view.',
      },
      R5,
    );
    await post(`/${caseA}/closure`, { note: 'Reported to the requester' }, COORDINATOR);
    await post(`/${caseA}/reopening`, { reason: 'Requester appeal with new clinical information' }, QUALITY);
    await post(
      `/${caseA}/opinions/${opinion17}/addenda`,
      {
        text: 'The fracture line reaches the proximal pole,\nsee "image 3", views 1, 2.',
        reason: 'Clarification',
      },
      R17,
    );
    await post(
      `/${caseA}/reference-standard`,
      {
        source: 'follow-up-imaging',
        findings: [{ code: 'fracture', presence: 'present' }],
        note: 'CT at 2 weeks',
      },
      QUALITY,
    );

    caseB = (
      await post(
        '',
        secondOpinionRequest({ patientRef: 'pt-audit-b', study: study('1.2.3.4.5') }),
        COORDINATOR,
      )
    ).caseId;
    // Withdrawal ends the open assignment: the engine records AssignmentEnded.
    await post(`/${caseB}/assignments`, { readerId: 'rad-40', role: 'primary' }, COORDINATOR);
    await post(`/${caseB}/withdrawal`, { reason: 'Requester withdrew the request' }, COORDINATOR);

    caseC = (
      await post(
        '',
        secondOpinionRequest({
          patientRef: 'pt-audit-c',
          readsRequired: 1,
          priorReport: undefined,
          study: study('1.2.3.4.6'),
        }),
        COORDINATOR,
      )
    ).caseId;
    await post(`/${caseC}/assignments`, { readerId: 'rad-30', role: 'primary' }, COORDINATOR);
    await post(`/${caseC}/escalations`, { level: 'adjudication', reason: 'requester-appeal' }, QUALITY);
    await post(`/${caseC}/escalations`, { level: 'panel', reason: 'clinical-concern' }, QUALITY);
    await appendSlaBreach(caseC);
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
  });

  afterAll(async () => {
    await running.close();
  });

  it('holds a row for every case event type, across cases, in ascending global order', async () => {
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    const response = await api.get<Page<AuditRow>>('/api/v1/audit-trail?limit=500', MEDICO_LEGAL);
    expect(response.status).toBe(200);
    const { items } = response.body;
    for (const type of CASE_EVENT_TYPES) expect(items.map((item) => item.type)).toContain(type);
    const positions = items.map((item) => item.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
  });

  it("matches each of a case's events in the event store: revision, actor, times, correlation, hash and data", async () => {
    const history = await api.get<{ events: HistoryEvent[] }>(`/api/v1/cases/${caseA}/history`, MEDICO_LEGAL);
    expect(history.status).toBe(200);
    const rows = (await trail(caseA)).filter((row) => row.type !== 'CaseDataAccessed');
    expect(rows.map((row) => row.eventId)).toEqual(history.body.events.map((event) => event.eventId));
    for (const [index, event] of history.body.events.entries()) {
      const row = rows[index];
      expect(row).toEqual({
        position: expect.any(Number),
        caseId: caseA,
        revision: event.revision,
        eventId: event.eventId,
        type: event.type,
        occurredAt: event.occurredAt,
        recordedAt: event.recordedAt,
        actorId: event.metadata.actor.id,
        actorRole: event.metadata.actor.role,
        ...(event.metadata.actor.onBehalfOf === undefined
          ? {}
          : { onBehalfOf: event.metadata.actor.onBehalfOf }),
        correlationId: event.metadata.correlationId,
        causationId: event.metadata.causationId,
        hash: event.metadata.hash,
        summary: expect.any(String),
        data: event.data,
      });
    }
    const readBy22 = rows.find((row) => row.type === 'ReadStarted' && row.data.readerId === 'rad-22');
    expect(readBy22).toMatchObject({ actorId: 'ris-1', actorRole: 'integrator', onBehalfOf: 'rad-22' });
  });

  it('says in one line who did what, with signature meanings and reasons', async () => {
    const summaries = (await trail(caseA)).map((row) => `${row.type}: ${row.summary}`);
    const expected = [
      /^SecondOpinionRequested: coord-1 recorded a routine request for a second opinion \(two independent reads\) from requester req-1 \(patient\) on patient pt-audit-a: DX wrist study 1\.2\.840\.113619\.2\.55\.3\.1 of 2026-11-18, prior report by rad-ext-9 \(St\. Elsewhere\); question "Scaphoid fracture\?"; due \d{4}-\d\d-\d\dT[\d:.]+Z$/,
      /^ReaderAssigned: coord-1 assigned rad-9 as blinded primary reader$/,
      /^ReaderUnassigned: coord-1 unassigned rad-9 \(blinded primary reader\): Reader on leave$/,
      /^ReaderAssigned: coord-1 assigned rad-17 as blinded primary reader$/,
      /^ReaderAssigned: coord-1 assigned rad-22 as blinded primary reader$/,
      /^ReadStarted: rad-17 started a blinded read, shown: images, clinical-question$/,
      /^ReadStarted: rad-22 \(via ris-1\) started a blinded read, shown: images, clinical-question$/,
      /^OpinionSubmitted: rad-17 submitted an opinion \(blinded read\): fracture present \(scaphoid, left\); confidence 4\/5; signed \(authorship\) by Dr rad-17$/,
      /^OpinionSubmitted: rad-22 submitted an opinion \(blinded read\): fracture absent; confidence 3\/5; signed \(authorship\) by Dr rad-22$/,
      /^PriorReportReviewed: rad-17 scored the prior report RADPEER 2b: "Missed, "subtle" fracture"; signed \(authorship\) by Dr rad-17$/,
      /^PriorReportReviewed: rad-22 scored the prior report RADPEER 1; signed \(authorship\) by Dr rad-22$/,
      /^DiscordanceDetected: major discordance detected in round 1: fracture major \(.*rad-17 present vs rad-22 absent.*\)/,
      /^CaseEscalated: case escalated to adjudication: reader-discordance$/,
      /^ReaderAssigned: coord-1 assigned rad-5 as adjudicator$/,
      /^ReadStarted: rad-5 started an adjudication read, shown: images, clinical-question, prior-report, primary-opinions$/,
      /^AdjudicationDecided: rad-5 adjudicated: selected the opinion of rad-17; final: fracture present \(scaphoid, left\); rationale "Cortical break visible on the scaphoid view."; signed \(approval\) by Dr rad-5$/,
      /^ConsensusReached: consensus reached by adjudication: prior report overturned; final: fracture present \(scaphoid, left\); dissent on fracture$/,
      /^CaseClosed: coord-1 closed the case: prior report overturned; note "Reported to the requester"$/,
      /^CaseReopened: qc-1 reopened the case for round 2: Requester appeal with new clinical information$/,
      /^AddendumAppended: rad-17 appended an addendum to the opinion of rad-17: "The fracture line reaches the proximal pole, see "image 3", views 1, 2."; reason: Clarification; signed \(authorship\) by Dr rad-17$/,
      /^ReferenceStandardRecorded: qc-1 recorded the reference standard \(follow-up-imaging\): fracture present; note "CT at 2 weeks"$/,
    ];
    const caseEvents = summaries.filter((line) => !line.startsWith('CaseDataAccessed'));
    expect(caseEvents).toHaveLength(expected.length);
    caseEvents.forEach((line, index) => expect(line).toMatch(expected[index]));

    const withdrawn = (await trail(caseB)).map((row) => row.summary);
    expect(withdrawn).toContain('coord-1 withdrew the case: Requester withdrew the request');
    expect(withdrawn).toContain(
      'assignment of rad-40 as blinded primary reader ended with nothing submitted: the case was withdrawn',
    );
    const escalated = (await trail(caseC)).map((row) => row.summary);
    expect(escalated).toEqual(
      expect.arrayContaining([
        'qc-1 escalated the case to adjudication: requester-appeal',
        'qc-1 escalated the case to panel: clinical-concern',
        expect.stringMatching(/^SLA breached: due \d{4}-\d\d-\d\dT.+Z, detected \d{4}-\d\d-\d\dT.+Z$/),
      ]),
    );
  });

  it('exports CSV with a header row and the columns in order, which csv-parse reads back to the JSON rows', async () => {
    const rows = await trail(caseA);
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    const response = await api.request('GET', `/api/v1/cases/${caseA}/audit-trail`, {
      as: QUALITY,
      headers: { accept: 'text/csv' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const records = parse(response.text, { columns: false, skip_empty_lines: false }) as string[][];
    expect(records[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    const parsed = records
      .slice(1)
      .map((record) => Object.fromEntries(AUDIT_CSV_COLUMNS.map((column, index) => [column, record[index]])));
    // The export was read after the JSON page above (whose read is now in the trail too).
    expect(parsed.length).toBeGreaterThanOrEqual(rows.length);
    for (const [index, row] of rows.entries()) {
      const record = parsed[index];
      for (const column of AUDIT_CSV_COLUMNS) {
        const value = row[column];
        if (column === 'data') expect(JSON.parse(record.data)).toEqual(row.data);
        else expect(record[column]).toBe(value === undefined ? '' : String(value));
      }
    }
    const withQuotes = parsed.find((record) => record.type === 'AddendumAppended')!;
    expect(JSON.parse(withQuotes.data).text).toBe(
      'The fracture line reaches the proximal pole,\nsee "image 3", views 1, 2.',
    );
  });

  it('pages with an opaque cursor, ascending, nextCursor absent on the last page', async () => {
    const all = await trail(caseA);
    const seen: AuditRow[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await api.get<Page<AuditRow>>(
        `/api/v1/cases/${caseA}/audit-trail?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        QUALITY,
      );
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...response.body.items);
      cursor = response.body.nextCursor;
      if (cursor !== undefined) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      pages++;
    } while (cursor !== undefined && pages < 50);
    expect(seen.slice(0, all.length).map((row) => row.eventId)).toEqual(all.map((row) => row.eventId));
    expect(pages).toBeGreaterThan(5);
  });

  it('searches across cases by case, actor, type and time', async () => {
    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    const opinions = await api.get<Page<AuditRow>>(
      `/api/v1/audit-trail?type=OpinionSubmitted&caseId=${caseA}`,
      ADMIN,
    );
    expect(opinions.body.items.map((row) => row.data.readerId)).toEqual(['rad-17', 'rad-22']);
    const by22 = await api.get<Page<AuditRow>>('/api/v1/audit-trail?actorId=rad-22&limit=500', QUALITY);
    // rad-22's score completed the round: the discordance and escalation that followed are the engine's, caused by the score.
    expect(by22.body.items.map((row) => row.type)).toEqual([
      'ReadStarted',
      'OpinionSubmitted',
      'PriorReportReviewed',
    ]);
    const score = by22.body.items[2];
    const byEngine = await api.get<Page<AuditRow>>(
      `/api/v1/audit-trail?actorId=engine&caseId=${caseA}&limit=500`,
      QUALITY,
    );
    expect(
      byEngine.body.items
        .filter((row) => row.causationId === score.eventId)
        .map((row) => [row.type, row.actorRole]),
    ).toEqual([
      ['DiscordanceDetected', 'system'],
      ['CaseEscalated', 'system'],
    ]);
    const withdrawals = await api.get<Page<AuditRow>>('/api/v1/audit-trail?type=CaseWithdrawn', QUALITY);
    expect(withdrawals.body.items.map((row) => row.caseId)).toEqual([caseB]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await api.get<Page<AuditRow>>(`/api/v1/audit-trail?from=${future}`, QUALITY);
    expect(none.body).toEqual({ items: [] });
    const past = await api.get<Page<AuditRow>>(`/api/v1/audit-trail?to=2000-01-01T00:00:00Z`, QUALITY);
    expect(past.body).toEqual({ items: [] });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    ['from=yesterday', 'from'],
    ['caseId=42', 'caseId'],
    ['actorId=a%20b', 'actorId'],
    ['colour=blue', 'colour'],
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
  ])('answers 400 problem+json to %s', async (query, field) => {
    const response = await api.get(`/api/v1/audit-trail?${query}`, QUALITY, {}, INVALID_ON_PURPOSE);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ field })],
    });
    const accessLog = await api.get(
      `/api/v1/access-log?${query.replace('caseId=42', 'caseId=x')}`,
      QUALITY,
      {},
      INVALID_ON_PURPOSE,
    );
    expect(accessLog.status).toBe(400);
  });

  it('is for the quality committee, medico-legal and admins only, and 404 for an unknown case', async () => {
    for (const as of [COORDINATOR, INTEGRATOR, R17]) {
      expect((await api.get(`/api/v1/cases/${caseA}/audit-trail`, as)).status).toBe(403);
      expect((await api.get('/api/v1/audit-trail', as)).status).toBe(403);
      expect((await api.get('/api/v1/access-log', as)).status).toBe(403);
    }
    for (const as of [QUALITY, MEDICO_LEGAL, ADMIN]) {
      expect((await api.get(`/api/v1/cases/${caseA}/audit-trail?limit=1`, as)).status).toBe(200);
      expect((await api.get('/api/v1/access-log?limit=1', as)).status).toBe(200);
    }
    const unknown = await api.get(`/api/v1/cases/${randomUUID()}/audit-trail`, QUALITY);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'not-found' });
  });

  it('records every read of case data, history and audit trail in access streams of their own, never the case stream', async () => {
    const caseD = (
      await post(
        '',
        secondOpinionRequest({ patientRef: 'pt-audit-d', study: study('1.2.3.4.7') }),
        COORDINATOR,
      )
    ).caseId;
    const before = await store.readStream(`case-${caseD}`);
    const headers = { 'user-agent': 'AuditTest/1.0 (medico-legal review)' };
    expect((await api.get(`/api/v1/cases/${caseD}`, MEDICO_LEGAL, headers)).status).toBe(200);
    expect((await api.get(`/api/v1/cases/${caseD}/history`, MEDICO_LEGAL, headers)).status).toBe(200);
    expect((await api.get(`/api/v1/cases/${caseD}/audit-trail`, MEDICO_LEGAL, headers)).status).toBe(200);
    expect((await api.get('/api/v1/audit-trail?type=CaseWithdrawn', MEDICO_LEGAL, headers)).status).toBe(200);

    const after = await store.readStream(`case-${caseD}`);
    expect(after.events.map((event) => event.eventId)).toEqual(before.events.map((event) => event.eventId));
    expect((await api.get(`/api/v1/cases/${caseD}`, MEDICO_LEGAL)).headers.get('etag')).toBe(
      `"${before.events.at(-1)!.revision}"`,
    );
    const accessed = await store.readStream(`access-${caseD}`);
    expect(accessed.events.map((event) => [event.type, event.data.resource, event.data.actorId])).toEqual([
      ['CaseDataAccessed', 'case', 'ml-1'],
      ['CaseDataAccessed', 'history', 'ml-1'],
      ['CaseDataAccessed', 'audit-trail', 'ml-1'],
      ['CaseDataAccessed', 'case', 'ml-1'],
    ]);
    expect(accessed.events[0].metadata).toMatchObject({
      actor: { id: 'ml-1', role: 'medico-legal' },
      occurredAt: expect.any(String),
      $correlationId: expect.any(String),
    });
    const searches = await store.readStream('access-search');
    expect(searches.events.at(-1)!.data).toEqual({
      resource: 'audit-search',
      actorId: 'ml-1',
      ip: '127.0.0.1',
      userAgent: headers['user-agent'],
      status: 200,
    });

    await runner.waitUntilCaughtUp(AUDIT_ONLY);
    const log = await api.get<Page<Record<string, unknown>>>(`/api/v1/access-log?caseId=${caseD}`, QUALITY);
    expect(log.status).toBe(200);
    expect(log.body.items.map((item) => item.resource)).toEqual(['case', 'history', 'audit-trail', 'case']);
    expect(log.body.items[0]).toEqual({
      position: expect.any(Number),
      caseId: caseD,
      accessSequence: 1,
      resource: 'case',
      actorId: 'ml-1',
      actorRole: 'medico-legal',
      ip: '127.0.0.1',
      userAgent: headers['user-agent'],
      accessedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      status: 200,
    });
    const byActor = await api.get<Page<Record<string, unknown>>>(
      '/api/v1/access-log?actorId=ml-1&limit=500',
      ADMIN,
    );
    expect(
      byActor.body.items.some((item) => item.resource === 'audit-search' && item.caseId === undefined),
    ).toBe(true);
    const paged = await api.get<Page<Record<string, unknown>>>(
      `/api/v1/access-log?caseId=${caseD}&limit=2`,
      QUALITY,
    );
    expect(paged.body.items).toHaveLength(2);
    const rest = await api.get<Page<Record<string, unknown>>>(
      `/api/v1/access-log?caseId=${caseD}&limit=2&cursor=${paged.body.nextCursor}`,
      QUALITY,
    );
    expect(rest.body.items.map((item) => item.resource)).toEqual(['audit-trail', 'case']);

    const rows = await trail(caseD, ADMIN);
    expect(rows.filter((row) => row.type === 'CaseDataAccessed').map((row) => row.summary)).toEqual([
      'ml-1 viewed the case from 127.0.0.1',
      'ml-1 viewed the case history from 127.0.0.1',
      'ml-1 viewed the audit trail of the case from 127.0.0.1',
      'ml-1 viewed the case from 127.0.0.1',
    ]);
    const accessRow = rows.find((row) => row.type === 'CaseDataAccessed')!;
    expect(accessRow).toMatchObject({ caseId: caseD, actorId: 'ml-1', actorRole: 'medico-legal' });
    expect(accessRow.hash).toBeUndefined();
  });
});
