import { describe, expect, it } from '@jest/globals';
import type { PriorReport, Requester } from '../../../src/domain/case/case.events.js';
import type { Outcome } from '../../../src/domain/case/case.values.js';
import type { Finding } from '../../../src/domain/case/findings.js';
import { defaultShoppingPolicy } from '../../../src/domain/opinion-shopping/opinion-shopping.policy.js';
import {
  episodesOf,
  evaluate,
  nextReevaluationAt,
  type ProducedReport,
  type ShoppingConsensus,
  type ShoppingHistory,
  type ShoppingRequest,
} from '../../../src/domain/opinion-shopping/opinion-shopping.rules.js';
import { flagIdFor, sha256Hex } from '../../../src/projections/opinion-shopping/flag-id.js';

// Builders: time is counted in days (and seconds) from T0.

const T0 = Date.parse('2025-01-01T09:00:00.000Z');
const DAY = 86_400_000;
const at = (days: number, seconds = 0): string => new Date(T0 + days * DAY + seconds * 1000).toISOString();
const dateAt = (days: number): string => at(days).slice(0, 10);

const present = (code: string): Finding => ({ code, presence: 'present' });
const absent = (code: string): Finding => ({ code, presence: 'absent' });

const patient = (id = 'patient-1'): Requester => ({ kind: 'patient', id });
const physician = (organisation: string, id = 'dr-ref'): Requester => ({
  kind: 'referring-physician',
  id,
  organisation,
});
const insurer: Requester = { kind: 'insurer', id: 'ins-1', organisation: 'Acme Insurance' };

let sequence = 0;
interface RequestOptions {
  patientRef?: string;
  bodyRegion?: string;
  studyDay?: number;
  uid?: string;
  requester?: Requester;
  priorReport?: PriorReport;
  seconds?: number;
}
const request = (day: number, options: RequestOptions = {}): ShoppingRequest => {
  sequence += 1;
  const patientRef = options.patientRef ?? 'patient-1';
  return {
    eventId: `evt-req-${sequence}`,
    caseId: `case-${sequence}`,
    occurredAt: at(day, options.seconds ?? 0),
    patientRef,
    study: {
      studyInstanceUid: options.uid ?? `1.2.840.${sequence}`,
      bodyRegion: options.bodyRegion ?? 'wrist',
      studyDate: dateAt(options.studyDay ?? -2),
    },
    requester: options.requester ?? patient(patientRef),
    ...(options.priorReport && { priorReport: options.priorReport }),
  };
};
const consensusOf = (
  of: ShoppingRequest,
  day: number,
  outcome: Outcome,
  findings: Finding[] = [present('fracture')],
): ShoppingConsensus => ({
  eventId: `evt-cons-${of.caseId}`,
  caseId: of.caseId,
  occurredAt: at(day),
  outcome,
  findings,
  readers: [`rad-${of.caseId}`],
});
const report = (author: string, findings: Finding[], impression = `Report by ${author}.`): PriorReport => ({
  author,
  institution: `${author} clinic`,
  findings,
  impression,
});

const LATER = at(2000);
const flagsOf = (history: ShoppingHistory, now = LATER) =>
  evaluate(history, defaultShoppingPolicy, now, sha256Hex);
const rulesOf = (history: ShoppingHistory, now = LATER) => flagsOf(history, now).map((flag) => flag.rule);

describe('episodes', () => {
  it('are a patient with a body region, split when a study is more than 180 days after the previous one', () => {
    const first = request(0, { studyDay: 0 });
    const followUp = request(10, { studyDay: 180 });
    const newProblem = request(20, { studyDay: 361 });
    const chest = request(30, { bodyRegion: 'chest', studyDay: 0 });
    const episodes = episodesOf([newProblem, chest, followUp, first], defaultShoppingPolicy);
    expect(episodes.map((episode) => [episode.bodyRegion, episode.requests.map((r) => r.eventId)])).toEqual([
      ['wrist', [first.eventId, followUp.eventId]],
      ['wrist', [newProblem.eventId]],
      ['chest', [chest.eventId]],
    ]);
  });
});

