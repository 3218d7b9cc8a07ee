import { describe, expect, it } from '@jest/globals';
import { CASE_EVENT_TYPES, type CaseEvent, type Signature } from '../../../src/domain/case/case.events.js';
import {
  SHOPPING_FLAG_REVIEWED,
  type ShoppingFlagReviewed,
} from '../../../src/domain/opinion-shopping/flag-review.js';
import {
  CASE_DATA_ACCESSED,
  type CaseDataAccessedData,
} from '../../../src/projections/access-log/case-data-accessed.event.js';
import {
  type AssignmentFacts,
  type SummaryContext,
  summarise,
} from '../../../src/projections/audit-trail/audit-summary.js';

/** What the audit trail knows when it summarises: rad-a and rad-b read blinded, rad-c adjudicates. */
const ASSIGNMENTS: Record<string, AssignmentFacts> = {
  'asg-a': { readerId: 'rad-a', role: 'primary', blinded: true, round: 1 },
  'asg-b': { readerId: 'rad-b', role: 'primary', blinded: true, round: 1 },
  'asg-c': { readerId: 'rad-c', role: 'adjudicator', blinded: false, round: 1 },
  'asg-d': { readerId: 'rad-d', role: 'primary', blinded: false, round: 2 },
  'asg-p': { readerId: 'rad-p', role: 'panelist', blinded: false, round: 1 },
};
const OPINION_AUTHORS: Record<string, string> = { 'op-a': 'rad-a', 'op-b': 'rad-b' };

function context(actorId: string | null, extra: Partial<SummaryContext> = {}): SummaryContext {
  return {
    actorId,
    onBehalfOf: null,
    consequence: false,
    assignment: (id) => ASSIGNMENTS[id],
    opinionAuthor: (id) => OPINION_AUTHORS[id],
    ...extra,
  };
}

const signature = (signerName: string, meaning: Signature['meaning'] = 'authorship'): Signature => ({
  signerName,
  meaning,
  signedAt: '2026-11-20T10:00:00.000Z',
});

type Row = {
  [Type in CaseEvent['type']]: [Type, Extract<CaseEvent, { type: Type }>['data'], SummaryContext, string];
}[CaseEvent['type']];

const REQUEST = {
  caseId: '5b1c2d3e-0000-4000-8000-000000000001',
  patientRef: 'pt-3f9a',
  study: {
    studyInstanceUid: '1.2.840.113619.2.55.3.7',
    modality: 'DX',
    bodyRegion: 'wrist',
    studyDate: '2026-11-18',
  },
  clinicalQuestion: 'Scaphoid fracture?\nPain after a fall.',
  requester: { kind: 'patient', id: 'req-77' },
  priority: 'routine',
  dueAt: '2026-11-25T09:00:00.000Z',
  readsRequired: 2,
  priorReport: {
    author: 'rad-ext-9',
    institution: 'St. Elsewhere',
    findings: [{ code: 'fracture', presence: 'absent' }],
    impression: 'No fracture.',
  },
} as const satisfies Extract<CaseEvent, { type: 'SecondOpinionRequested' }>['data'];

