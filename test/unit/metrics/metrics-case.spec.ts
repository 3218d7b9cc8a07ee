import { describe, expect, it } from '@jest/globals';
import type { CaseEvent } from '../../../src/domain/case/case.events.js';
import type { Finding } from '../../../src/domain/case/findings.js';
import {
  evolveMetricsCase,
  metricsCaseFrom,
  type TimedCaseEvent,
} from '../../../src/domain/metrics/metrics-case.js';
import { readerMetricsFor } from '../../../src/domain/metrics/reader-metrics.js';
import { absent, present } from './metrics.builders.js';

const signature = {
  signerName: 'Dr Someone',
  meaning: 'authorship',
  signedAt: '2025-03-03T09:00:00.000Z',
} as const;

const at = (minute: number) =>
  `2025-03-03T${String(8 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00.000Z`;

const assigned = (
  readerId: string,
  round: number,
  role: 'primary' | 'adjudicator',
  blinded: boolean,
): CaseEvent => ({
  type: 'ReaderAssigned',
  data: { assignmentId: `asg-${readerId}`, round, readerId, role, blinded },
});
const submitted = (readerId: string, round: number, findings: Finding[]): CaseEvent => ({
  type: 'OpinionSubmitted',
  data: {
    opinionId: `op-${readerId}`,
    assignmentId: `asg-${readerId}`,
    round,
    readerId,
    role: 'primary',
    findings,
    impression: 'Impression.',
    confidence: 4,
    signature,
  },
});

const history: CaseEvent[] = [
  {
    type: 'SecondOpinionRequested',
    data: {
      caseId: 'case-9',
      patientRef: 'patient-9',
      study: { studyInstanceUid: '1.2.3', modality: 'DX', bodyRegion: 'wrist', studyDate: '2025-02-27' },
      clinicalQuestion: 'Scaphoid fracture?',
      requester: { kind: 'patient', id: 'patient-9' },
      priority: 'routine',
      dueAt: '2025-03-06T08:00:00.000Z',
      readsRequired: 2,
      priorReport: { author: 'dr-prior', institution: 'Outside Imaging', findings: [absent('fracture')] },
    },
  },
  assigned('rad-a', 1, 'primary', true),
  assigned('rad-b', 1, 'primary', true),
  {
    type: 'ReadStarted',
    data: { assignmentId: 'asg-rad-a', readerId: 'rad-a', shown: ['images', 'clinical-question'] },
  },
  submitted('rad-a', 1, [present('fracture')]),
  {
    type: 'PriorReportReviewed',
    data: { assignmentId: 'asg-rad-a', readerId: 'rad-a', score: '3b', shown: ['prior-report'], signature },
  },
  submitted('rad-b', 1, [absent('fracture')]),
  {
    type: 'PriorReportReviewed',
    data: { assignmentId: 'asg-rad-b', readerId: 'rad-b', score: '1', shown: ['prior-report'], signature },
  },
  { type: 'CaseEscalated', data: { level: 'adjudication', reason: 'reader-discordance' } },
  assigned('rad-adj', 1, 'adjudicator', false),
  {
    type: 'AdjudicationDecided',
    data: {
      adjudicatorId: 'rad-adj',
      selectedOpinionId: 'op-rad-a',
      findings: [present('fracture')],
      rationale: 'Visible on the oblique view.',
      signature: { ...signature, meaning: 'approval' },
    },
  },
  {
    type: 'ConsensusReached',
    data: {
      round: 1,
      findings: [present('fracture')],
      method: 'adjudication',
      basedOn: ['op-rad-a'],
      dissent: [],
      outcome: 'overturned',
    },
  },
  { type: 'CaseClosed', data: { outcome: 'overturned' } },
  { type: 'CaseReopened', data: { reason: 'Appeal', round: 2 } },
  assigned('rad-c', 2, 'primary', false),
  submitted('rad-c', 2, [absent('fracture')]),
  {
    type: 'ConsensusReached',
    data: {
      round: 2,
      findings: [absent('fracture')],
      method: 'concordance',
      basedOn: ['op-rad-c'],
      dissent: [],
      outcome: 'confirmed',
    },
  },
  {
    type: 'ReferenceStandardRecorded',
    data: { source: 'follow-up-imaging', findings: [present('fracture')], recordedBy: 'coord-1' },
  },
];
const timed: TimedCaseEvent[] = history.map((event, i) => ({ event, occurredAt: at(i * 10) }));

describe('folding a case stream into metrics facts', () => {
  it('keeps what the metrics need: opinions with blinding and times, rounds, adjudication, scores, references', () => {
    expect(metricsCaseFrom(timed)).toEqual({
      caseId: 'case-9',
      bodyRegion: 'wrist',
      occurredAt: at(0),
      opinions: [
        {
          opinionId: 'op-rad-a',
          readerId: 'rad-a',
          role: 'primary',
          round: 1,
          blinded: true,
          findings: [present('fracture')],
          assignedAt: at(10),
          submittedAt: at(40),
        },
        {
          opinionId: 'op-rad-b',
          readerId: 'rad-b',
          role: 'primary',
          round: 1,
          blinded: true,
          findings: [absent('fracture')],
          assignedAt: at(20),
          submittedAt: at(60),
        },
        {
          opinionId: 'op-rad-c',
          readerId: 'rad-c',
          role: 'primary',
          round: 2,
          blinded: false,
          findings: [absent('fracture')],
          assignedAt: at(140),
          submittedAt: at(150),
        },
      ],
      consensus: { round: 2, findings: [absent('fracture')], method: 'concordance', basedOn: ['op-rad-c'] },
      referenceStandard: { source: 'follow-up-imaging', findings: [present('fracture')] },
      wentToAdjudication: [1],
      adjudications: [
        {
          round: 1,
          adjudicatorId: 'rad-adj',
          selectedOpinionId: 'op-rad-a',
          findings: [present('fracture')],
          assignedAt: at(90),
          decidedAt: at(100),
        },
      ],
      priorReport: { author: 'dr-prior', institution: 'Outside Imaging' },
      priorReportScores: [
        { readerId: 'rad-a', round: 1, score: '3b' },
        { readerId: 'rad-b', round: 1, score: '1' },
      ],
    });
  });

  it('is undefined for an empty stream and refuses a stream that does not start with its request', () => {
    expect(metricsCaseFrom([])).toBeUndefined();
    expect(() => evolveMetricsCase(undefined, history[1]!, at(0))).toThrow('corrupt');
  });

  it('feeds the metrics end to end', () => {
    const facts = metricsCaseFrom(timed)!;
    const a = readerMetricsFor('rad-a', [facts], { minComparedReads: 1 });
    // round-1 "present" against the round-2 consensus "absent" (FP) and the follow-up "present" (TP)
    expect(a.overall.map((figures) => [figures.reference, figures.tp, figures.fp])).toEqual([
      ['reference-standard', 1, 0],
      ['consensus', 0, 1],
    ]);
    expect(a.adjudicatorAgreementRate).toMatchObject({ agreed: 1, n: 1 });
    expect(a.turnaround).toMatchObject({ n: 1, median: { value: 1800 } });
    // the 3b went to adjudication and a consensus: it counts against dr-prior
    expect(readerMetricsFor('dr-prior', [facts]).radpeer.received).toMatchObject({
      counts: { '1': 1, '3b': 1 },
      pendingArbitration: 0,
    });
    // rad-c read unblinded: reported apart
    expect(readerMetricsFor('rad-c', [facts]).unblinded.reads).toBe(1);
  });
});