describe('a single request', () => {
  it('is never flagged by a counting rule, whatever the thresholds', () => {
    const lax = {
      ...defaultShoppingPolicy,
      repeatedRequests: { minRequests: 1, windowDays: 365, minOrganisations: 1 },
      burst: { minRequests: 1, windowDays: 90 },
    };
    expect(
      evaluate(
        { requests: [request(0, { priorReport: report('dr-a', [present('fracture')]) })] },
        lax,
        LATER,
        sha256Hex,
      ),
    ).toEqual([]);
  });
});

describe('OS-1 repeated requests', () => {
  it('fires on the third request within 365 days from two organisations', () => {
    const requests = [
      request(0, { requester: patient(), priorReport: report('dr-a', [present('fracture')]) }),
      request(100, { requester: physician('St Elsewhere') }),
      request(365, { requester: patient() }),
    ];
    const flags = flagsOf({ requests });
    expect(flags).toEqual([
      {
        flagId: flagIdFor('OS-1', 'patient-1', 'wrist', requests[2]!.eventId),
        rule: 'OS-1',
        severity: 'review',
        patientRef: 'patient-1',
        bodyRegion: 'wrist',
        raisedAt: requests[2]!.occurredAt,
        evidence: {
          eventIds: requests.map((r) => r.eventId),
          caseIds: requests.map((r) => r.caseId),
          readers: ['dr-a'],
          organisations: ['patient:patient-1', 'St Elsewhere'],
          window: { from: at(0), to: at(365), days: 365 },
          threshold: 3,
          observed: 3,
        },
      },
    ]);
  });

  it('stays silent when the third request is one second outside the window', () => {
    const requests = [
      request(0, { requester: patient() }),
      request(100, { requester: physician('St Elsewhere') }),
      request(365, { requester: patient(), seconds: 1 }),
    ];
    expect(rulesOf({ requests })).toEqual([]);
  });

  it('stays silent on three requests from one requester with no confirming consensus', () => {
    const requests = [request(0), request(100), request(200)];
    expect(rulesOf({ requests, consensuses: [consensusOf(requests[0]!, 3, 'overturned')] })).toEqual([]);
  });

  it('fires on requests from one requester after a consensus that confirmed the prior report', () => {
    const requests = [request(0), request(100), request(200)];
    const confirmed = consensusOf(requests[0]!, 3, 'confirmed');
    const flags = flagsOf({ requests, consensuses: [confirmed] });
    expect(flags.map((flag) => flag.rule)).toEqual(['OS-1']);
    expect(flags[0]!.evidence.eventIds).toEqual([
      requests[0]!.eventId,
      confirmed.eventId,
      requests[1]!.eventId,
      requests[2]!.eventId,
    ]);
    expect(flags[0]!.evidence.organisations).toEqual(['patient:patient-1']);
  });

  it('does not count the treating team asking again (a referring physician of the previous request’s organisation)', () => {
    const requests = [
      request(0, { requester: physician('St Elsewhere', 'dr-1') }),
      request(50, { requester: physician('St Elsewhere', 'dr-2') }),
      request(100, { requester: patient() }),
    ];
    expect(rulesOf({ requests })).toEqual([]);
    // the same second request from an insurer is counted
    const insured = [requests[0]!, request(50, { requester: insurer }), requests[2]!];
    expect(rulesOf({ requests: insured })).toEqual(['OS-1']);
  });

  it('stays silent when the third request starts a new episode (study more than 180 days later)', () => {
    const requests = [
      request(0, { studyDay: 0, requester: patient() }),
      request(100, { studyDay: 10, requester: physician('St Elsewhere') }),
      request(300, { studyDay: 191, requester: insurer }),
    ];
    expect(rulesOf({ requests })).toEqual([]);
    const sameEpisode = [...requests.slice(0, 2), request(300, { studyDay: 190, requester: insurer })];
    expect(rulesOf({ requests: sameEpisode })).toEqual(['OS-1']);
  });

  it('raises one flag per run: counting starts afresh after a trigger', () => {
    const requests = [0, 10, 20, 30, 40, 150].map((day, i) =>
      request(day, { requester: i % 2 === 0 ? patient() : physician(`Hospital ${i}`) }),
    );
    const flags = flagsOf({ requests }).filter((flag) => flag.rule === 'OS-1');
    expect(flags.map((flag) => flag.raisedAt)).toEqual([at(20), at(150)]);
    expect(flags[1]!.evidence.eventIds).toEqual(requests.slice(3).map((r) => r.eventId));
  });
});