/** One row per case event type (and variants where a field changes the sentence): the exact sentence. */
const CASE_ROWS: Row[] = [
  [
    'SecondOpinionRequested',
    REQUEST,
    context('coord-1'),
    'coord-1 recorded a routine request for a second opinion (two independent reads) from requester req-77 (patient) ' +
      'on patient pt-3f9a: DX wrist study 1.2.840.113619.2.55.3.7 of 2026-11-18, prior report by rad-ext-9 (St. Elsewhere); ' +
      'question "Scaphoid fracture? Pain after a fall."; due 2026-11-25T09:00:00.000Z',
  ],
  [
    'SecondOpinionRequested',
    {
      ...REQUEST,
      requester: { kind: 'insurer', id: 'ins-4', organisation: 'Acme Mutual' },
      priority: 'urgent',
      readsRequired: 1,
      priorReport: undefined,
      dueAt: null,
    },
    context('ris-1', { onBehalfOf: 'coord-2' }),
    'coord-2 (via ris-1) recorded an urgent request for a second opinion (one independent read) from requester ins-4 ' +
      '(insurer, Acme Mutual) on patient pt-3f9a: DX wrist study 1.2.840.113619.2.55.3.7 of 2026-11-18, no prior report; ' +
      'question "Scaphoid fracture? Pain after a fall."; no due time',
  ],
  [
    'ReaderAssigned',
    { assignmentId: 'asg-a', round: 1, readerId: 'rad-a', role: 'primary', blinded: true },
    context('coord-1'),
    'coord-1 assigned rad-a as blinded primary reader',
  ],
  [
    'ReaderAssigned',
    { assignmentId: 'asg-d', round: 2, readerId: 'rad-d', role: 'primary', blinded: false },
    context('coord-1'),
    'coord-1 assigned rad-d as unblinded primary reader (round 2)',
  ],
  [
    'ReaderUnassigned',
    { assignmentId: 'asg-b', reason: 'Reader on leave' },
    context('coord-1'),
    'coord-1 unassigned rad-b (blinded primary reader): Reader on leave',
  ],
  [
    'ReadStarted',
    { assignmentId: 'asg-b', readerId: 'rad-b', shown: ['images', 'clinical-question'] },
    context('ris-1', { onBehalfOf: 'rad-b' }),
    'rad-b (via ris-1) started a blinded read, shown: images, clinical-question',
  ],
  [
    'ReadStarted',
    {
      assignmentId: 'asg-c',
      readerId: 'rad-c',
      shown: ['images', 'clinical-question', 'prior-report', 'primary-opinions'],
    },
    context('rad-c'),
    'rad-c started an adjudication read, shown: images, clinical-question, prior-report, primary-opinions',
  ],
  [
    'OpinionSubmitted',
    {
      opinionId: 'op-a',
      assignmentId: 'asg-a',
      round: 1,
      readerId: 'rad-a',
      role: 'primary',
      findings: [{ code: 'fracture', presence: 'present', location: 'scaphoid waist', laterality: 'left' }],
      impression: 'Non-displaced scaphoid waist fracture.',
      confidence: 4,
      priorReportReview: { score: '3b' },
      signature: signature('Dr Ana Alvarez'),
    },
    context('rad-a'),
    'rad-a submitted an opinion (blinded read): fracture present (scaphoid waist, left); confidence 4/5; ' +
      'scored the prior report RADPEER 3b; signed (authorship) by Dr Ana Alvarez',
  ],
  [
    'OpinionSubmitted',
    {
      opinionId: 'op-d',
      assignmentId: 'asg-d',
      round: 2,
      readerId: 'rad-d',
      role: 'primary',
      findings: [],
      impression: 'Unremarkable.',
      confidence: 5,
      signature: signature('Dr Dee Diaz'),
    },
    context('coord-1'),
    'rad-d (recorded by coord-1) submitted an opinion (unblinded read, round 2): no findings recorded; ' +
      'confidence 5/5; signed (authorship) by Dr Dee Diaz',
  ],
  [
    'PriorReportReviewed',
    {
      assignmentId: 'asg-a',
      readerId: 'rad-a',
      score: '2b',
      comment: 'Missed, "subtle" fracture',
      shown: ['prior-report'],
      signature: signature('Dr Ana Alvarez'),
    },
    context('rad-a'),
    'rad-a scored the prior report RADPEER 2b: "Missed, "subtle" fracture"; signed (authorship) by Dr Ana Alvarez',
  ],
  [
    'DiscordanceDetected',
    {
      round: 1,
      opinionIds: ['op-a', 'op-b'],
      findings: [
        {
          code: 'fracture',
          values: [
            { opinionId: 'op-a', presence: 'present' },
            { opinionId: 'op-b', presence: 'absent' },
          ],
          severity: 'major',
        },
        {
          code: 'effusion',
          values: [
            { opinionId: 'op-a', presence: 'absent' },
            { opinionId: 'prior-report', presence: 'present' },
          ],
          severity: 'minor',
        },
      ],
      severity: 'major',
    },
    context('engine', { consequence: true }),
    'major discordance detected in round 1: fracture major (rad-a present vs rad-b absent), ' +
      'effusion minor (rad-a absent vs prior report present)',
  ],
  [
    'CaseEscalated',
    { level: 'adjudication', reason: 'reader-discordance' },
    context('engine', { consequence: true }),
    'case escalated to adjudication: reader-discordance',
  ],
  [
    'CaseEscalated',
    { level: 'panel', reason: 'clinical-concern' },
    context('qc-1'),
    'qc-1 escalated the case to panel: clinical-concern',
  ],
  [
    'AdjudicationDecided',
    {
      adjudicatorId: 'rad-c',
      selectedOpinionId: 'op-a',
      findings: [{ code: 'fracture', presence: 'present', location: 'scaphoid waist' }],
      rationale: 'Cortical break visible on the oblique view.',
      signature: signature('Dr Chen Cho', 'approval'),
    },
    context('rad-c'),
    'rad-c adjudicated: selected the opinion of rad-a; final: fracture present (scaphoid waist); ' +
      'rationale "Cortical break visible on the oblique view."; signed (approval) by Dr Chen Cho',
  ],
  [
    'AdjudicationDecided',
    {
      adjudicatorId: 'rad-c',
      selectedOpinionId: 'prior-report',
      findings: [{ code: 'fracture', presence: 'absent' }],
      rationale: 'No cortical break.',
      signature: signature('Dr Chen Cho', 'approval'),
    },
    context('rad-c'),
    'rad-c adjudicated: selected the prior report; final: fracture absent; rationale "No cortical break."; ' +
      'signed (approval) by Dr Chen Cho',
  ],
  [
    'ConsensusReached',
    {
      round: 1,
      findings: [{ code: 'fracture', presence: 'present', location: 'scaphoid waist' }],
      method: 'adjudication',
      basedOn: ['op-a'],
      dissent: [{ code: 'fracture', opinionIds: ['op-b'] }],
      outcome: 'overturned',
    },
    context('engine', { consequence: true }),
    'consensus reached by adjudication: prior report overturned; final: fracture present (scaphoid waist); dissent on fracture',
  ],
  [
    'ConsensusReached',
    {
      round: 2,
      findings: [{ code: 'fracture', presence: 'absent' }],
      method: 'concordance',
      basedOn: ['op-d', 'op-e'],
      dissent: [],
      outcome: 'no-prior',
    },
    context('engine', { consequence: true }),
    'consensus reached by concordance (round 2): no prior report to compare; final: fracture absent',
  ],
  [
    'CaseClosed',
    { outcome: 'confirmed', note: 'Requester informed.' },
    context('coord-1'),
    'coord-1 closed the case: prior report confirmed; note "Requester informed."',
  ],
  ['CaseClosed', { outcome: 'amended' }, context('coord-1'), 'coord-1 closed the case: prior report amended'],
  [
    'CaseReopened',
    { reason: 'Requester appeal with new clinical information', round: 2 },
    context('qc-1'),
    'qc-1 reopened the case for round 2: Requester appeal with new clinical information',
  ],
  [
    'CaseWithdrawn',
    { reason: 'Requester withdrew the request' },
    context('coord-1'),
    'coord-1 withdrew the case: Requester withdrew the request',
  ],
  [
    'AddendumAppended',
    {
      opinionId: 'op-a',
      text: 'The fracture line reaches\nthe proximal pole.',
      reason: 'Clarification',
      signature: signature('Dr Ana Alvarez'),
    },
    context('rad-a'),
    'rad-a appended an addendum to the opinion of rad-a: "The fracture line reaches the proximal pole."; ' +
      'reason: Clarification; signed (authorship) by Dr Ana Alvarez',
  ],
  [
    'ReferenceStandardRecorded',
    {
      source: 'follow-up-imaging',
      findings: [{ code: 'fracture', presence: 'present' }],
      recordedBy: 'qc-1',
      note: 'CT at 2 weeks',
    },
    context('qc-1'),
    'qc-1 recorded the reference standard (follow-up-imaging): fracture present; note "CT at 2 weeks"',
  ],
  [
    'ReferenceStandardRecorded',
    { source: 'pathology', findings: [{ code: 'fracture', presence: 'absent' }], recordedBy: 'qc-2' },
    context('ris-1', { onBehalfOf: 'qc-2' }),
    'qc-2 (via ris-1) recorded the reference standard (pathology): fracture absent',
  ],
  [
    'SlaBreached',
    { dueAt: '2026-11-25T09:00:00.000Z', detectedAt: '2026-11-25T09:00:30.000Z' },
    context('sla-watch'),
    'SLA breached: due 2026-11-25T09:00:00.000Z, detected 2026-11-25T09:00:30.000Z',
  ],
  [
    'AssignmentEnded',
    { assignmentId: 'asg-b', readerId: 'rad-b', role: 'primary', round: 1, reason: 'consensus-reached' },
    context('engine', { consequence: true }),
    'assignment of rad-b as blinded primary reader ended with nothing submitted: consensus was reached',
  ],
  [
    'AssignmentEnded',
    { assignmentId: 'asg-gone', readerId: 'rad-x', role: 'primary', round: 2, reason: 'case-withdrawn' },
    context('engine', { consequence: true }),
    'assignment of rad-x as primary reader (round 2) ended with nothing submitted: the case was withdrawn',
  ],
  [
    'AssignmentEnded',
    { assignmentId: 'asg-c', readerId: 'rad-c', role: 'adjudicator', round: 1, reason: 'case-closed' },
    context('engine', { consequence: true }),
    'assignment of rad-c as adjudicator ended with nothing submitted: the case was closed',
  ],
];

