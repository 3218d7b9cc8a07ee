import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import type { EventMetadata } from '../../src/application/ports/event-store.port.js';
import { CASE_EVENT_TYPES } from '../../src/domain/case/case.events.js';
import { AUDIT_CSV_COLUMNS, auditTrailCsv } from '../../src/infrastructure/http/audit/audit-csv.js';
import { AccessRecorder } from '../../src/projections/access-log/access-recorder.js';
import { AuditTrailProjection } from '../../src/projections/audit-trail/audit-trail.projection.js';
import type { AuditTrailItem } from '../../src/projections/audit-trail/audit-trail.queries.js';
import type { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { ProjectionTestBed } from './support.js';

const caseId = randomUUID();
const ids = {
  primaryA: randomUUID(),
  primaryB: randomUUID(),
  adjudicator: randomUUID(),
  panelist: randomUUID(),
  roundTwo: randomUUID(),
  opinionA: randomUUID(),
  opinionB: randomUUID(),
  vote: randomUUID(),
};
const signature = (signerName: string, meaning = 'authorship') => ({
  signerName,
  meaning,
  signedAt: '2026-11-20T10:00:00.000Z',
});
const correlation = randomUUID();

function meta(actor: string, role: string, extra: Partial<EventMetadata> & { onBehalfOf?: string } = {}) {
  const { onBehalfOf, ...rest } = extra;
  return {
    actor: { id: actor, role, ...(onBehalfOf ? { onBehalfOf } : {}) },
    occurredAt: '2026-11-20T09:00:00.000Z',
    $correlationId: correlation,
    $causationId: correlation,
    ...rest,
  };
}

/** Every case event type, some twice in different ways, written as the command path would. */
const CASE_EVENTS: Array<{
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  summary: string;
}> = [
  {
    type: 'SecondOpinionRequested',
    data: {
      caseId,
      patientRef: 'pt-9',
      study: { studyInstanceUid: '1.2.3', modality: 'CR', bodyRegion: 'chest', studyDate: '2026-11-01' },
      clinicalQuestion: 'Pneumothorax,\n"left"?',
      requester: { kind: 'insurer', id: 'ins-4', organisation: 'Acme Health' },
      priority: 'urgent',
      dueAt: '2026-11-21T09:00:00.000Z',
      readsRequired: 2,
    },
    metadata: meta('ris-1', 'integrator'),
    summary:
      'ris-1 recorded an urgent request for a second opinion (two independent reads) from requester ins-4 (insurer, Acme Health) on patient pt-9: CR chest study 1.2.3 of 2026-11-01, no prior report; question "Pneumothorax, "left"?"; due 2026-11-21T09:00:00.000Z',
  },
  {
    type: 'ReaderAssigned',
    data: { assignmentId: ids.primaryA, round: 1, readerId: 'rad-1', role: 'primary', blinded: false },
    metadata: meta('coord-1', 'coordinator'),
    summary: 'coord-1 assigned rad-1 as unblinded primary reader',
  },
  {
    type: 'ReaderAssigned',
    data: { assignmentId: ids.primaryB, round: 1, readerId: 'rad-2', role: 'primary', blinded: true },
    metadata: meta('coord-1', 'coordinator'),
    summary: 'coord-1 assigned rad-2 as blinded primary reader',
  },
  {
    type: 'ReadStarted',
    data: {
      assignmentId: ids.primaryA,
      readerId: 'rad-1',
      shown: ['images', 'clinical-question', 'prior-report'],
    },
    metadata: meta('ris-1', 'integrator', { onBehalfOf: 'rad-1' }),
    summary: 'rad-1 (via ris-1) started an unblinded read, shown: images, clinical-question, prior-report',
  },
  {
    type: 'OpinionSubmitted',
    data: {
      opinionId: ids.opinionA,
      assignmentId: ids.primaryA,
      round: 1,
      readerId: 'rad-1',
      role: 'primary',
      findings: [
        { code: 'pneumothorax', presence: 'present', laterality: 'left' },
        { code: 'pleural-effusion', presence: 'uncertain' },
      ],
      impression: 'Small apical pneumothorax.',
      confidence: 5,
      priorReportReview: { score: '3b' },
      signature: signature('Dr One'),
    },
    metadata: meta('rad-1', 'radiologist'),
    summary:
      'rad-1 submitted an opinion (unblinded read): pneumothorax present (left), pleural-effusion uncertain; confidence 5/5; scored the prior report RADPEER 3b; signed (authorship) by Dr One',
  },
  {
    type: 'ReadStarted',
    data: { assignmentId: ids.primaryB, readerId: 'rad-2', shown: ['images', 'clinical-question'] },
    metadata: meta('ris-1', 'integrator'),
    summary: 'rad-2 (recorded by ris-1) started a blinded read, shown: images, clinical-question',
  },
  {
    type: 'OpinionSubmitted',
    data: {
      opinionId: ids.opinionB,
      assignmentId: ids.primaryB,
      round: 1,
      readerId: 'rad-2',
      role: 'primary',
      findings: [],
      impression: 'Normal.',
      confidence: 2,
      signature: signature('Dr Two'),
    },
    metadata: meta('rad-2', 'radiologist'),
    summary:
      'rad-2 submitted an opinion (blinded read): no findings recorded; confidence 2/5; signed (authorship) by Dr Two',
  },
  {
    type: 'PriorReportReviewed',
    data: {
      assignmentId: ids.primaryB,
      readerId: 'rad-2',
      score: '2a',
      shown: ['prior-report'],
      signature: signature('Dr Two'),
    },
    metadata: meta('rad-2', 'radiologist'),
    summary: 'rad-2 scored the prior report RADPEER 2a; signed (authorship) by Dr Two',
  },
  {
    type: 'DiscordanceDetected',
    data: {
      round: 1,
      opinionIds: [ids.opinionA, ids.opinionB],
      findings: [
        {
          code: 'pneumothorax',
          severity: 'major',
          values: [
            { opinionId: ids.opinionA, presence: 'present' },
            { opinionId: 'prior-report', presence: 'absent' },
          ],
        },
      ],
      severity: 'major',
    },
    metadata: meta('rad-2', 'radiologist', { $causationId: randomUUID() }),
    summary:
      'major discordance detected in round 1: pneumothorax major (rad-1 present vs prior report absent)',
  },
  {
    type: 'CaseEscalated',
    data: { level: 'adjudication', reason: 'significant-discrepancy' },
    metadata: meta('rad-2', 'radiologist', { $causationId: randomUUID() }),
    summary: 'case escalated to adjudication: significant-discrepancy',
  },
  {
    type: 'ReaderAssigned',
    data: { assignmentId: ids.adjudicator, round: 1, readerId: 'rad-3', role: 'adjudicator', blinded: false },
    metadata: meta('coord-1', 'coordinator'),
    summary: 'coord-1 assigned rad-3 as adjudicator',
  },
  {
    type: 'ReaderUnassigned',
    data: { assignmentId: ids.adjudicator, reason: 'Conflict of interest;\nreplaced' },
    metadata: meta('coord-1', 'coordinator'),
    summary: 'coord-1 unassigned rad-3 (adjudicator): Conflict of interest; replaced',
  },
  {
    type: 'CaseEscalated',
    data: { level: 'panel', reason: 'quality-review' },
    metadata: meta('qc-1', 'quality-committee'),
    summary: 'qc-1 escalated the case to panel: quality-review',
  },
  {
    type: 'ReaderAssigned',
    data: { assignmentId: ids.panelist, round: 1, readerId: 'rad-4', role: 'panelist', blinded: false },
    metadata: meta('coord-1', 'coordinator'),
    summary: 'coord-1 assigned rad-4 as panelist',
  },
  {
    type: 'OpinionSubmitted',
    data: {
      opinionId: ids.vote,
      assignmentId: ids.panelist,
      round: 1,
      readerId: 'rad-4',
      role: 'panelist',
      findings: [{ code: 'pneumothorax', presence: 'present' }],
      impression: 'Agree.',
      confidence: 4,
      signature: signature('Dr Four'),
    },
    metadata: meta('rad-4', 'radiologist'),
    summary:
      'rad-4 submitted an opinion (panel vote): pneumothorax present; confidence 4/5; signed (authorship) by Dr Four',
  },
  {
    type: 'AdjudicationDecided',
    data: {
      adjudicatorId: 'rad-3',
      selectedOpinionId: 'prior-report',
      findings: [{ code: 'pneumothorax', presence: 'absent' }],
      rationale: 'Skin fold.',
      signature: signature('Dr Three', 'approval'),
    },
    metadata: meta('rad-3', 'radiologist'),
    summary:
      'rad-3 adjudicated: selected the prior report; final: pneumothorax absent; rationale "Skin fold."; signed (approval) by Dr Three',
  },
  {
    type: 'AdjudicationDecided',
    data: {
      adjudicatorId: 'rad-3',
      findings: [{ code: 'pneumothorax', presence: 'present', location: 'apex' }],
      rationale: 'Own read.',
      signature: signature('Dr Three', 'approval'),
    },
    metadata: meta('ris-1', 'integrator', { onBehalfOf: 'rad-3' }),
    summary:
      'rad-3 (via ris-1) adjudicated: recorded own findings; final: pneumothorax present (apex); rationale "Own read."; signed (approval) by Dr Three',
  },
  {
    type: 'ConsensusReached',
    data: {
      round: 1,
      findings: [{ code: 'pneumothorax', presence: 'present' }],
      method: 'panel-majority',
      basedOn: [ids.vote],
      dissent: [],
      outcome: 'no-prior',
    },
    metadata: meta('rad-4', 'radiologist', { $causationId: randomUUID() }),
    summary: 'consensus reached by panel-majority: no prior report to compare; final: pneumothorax present',
  },
  {
    type: 'CaseClosed',
    data: { outcome: 'no-prior' },
    metadata: meta('coord-1', 'coordinator'),
    summary: 'coord-1 closed the case: no prior report to compare',
  },
  {
    type: 'CaseReopened',
    data: { reason: 'Appeal', round: 2 },
    metadata: meta('qc-1', 'quality-committee'),
    summary: 'qc-1 reopened the case for round 2: Appeal',
  },
  {
    type: 'AddendumAppended',
    data: {
      opinionId: ids.opinionB,
      text: 'Missed the apex.',
      reason: 'Correction',
      signature: signature('Dr Two'),
    },
    metadata: meta('rad-2', 'radiologist'),
    summary:
      'rad-2 appended an addendum to the opinion of rad-2: "Missed the apex."; reason: Correction; signed (authorship) by Dr Two',
  },
  {
    type: 'ReferenceStandardRecorded',
    data: {
      source: 'pathology',
      findings: [{ code: 'pneumothorax', presence: 'present' }],
      recordedBy: 'qc-1',
    },
    metadata: meta('qc-1', 'quality-committee'),
    summary: 'qc-1 recorded the reference standard (pathology): pneumothorax present',
  },
  {
    type: 'SlaBreached',
    data: { dueAt: '2026-11-21T09:00:00.000Z', detectedAt: '2026-11-21T09:01:00.000Z' },
    metadata: meta('sla-watch', 'system'),
    summary: 'SLA breached: due 2026-11-21T09:00:00.000Z, detected 2026-11-21T09:01:00.000Z',
  },
  {
    type: 'ReaderAssigned',
    data: { assignmentId: ids.roundTwo, round: 2, readerId: 'rad-5', role: 'primary', blinded: true },
    metadata: meta('coord-1', 'coordinator'),
    summary: 'coord-1 assigned rad-5 as blinded primary reader (round 2)',
  },
  {
    type: 'CaseWithdrawn',
    data: { reason: 'Duplicate request' },
    metadata: meta('coord-1', 'coordinator'),
    summary: 'coord-1 withdrew the case: Duplicate request',
  },
  {
    type: 'AssignmentEnded',
    data: {
      assignmentId: ids.roundTwo,
      readerId: 'rad-5',
      role: 'primary',
      round: 2,
      reason: 'case-withdrawn',
    },
    metadata: meta('engine', 'system', { $causationId: randomUUID() }),
    summary:
      'assignment of rad-5 as blinded primary reader (round 2) ended with nothing submitted: the case was withdrawn',
  },
];

describe('audit-trail projection', () => {
  let bed: ProjectionTestBed;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    bed = await ProjectionTestBed.create();
    const events = CASE_EVENTS.map(({ type, data, metadata }) => ({
      eventId: randomUUID(),
      type,
      data,
      metadata,
    }));
    // Appended in small groups, like commands; the small batches below split some across transactions.
    for (let start = 0; start < events.length; start += 4) {
      await bed.store.append(`case-${caseId}`, events.slice(start, start + 4), {
        expected: start === 0 ? 'no-stream' : start - 1,
      });
    }
    const recorder = new AccessRecorder(bed.store, { now: () => new Date('2026-11-22T08:00:00.000Z') });
    const identity = { sub: 'ml-1', role: 'medico-legal' };
    await recorder.record({ caseId, resource: 'history', identity, ip: '10.0.0.7', correlationId: 'c-1' });
    await recorder.record({
      resource: 'audit-search',
      identity: { sub: 'ris-1', role: 'integrator', onBehalfOf: { id: 'qc-2' } },
      ip: '10.0.0.8',
      userAgent: 'curl/8',
      correlationId: 'c-2',
    });
    await bed.store.append(
      'flag-os1-abc',
      [
        {
          eventId: randomUUID(),
          type: 'ShoppingFlagReviewed',
          data: { flagId: 'os1-abc', disposition: 'dismissed', note: 'Follow-up imaging' },
          metadata: meta('qc-1', 'quality-committee'),
        },
      ],
      { expected: 'no-stream' },
    );
    await bed.store.append(
      'misc-1',
      [{ eventId: randomUUID(), type: 'SomethingNew', data: {}, metadata: meta('bot-1', 'system') }],
      { expected: 'no-stream' },
    );
    runner = await bed.runner([new AuditTrailProjection()], { maxBatchSize: 3 });
    await runner.start();
    await runner.waitUntilCaughtUp();
  });

  afterAll(async () => {
    await bed.close();
  });

  const schema = () => runner.schemas.activeSchema('audit-trail');
  type Row = Record<string, string | null>;
  const table = async (name: string, order: string): Promise<Row[]> =>
    bed.db.query(`SELECT * FROM "${await schema()}".${name} ORDER BY ${order}`);

  it('writes one summary per event type, naming readers, blinding, signatures and reasons', async () => {
    const rows = await table('audit_trail', 'position');
    expect(rows.map((row) => Number(row.position))).toEqual(rows.map((_, index) => index + 1));
    const caseRows = rows.filter((row) => row.case_id === caseId && row.type !== 'CaseDataAccessed');
    expect(caseRows.map((row) => row.summary)).toEqual(CASE_EVENTS.map((event) => event.summary));
    expect(new Set(caseRows.map((row) => row.type))).toEqual(new Set(CASE_EVENT_TYPES));

    const others = rows.slice(CASE_EVENTS.length).map((row) => [row.type, row.case_id, row.summary]);
    expect(others).toEqual([
      ['CaseDataAccessed', caseId, 'ml-1 viewed the case history from 10.0.0.7'],
      ['CaseDataAccessed', null, 'qc-2 (via ris-1) searched the audit trail from 10.0.0.8'],
      [
        'ShoppingFlagReviewed',
        null,
        'qc-1 reviewed opinion-shopping flag os1-abc: dismissed; note "Follow-up imaging"',
      ],
      ['SomethingNew', null, 'bot-1 recorded SomethingNew'],
    ]);
  });

  it('fills the access log from CaseDataAccessed, with the audit positions', async () => {
    const rows = await table('access_log', 'position');
    expect(rows).toEqual([
      {
        position: String(CASE_EVENTS.length + 1),
        event_id: expect.any(String),
        case_id: caseId,
        access_sequence: '1',
        resource: 'history',
        actor_id: 'ml-1',
        actor_role: 'medico-legal',
        on_behalf_of: null,
        ip: '10.0.0.7',
        user_agent: '',
        accessed_at: new Date('2026-11-22T08:00:00.000Z'),
        status: 200,
        problem_code: null,
        point: null,
      },
      {
        position: String(CASE_EVENTS.length + 2),
        event_id: expect.any(String),
        case_id: null,
        access_sequence: '1',
        resource: 'audit-search',
        actor_id: 'ris-1',
        actor_role: 'integrator',
        on_behalf_of: 'qc-2',
        ip: '10.0.0.8',
        user_agent: 'curl/8',
        accessed_at: new Date('2026-11-22T08:00:00.000Z'),
        status: 200,
        problem_code: null,
        point: null,
      },
    ]);
  });

  it('gives exactly the same rows when rebuilt from position zero (whole tables, ordered)', async () => {
    const tables = [
      ['audit_trail', 'position'],
      ['access_log', 'position'],
      ['assignments', 'assignment_id'],
      ['opinions', 'opinion_id'],
    ] as const;
    const live = await Promise.all(tables.map(([name, order]) => table(name, order)));
    const liveSchema = await schema();
    await runner.rebuild('audit-trail');
    await runner.waitUntilCaughtUp();
    expect(await schema()).not.toBe(liveSchema);
    const rebuilt = await Promise.all(tables.map(([name, order]) => table(name, order)));
    expect(rebuilt).toEqual(live);
    expect(live[0]).toHaveLength(CASE_EVENTS.length + 4);
  });
});

