import { describe, expect, it } from '@jest/globals';
import {
  defaultCasePolicy,
  outcomeOf,
  type CaseEvent,
  type Finding,
  type FindingDisagreement,
  type Outcome,
  type Presence,
  type RadpeerScore,
  type Severity,
} from '../../../src/domain/index.js';
import {
  PRIOR,
  absent,
  assigned,
  consensus,
  discordance,
  escalated,
  given,
  hasRead,
  present,
  reading,
  requested,
  reviewed,
  specification,
  reviewPriorReport,
  submitOpinion,
  submitted,
  unassigned,
  uncertain,
} from './case.builders.js';

/** A disagreeing code as DiscordanceDetected lists it. */
const disagreeing = (
  code: string,
  severity: Severity,
  ...values: [string, Presence][]
): FindingDisagreement => ({
  code,
  values: values.map(([opinionId, presence]) => ({ opinionId, presence })),
  severity,
});

// PRIOR says: fracture absent, joint-effusion present.
const oneRead = requested({ readsRequired: 1, priorReport: PRIOR });

describe('evaluating a round', () => {
  describe('one primary, compared with the prior report', () => {
    const unblinded = [oneRead, ...reading('rad-a', { blinded: false })];
    const submit = (findings: Finding[], score: RadpeerScore) =>
      submitOpinion('rad-a', findings, { priorReportReview: { score } });
    const opinion = (findings: Finding[], score: RadpeerScore) =>
      submitted('rad-a', findings, { priorReportReview: { score } });

    it('reaches a concordance consensus that confirms the prior report', () => {
      const findings = [absent('fracture'), present('joint-effusion')];
      given(unblinded)
        .when(submit(findings, '1'))
        .then([
          opinion(findings, '1'),
          consensus({
            findings,
            impression: 'Impression of rad-a.',
            method: 'concordance',
            basedOn: ['op-rad-a'],
            outcome: 'confirmed',
          }),
        ]);
    });

    it('records a minor discordance and amends the prior report on a non-significant code', () => {
      const findings = [absent('fracture'), absent('joint-effusion')];
      given(unblinded)
        .when(submit(findings, '2a'))
        .then([
          opinion(findings, '2a'),
          discordance({
            opinionIds: ['op-rad-a'],
            findings: [
              disagreeing('joint-effusion', 'minor', ['op-rad-a', 'absent'], ['prior-report', 'present']),
            ],
            severity: 'minor',
          }),
          consensus({
            findings,
            impression: 'Impression of rad-a.',
            method: 'concordance',
            basedOn: ['op-rad-a'],
            outcome: 'amended',
          }),
        ]);
    });

    it('escalates a significant disagreement with the prior report, whatever the score', () => {
      const findings = [present('fracture'), present('joint-effusion')];
      given(unblinded)
        .when(submit(findings, '1'))
        .then([
          opinion(findings, '1'),
          discordance({
            opinionIds: ['op-rad-a'],
            findings: [disagreeing('fracture', 'major', ['op-rad-a', 'present'], ['prior-report', 'absent'])],
            severity: 'major',
          }),
          escalated('adjudication', 'significant-discrepancy'),
        ]);
    });

    it.each<{ score: RadpeerScore; forces: boolean }>([
      { score: '1', forces: false },
      { score: '2a', forces: false },
      { score: '2b', forces: true },
      { score: '3a', forces: true },
      { score: '3b', forces: true },
    ])('RADPEER $score forces adjudication: $forces', ({ score, forces }) => {
      const findings = [absent('fracture')];
      const then = forces
        ? escalated('adjudication', 'significant-discrepancy')
        : consensus({
            findings,
            impression: 'Impression of rad-a.',
            method: 'concordance',
            basedOn: ['op-rad-a'],
            outcome: 'confirmed',
          });
      given(unblinded)
        .when(submit(findings, score))
        .then([opinion(findings, score), then]);
    });

    it('takes the forcing scores from the policy', () => {
      const findings = [absent('fracture')];
      const policy = { ...defaultCasePolicy, radpeerScoresForcingAdjudication: ['2a' as const] };
      expect(
        given(unblinded)
          .when(submit(findings, '2a'))
          .events()
          .map((event) => event.type),
      ).toEqual(['OpinionSubmitted', 'ConsensusReached']);
      expect(
        specification(policy)
          .given(unblinded)
          .when(submit(findings, '2a'))
          .events()
          .map((event) => event.type),
      ).toEqual(['OpinionSubmitted', 'CaseEscalated']);
    });

    it('waits for a blinded primary to score the prior report, then evaluates (sequential unblinding)', () => {
      const findings = [absent('fracture'), present('joint-effusion')];
      const blinded = [oneRead, ...reading('rad-a')];
      given(blinded)
        .when(submitOpinion('rad-a', findings))
        .then([submitted('rad-a', findings)]);
      given([...blinded, submitted('rad-a', findings)])
        .when(reviewPriorReport('rad-a', '1', 'Agree.'))
        .then([
          reviewed('rad-a', '1', 'Agree.'),
          consensus({
            findings,
            impression: 'Impression of rad-a.',
            method: 'concordance',
            basedOn: ['op-rad-a'],
            outcome: 'confirmed',
          }),
        ]);
    });

    it('without a prior report, takes the single opinion as the consensus', () => {
      const findings = [present('fracture')];
      given([requested({ readsRequired: 1 }), ...reading('rad-a')])
        .when(submitOpinion('rad-a', findings))
        .then([
          submitted('rad-a', findings),
          consensus({
            findings,
            impression: 'Impression of rad-a.',
            method: 'concordance',
            basedOn: ['op-rad-a'],
            outcome: 'no-prior',
          }),
        ]);
    });
  });

  describe('two primaries, compared with each other', () => {
    const second = (first: Finding[]) => [
      requested({ readsRequired: 2 }),
      ...hasRead('rad-a', first),
      ...reading('rad-b'),
    ];
    const both = ['op-rad-a', 'op-rad-b'];

    it.each<{ case: string; a: Finding[]; b: Finding[]; then: CaseEvent[] }>([
      {
        case: 'agreement: the agreed values',
        a: [present('fracture', { location: 'scaphoid waist' }), absent('dislocation')],
        b: [present('fracture'), absent('dislocation')],
        then: [
          consensus({
            findings: [present('fracture', { location: 'scaphoid waist' }), absent('dislocation')],
            method: 'concordance',
            basedOn: both,
            outcome: 'no-prior',
          }),
        ],
      },
      {
        case: 'uncertain against present: no disagreement, final uncertain',
        a: [present('fracture')],
        b: [uncertain('fracture')],
        then: [
          consensus({
            findings: [uncertain('fracture')],
            method: 'concordance',
            basedOn: both,
            outcome: 'no-prior',
          }),
        ],
      },
      {
        case: 'a code only one assessed: its value',
        a: [present('fracture')],
        b: [absent('dislocation')],
        then: [
          consensus({
            findings: [present('fracture'), absent('dislocation')],
            method: 'concordance',
            basedOn: both,
            outcome: 'no-prior',
          }),
        ],
      },
      {
        case: 'a minor disagreement: discordance, then uncertain under dissent',
        a: [present('fracture'), present('atelectasis')],
        b: [present('fracture'), absent('atelectasis')],
        then: [
          discordance({
            opinionIds: both,
            findings: [disagreeing('atelectasis', 'minor', ['op-rad-a', 'present'], ['op-rad-b', 'absent'])],
            severity: 'minor',
          }),
          consensus({
            findings: [present('fracture'), uncertain('atelectasis')],
            method: 'concordance',
            basedOn: both,
            dissent: [{ code: 'atelectasis', opinionIds: both }],
            outcome: 'no-prior',
          }),
        ],
      },
      {
        case: 'a major disagreement: discordance, then adjudication for reader discordance',
        a: [present('fracture')],
        b: [absent('fracture')],
        then: [
          discordance({
            opinionIds: both,
            findings: [disagreeing('fracture', 'major', ['op-rad-a', 'present'], ['op-rad-b', 'absent'])],
            severity: 'major',
          }),
          escalated('adjudication', 'reader-discordance'),
        ],
      },
      {
        case: 'major and minor together: one discordance listing both, severity major',
        a: [present('atelectasis'), present('fracture')],
        b: [absent('atelectasis'), absent('fracture')],
        then: [
          discordance({
            opinionIds: both,
            findings: [
              disagreeing('atelectasis', 'minor', ['op-rad-a', 'present'], ['op-rad-b', 'absent']),
              disagreeing('fracture', 'major', ['op-rad-a', 'present'], ['op-rad-b', 'absent']),
            ],
            severity: 'major',
          }),
          escalated('adjudication', 'reader-discordance'),
        ],
      },
    ])('$case', ({ a, b, then }) => {
      given(second(a))
        .when(submitOpinion('rad-b', b))
        .then([submitted('rad-b', b), ...then]);
    });

    it('waits while only one primary has submitted (an unassigned one does not count)', () => {
      given([requested({ readsRequired: 2 }), ...reading('rad-a'), assigned('rad-b'), unassigned('rad-b')])
        .when(submitOpinion('rad-a', [present('fracture')]))
        .then([submitted('rad-a', [present('fracture')])]);
    });

    describe('with a prior report', () => {
      const twoReads = requested({ readsRequired: 2, priorReport: PRIOR });
      const unblindedA = (findings: Finding[], score: RadpeerScore) =>
        hasRead('rad-a', findings, { blinded: false, priorReportReview: { score } });

      it("waits for every primary's score", () => {
        given([twoReads, ...hasRead('rad-a', [absent('fracture')]), ...reading('rad-b', { blinded: false })])
          .when(submitOpinion('rad-b', [absent('fracture')], { priorReportReview: { score: '1' } }))
          .then([submitted('rad-b', [absent('fracture')], { priorReportReview: { score: '1' } })]);
      });

      it('compares the primaries with each other, not with the prior report; the outcome compares the consensus with it', () => {
        const findings = [present('fracture')];
        given([twoReads, ...unblindedA(findings, '2a'), ...reading('rad-b', { blinded: false })])
          .when(submitOpinion('rad-b', findings, { priorReportReview: { score: '2a' } }))
          .then([
            submitted('rad-b', findings, { priorReportReview: { score: '2a' } }),
            consensus({ findings, method: 'concordance', basedOn: both, outcome: 'overturned' }),
          ]);
      });

      it('escalates for a significant discrepancy when one score forces it', () => {
        const findings = [absent('fracture')];
        given([twoReads, ...unblindedA(findings, '1'), ...reading('rad-b', { blinded: false })])
          .when(submitOpinion('rad-b', findings, { priorReportReview: { score: '3a' } }))
          .then([
            submitted('rad-b', findings, { priorReportReview: { score: '3a' } }),
            escalated('adjudication', 'significant-discrepancy'),
          ]);
      });

      it('names reader discordance first when both apply', () => {
        const last = given([
          twoReads,
          ...unblindedA([present('fracture')], '3b'),
          ...reading('rad-b', { blinded: false }),
        ])
          .when(submitOpinion('rad-b', [absent('fracture')], { priorReportReview: { score: '1' } }))
          .events()
          .at(-1);
        expect(last).toEqual(escalated('adjudication', 'reader-discordance'));
      });
    });
  });
});

describe('the outcome, against the prior report on the codes both assessed', () => {
  const vocabulary = defaultCasePolicy.findingVocabulary;
  it.each<{ final: Finding[]; prior: boolean; outcome: Outcome }>([
    { final: [absent('fracture'), present('joint-effusion')], prior: true, outcome: 'confirmed' },
    { final: [absent('fracture'), uncertain('joint-effusion')], prior: true, outcome: 'confirmed' },
    { final: [absent('fracture'), present('dislocation')], prior: true, outcome: 'confirmed' },
    { final: [absent('fracture'), absent('joint-effusion')], prior: true, outcome: 'amended' },
    { final: [present('fracture'), present('joint-effusion')], prior: true, outcome: 'overturned' },
    { final: [present('fracture'), absent('joint-effusion')], prior: true, outcome: 'overturned' },
    { final: [present('fracture')], prior: false, outcome: 'no-prior' },
  ])('$final against the prior report ($prior) is $outcome', ({ final, prior, outcome }) => {
    expect(outcomeOf(final, prior ? PRIOR : undefined, vocabulary)).toBe(outcome);
  });
});