describe('OS-2 burst', () => {
  const days = [0, 20, 40, 60, 90];

  it('fires, high, on the fifth request within 90 days', () => {
    const requests = days.map((day) => request(day));
    const flags = flagsOf({ requests });
    expect(flags.map((flag) => [flag.rule, flag.severity, flag.raisedAt])).toEqual([
      ['OS-2', 'high', at(90)],
    ]);
    expect(flags[0]!.evidence).toMatchObject({
      threshold: 5,
      observed: 5,
      window: { from: at(0), to: at(90), days: 90 },
    });
  });

  it('stays silent when the fifth request is one second outside the window', () => {
    const requests = days.map((day, i) => request(day, { seconds: i === 4 ? 1 : 0 }));
    expect(rulesOf({ requests })).toEqual([]);
  });

  it('does not count an exempt request', () => {
    const requests = [
      request(0, { requester: physician('St Elsewhere') }),
      request(20, { requester: physician('St Elsewhere') }),
      ...[40, 60, 90].map((day) => request(day, { requester: physician('St Elsewhere') })),
    ];
    expect(rulesOf({ requests })).toEqual([]);
  });
});

describe('OS-3 stop after a favourable answer', () => {
  // Three opinions say fracture; the fourth (this engine's consensus) says none; the patient stops.
  const first = request(0, { priorReport: report('dr-a', [present('fracture')]) });
  const second = request(30, { priorReport: report('dr-b', [present('fracture')]) });
  const history: ShoppingHistory = {
    requests: [first, second],
    consensuses: [
      consensusOf(first, 3, 'confirmed', [present('fracture')]),
      consensusOf(second, 33, 'overturned', [absent('fracture')]),
    ],
  };

  it('fires once 90 days have passed after the contradicting opinion with no request', () => {
    const flags = flagsOf(history, at(123));
    expect(flags).toEqual([
      {
        flagId: flagIdFor('OS-3', 'patient-1', 'wrist', 'evt-cons-' + second.caseId),
        rule: 'OS-3',
        severity: 'review',
        patientRef: 'patient-1',
        bodyRegion: 'wrist',
        raisedAt: at(123),
        evidence: {
          eventIds: [first.eventId, `evt-cons-${first.caseId}`, second.eventId, `evt-cons-${second.caseId}`],
          caseIds: [first.caseId, second.caseId],
          readers: ['dr-a', `rad-${first.caseId}`, 'dr-b', `rad-${second.caseId}`],
          organisations: ['patient:patient-1'],
          window: { from: at(0), to: at(123), days: 90 },
          threshold: 3,
          observed: 3,
          findings: [{ code: 'fracture', agreed: 'present', contradictedBy: 'absent', agreeing: 3 }],
        },
      },
    ]);
    // a later evaluation (a rebuild) raises the very same flag
    expect(flagsOf(history, at(900))).toEqual(flags);
  });

  it('waits until then, and says when to look again', () => {
    expect(flagsOf(history, at(123, -1))).toEqual([]);
    expect(nextReevaluationAt(history, defaultShoppingPolicy, at(40))).toBe(at(123));
    expect(nextReevaluationAt(history, defaultShoppingPolicy, at(123))).toBeNull();
  });

  it('stays silent when a request follows within 90 days', () => {
    const third = request(123);
    // no OS-3; OS-1 rightly fires: a third request after a consensus that confirmed the prior report
    expect(rulesOf({ ...history, requests: [...history.requests, third] })).toEqual(['OS-1']);
    const outside = request(123, { seconds: 1 });
    expect(rulesOf({ ...history, requests: [...history.requests, outside] })).toEqual(['OS-3', 'OS-1']);
  });

  it('stays silent with only two agreeing opinions', () => {
    const lone = request(30);
    expect(
      rulesOf({
        requests: [first, lone],
        consensuses: [
          consensusOf(first, 3, 'confirmed'),
          consensusOf(lone, 33, 'no-prior', [absent('fracture')]),
        ],
      }),
    ).toEqual([]);
  });

  it('looks at significant findings only', () => {
    const a = request(0, { priorReport: report('dr-a', [present('cardiomegaly')]) });
    const b = request(30, { priorReport: report('dr-b', [present('cardiomegaly')]) });
    expect(
      rulesOf({
        requests: [a, b],
        consensuses: [
          consensusOf(a, 3, 'confirmed', [present('cardiomegaly')]),
          consensusOf(b, 33, 'amended', [absent('cardiomegaly')]),
        ],
      }),
    ).toEqual([]);
  });

  it('counts the same prior report sent twice as one opinion', () => {
    const again = request(30, { priorReport: report('dr-a', [present('fracture')]) });
    expect(
      rulesOf({
        requests: [first, again],
        consensuses: [
          consensusOf(first, 3, 'confirmed'),
          consensusOf(again, 33, 'overturned', [absent('fracture')]),
        ],
      }),
    ).toEqual([]);
  });

  it('stays silent when a later opinion overrules the favourable answer before the quiet period ends', () => {
    // three say fracture, a third outside report says none, and this engine's consensus says fracture again
    const third = request(60, { priorReport: report('dr-c', [absent('fracture')]) });
    const overruled: ShoppingHistory = {
      requests: [first, second, third],
      consensuses: [
        consensusOf(first, 3, 'confirmed'),
        consensusOf(second, 33, 'confirmed'),
        consensusOf(third, 63, 'overturned', [present('fracture')]),
      ],
    };
    // no OS-3 (OS-1 fires on the third request, after a confirming consensus)
    expect(rulesOf(overruled)).toEqual(['OS-1']);
    // had this engine agreed with the outside report, the favourable answer would have stood
    const stood = {
      ...overruled,
      consensuses: [
        ...overruled.consensuses!.slice(0, 2),
        consensusOf(third, 63, 'confirmed', [absent('fracture')]),
      ],
    };
    expect(rulesOf(stood)).toEqual(['OS-1', 'OS-3']);
  });
});