describe('audit trail CSV', () => {
  it('quotes commas, quotes and newlines so that csv-parse reads back the same values', () => {
    const item: AuditTrailItem = {
      position: 7,
      caseId: randomUUID(),
      revision: 3,
      eventId: randomUUID(),
      type: 'AddendumAppended',
      occurredAt: '2026-11-20T09:00:00.000Z',
      recordedAt: '2026-11-20T09:00:00.123Z',
      actorId: 'rad-1',
      actorRole: 'radiologist',
      correlationId: 'c-1',
      causationId: 'c-1',
      hash: 'ab'.repeat(32),
      summary: 'rad-1 wrote "this", and that,\r\non two lines',
      data: { text: 'a, "quoted"\nline', nested: { list: [1, 'two'] } },
    };
    const text = auditTrailCsv([item, { ...item, position: 8, onBehalfOf: 'rad-2', data: {} }]);
    const [header, first, second] = parse(text) as string[][];
    expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(first).toEqual([
      '7',
      item.caseId,
      '3',
      '',
      item.eventId,
      'AddendumAppended',
      item.occurredAt,
      item.recordedAt,
      'rad-1',
      'radiologist',
      '',
      'c-1',
      'c-1',
      item.hash,
      item.summary,
      JSON.stringify(item.data),
    ]);
    expect(JSON.parse(first[15])).toEqual(item.data);
    expect(second[10]).toBe('rad-2');
    // An access row has its access sequence and no revision.
    const { revision: _revision, ...access } = item;
    const [, accessRow] = parse(auditTrailCsv([{ ...access, type: 'CaseDataAccessed', accessSequence: 4 }]));
    expect(accessRow.slice(2, 4)).toEqual(['', '4']);
    expect(parse(auditTrailCsv([]))).toEqual([[...AUDIT_CSV_COLUMNS]]);
  });
});