const FLAG = 'os2-0123456789abcdef0123456789abcdef';

/** Events of other streams that the audit trail also holds. */
const OTHER_ROWS: Array<[string, Record<string, unknown>, SummaryContext, string]> = [
  [
    SHOPPING_FLAG_REVIEWED,
    {
      flagId: FLAG,
      disposition: 'needs-follow-up',
      note: 'Ask the surgeon.',
      reviewedBy: 'qc-1',
    } satisfies ShoppingFlagReviewed['data'],
    context('qc-1'),
    `qc-1 reviewed opinion-shopping flag ${FLAG}: needs-follow-up; note "Ask the surgeon."`,
  ],
  [
    CASE_DATA_ACCESSED,
    {
      caseId: REQUEST.caseId,
      resource: 'history',
      actorId: 'ml-1',
      ip: '10.0.0.7',
      userAgent: 'curl/8',
    } satisfies CaseDataAccessedData,
    context('ml-1'),
    'ml-1 viewed the case history from 10.0.0.7',
  ],
  [
    CASE_DATA_ACCESSED,
    {
      caseId: REQUEST.caseId,
      resource: 'audit-search',
      actorId: 'ris-1',
      ip: '10.0.0.8',
      userAgent: 'RIS',
    } satisfies CaseDataAccessedData,
    context('ris-1', { onBehalfOf: 'ml-2' }),
    `ml-2 (via ris-1) searched the audit trail for case ${REQUEST.caseId} from 10.0.0.8`,
  ],
  [
    CASE_DATA_ACCESSED,
    {
      caseId: REQUEST.caseId,
      resource: 'history',
      actorId: 'ml-1',
      ip: '10.0.0.7',
      userAgent: 'curl/8',
      status: 200,
      point: { revision: 2 },
    } satisfies CaseDataAccessedData,
    context('ml-1'),
    'ml-1 viewed the case history at revision 2 from 10.0.0.7',
  ],
  [
    CASE_DATA_ACCESSED,
    {
      caseId: REQUEST.caseId,
      resource: 'history',
      actorId: 'qc-1',
      ip: '10.0.0.9',
      userAgent: 'curl/8',
      status: 404,
      problemCode: 'not-found',
      point: { asOccurredBy: '2026-11-01T23:59:59.999Z' },
    } satisfies CaseDataAccessedData,
    context('qc-1'),
    'qc-1 tried to view the case history as it had happened by 2026-11-01T23:59:59.999Z from 10.0.0.9 and was refused: 404 not-found',
  ],
  [
    CASE_DATA_ACCESSED,
    {
      caseId: REQUEST.caseId,
      resource: 'case',
      actorId: 'anonymous',
      ip: '203.0.113.5',
      userAgent: 'curl/8',
      status: 401,
      problemCode: 'unauthorized',
    } satisfies CaseDataAccessedData,
    context('anonymous'),
    'anonymous tried to view the case from 203.0.113.5 and was refused: 401 unauthorized',
  ],
  [
    CASE_DATA_ACCESSED,
    {
      caseId: REQUEST.caseId,
      resource: 'audit-trail',
      actorId: 'rad-z',
      ip: '10.0.0.3',
      userAgent: 'curl/8',
      status: 403,
      problemCode: 'forbidden',
    } satisfies CaseDataAccessedData,
    context('rad-z'),
    'rad-z tried to view the audit trail of the case from 10.0.0.3 and was refused: 403 forbidden',
  ],
];