describe('OS-4 identifier evasion', () => {
  it('fires, high, when the same study comes under another patientRef, on the later request', () => {
    const original = request(0, { patientRef: 'patient-1', uid: '1.2.3.4' });
    const alias = request(40, { patientRef: 'patient-9', uid: '1.2.3.4' });
    const flags = flagsOf({ requests: [alias, original] });
    expect(flags.map((flag) => [flag.rule, flag.severity, flag.patientRef, flag.raisedAt])).toEqual([
      ['OS-4', 'high', 'patient-9', at(40)],
    ]);
    expect(flags[0]!.evidence).toMatchObject({
      eventIds: [original.eventId, alias.eventId],
      patientRefs: ['patient-1', 'patient-9'],
      threshold: 2,
      observed: 2,
    });
  });

  it('stays silent when the same patient sends the same study again', () => {
    expect(rulesOf({ requests: [request(0, { uid: '1.2.3.4' }), request(40, { uid: '1.2.3.4' })] })).toEqual(
      [],
    );
  });
});

describe('OS-5 blinding breach', () => {
  const uid = '1.2.3.99';
  const produced: ProducedReport = {
    kind: 'consensus',
    eventId: 'evt-cons-earlier',
    caseId: 'case-earlier',
    occurredAt: at(10),
    studyInstanceUid: uid,
    authors: ['rad-7', 'rad-8'],
    findings: [absent('fracture'), present('joint-effusion')],
    impression: 'No fracture. Small joint effusion.',
  };

  it("fires, info, when a prior report is this engine's consensus (same findings and impression)", () => {
    const copy = request(40, {
      uid,
      priorReport: {
        author: 'dr-outside',
        findings: [present('joint-effusion'), absent('fracture')],
        impression: '  no fracture.   Small joint effusion. ',
      },
    });
    const flags = flagsOf({ requests: [copy], produced: [produced] });
    expect(flags.map((flag) => [flag.rule, flag.severity, flag.raisedAt])).toEqual([
      ['OS-5', 'info', at(40)],
    ]);
    expect(flags[0]!.evidence).toMatchObject({
      eventIds: ['evt-cons-earlier', copy.eventId],
      caseIds: ['case-earlier', copy.caseId],
      matchedBy: ['content'],
      threshold: 1,
      observed: 1,
    });
  });

  it("fires when the prior report's author read the same study here", () => {
    const byReader = request(40, { uid, priorReport: report('rad-7', [present('fracture')]) });
    const flags = flagsOf({ requests: [byReader], produced: [produced] });
    expect(flags.map((flag) => [flag.rule, flag.evidence.matchedBy])).toEqual([['OS-5', ['author']]]);
  });

  it('stays silent on a prior report not produced here', () => {
    const sameFindingsOtherWords = request(40, {
      uid,
      priorReport: report(
        'dr-outside',
        [absent('fracture'), present('joint-effusion')],
        'Normal wrist apart from effusion.',
      ),
    });
    const otherStudy = request(50, {
      uid: '1.2.3.100',
      priorReport: { author: 'rad-7', findings: [...produced.findings], impression: produced.impression! },
    });
    const beforeItWasProduced = request(5, {
      uid,
      priorReport: { author: 'rad-7', findings: [...produced.findings], impression: produced.impression! },
    });
    expect(
      rulesOf({ requests: [sameFindingsOtherWords, otherStudy, beforeItWasProduced], produced: [produced] }),
    ).toEqual([]);
  });

  it('does not count a copy of this engine’s consensus as an independent opinion for OS-3', () => {
    const a = request(0, { uid, priorReport: report('dr-a', [present('fracture')]) });
    const consensusA = { ...consensusOf(a, 3, 'confirmed', [present('fracture')]) };
    const copied: ProducedReport = {
      kind: 'consensus',
      eventId: consensusA.eventId,
      caseId: a.caseId,
      occurredAt: consensusA.occurredAt,
      studyInstanceUid: uid,
      authors: ['rad-x'],
      findings: [present('fracture')],
      impression: 'Scaphoid fracture.',
    };
    const b = request(30, {
      uid,
      priorReport: { author: 'dr-b', findings: [present('fracture')], impression: 'Scaphoid fracture.' },
    });
    const history: ShoppingHistory = {
      requests: [a, b],
      consensuses: [consensusA, consensusOf(b, 33, 'overturned', [absent('fracture')])],
      produced: [copied],
    };
    expect(rulesOf(history)).toEqual(['OS-5']);
  });
});

describe('flag ids', () => {
  it('are the ids flags have always been stored under (SHA-256 of rule, episode and trigger)', () => {
    expect(flagIdFor('OS-2', 'pt-1', 'wrist', 'evt-5')).toBe('os2-1077894ae952a9b98e3b7d23de05fbd1');
    expect(flagIdFor('OS-1', 'patient-1', 'wrist', 'evt-req-3')).toBe('os1-4fa87062eac6b98acb79cb2ea4b0f93a');
  });

  it('are URL-safe, differ by rule, and do not depend on the order history arrives in', () => {
    const requests = [0, 20, 40, 60, 90].map((day, i) =>
      request(day, { requester: i === 1 ? insurer : patient() }),
    );
    const flags = flagsOf({ requests });
    expect(flags.map((flag) => flag.rule)).toEqual(['OS-1', 'OS-2']);
    for (const flag of flags) expect(flag.flagId).toMatch(/^os[1-5]-[0-9a-f]{32}$/);
    expect(flagsOf({ requests: [...requests].reverse() })).toEqual(flags);
  });

  it('stay the same when earlier history is imported later, so re-evaluation upserts', () => {
    const original = request(100, { patientRef: 'patient-1', uid: '1.2.3.4' });
    const alias = request(140, { patientRef: 'patient-9', uid: '1.2.3.4' });
    const before = flagsOf({ requests: [original, alias] });
    const imported = request(-400, { patientRef: 'patient-9', uid: '5.6.7', studyDay: -402 });
    const after = flagsOf({ requests: [imported, original, alias] });
    expect(after.map((flag) => flag.flagId)).toEqual(before.map((flag) => flag.flagId));
  });
});