const ROWS = [...CASE_ROWS, ...OTHER_ROWS] as Array<[string, unknown, SummaryContext, string]>;

describe('audit summaries', () => {
  it.each(ROWS)('%s: says exactly what its fields hold (%#)', (type, data, summaryContext, sentence) => {
    expect(summarise(type, data as Record<string, unknown>, summaryContext)).toBe(sentence);
  });

  it('has a sentence for every event type the audit trail holds', () => {
    const covered = new Set(ROWS.map(([type]) => type));
    for (const type of [...CASE_EVENT_TYPES, SHOPPING_FLAG_REVIEWED, CASE_DATA_ACCESSED]) {
      expect({ type, covered: covered.has(type) }).toEqual({ type, covered: true });
    }
  });

  it('names the requester as the requester and the patient as the patient', () => {
    const sentence = summarise('SecondOpinionRequested', REQUEST, context('coord-1'));
    expect(sentence).toContain('from requester req-77 (patient)');
    expect(sentence).toContain('on patient pt-3f9a');
    expect(sentence).not.toContain('patient req-77');
  });

  it('still says who did what for data of an older shape', () => {
    expect(summarise('ConsensusReached', { round: 1 }, context('engine'))).toBe(
      'engine recorded ConsensusReached',
    );
  });
});
