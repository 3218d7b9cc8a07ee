import type { PriorReport, Requester, Study } from '../case/case.events.js';
import type { Outcome, Presence } from '../case/case.values.js';
import { isSignificant, type Finding } from '../case/findings.js';
import { DAY_MS, instantOf, isoOf, parseInstant } from '../metrics/time.js';
import {
  defaultShoppingPolicy,
  type FlagSeverity,
  type ShoppingPolicy,
  type ShoppingRule,
} from './opinion-shopping.policy.js';

/**
 * Opinion-shopping detection (docs/projections.md), as a pure function of a patient's history: a
 * projection calls `evaluate` after each relevant event for the affected patient and upserts the
 * flags by `flagId`. Flags are prompts for the quality committee, never accusations.
 *
 * Conventions where the spec is silent:
 * - Order: requests by occurredAt, then eventId, whatever order they were imported in. An episode
 *   is a patientRef with a bodyRegion; a request whose studyDate is more than `episodeGapDays`
 *   after the previous request's (in that order) starts a new one. A study date that cannot be
 *   read never starts an episode. Date-times without an offset are read as UTC.
 * - Windows are closed: a request exactly `windowDays` before the trigger is within them.
 * - Counting rules (OS-1, OS-2) fire at the first request that completes the count. That request is
 *   the trigger (flagId, raisedAt = its occurredAt); the evidence is the window at that moment and
 *   never changes. Counting then starts afresh after the trigger, so a longer run raises a second
 *   flag only with `minRequests` new requests — one flag per run, not one per request.
 * - Exempt (OS-1, OS-2): a `referring-physician` request whose organisation equals the organisation of
 *   the episode's previous request (in order, exempt or not). Exempt requests are not counted.
 * - Organisations (OS-1): the requester's `organisation`; a requester without one (a patient, say)
 *   counts as an organisation of its own, `<kind>:<id>`.
 * - "After a consensus that confirmed the prior report" (OS-1): a ConsensusReached with outcome
 *   `confirmed` on a case of the episode, inside the window and before the trigger.
 * - OS-3's opinions: each request's prior report (once: the same report sent again is one opinion;
 *   a copy of this engine's output, as OS-5 finds it, is not an independent opinion) at the
 *   request's occurredAt, then each case's current consensus at its occurredAt. For each significant
 *   code, opinions stating it present or absent (uncertain neither agrees nor contradicts) form a
 *   sequence; a run of ≥ `minAgreeing` equal values followed by the opposite value is a candidate.
 *   It fires when `now` ≥ the contradicting opinion + `quietDays`, no request of the episode came in
 *   (opinion, opinion + quietDays], and the answer stood: no later opinion up to then restated the
 *   agreed value (a consensus overruling a favourable prior report is not a favourable answer).
 *   raisedAt is that deadline, so a rebuild at any later time raises the same flag;
 *   `nextReevaluationAt` tells a timer when to call `evaluate` again.
 * - OS-4: every request whose studyInstanceUid appeared earlier under another patientRef; the flag
 *   belongs to that later request.
 * - OS-5: a request's prior report matches a report this engine produced on the same
 *   studyInstanceUid before the request, either by author (the prior report's author is one of the
 *   record's readers) or by content (the same set of code/presence findings, at least one, and the
 *   same impression, compared after trimming, collapsing white space and ignoring case). Findings
 *   alone never match: "fracture present" is too common to prove a copy.
 * - flagId: `os<n>-` + the first 32 hex digits (128 bits) of SHA-256 over [rule, patientRef,
 *   bodyRegion, triggering eventId]: deterministic, URL-safe, stable when earlier history arrives.
 *   The caller passes the SHA-256 function in (`Sha256Hex`): the domain does no crypto of its own.
 */

export type ShoppingStudy = Pick<Study, 'studyInstanceUid' | 'bodyRegion' | 'studyDate'>;

/** A SecondOpinionRequested, with its metadata's eventId and occurredAt. */
export interface ShoppingRequest {
  readonly eventId: string;
  readonly caseId: string;
  readonly occurredAt: string;
  readonly patientRef: string;
  readonly study: ShoppingStudy;
  readonly requester: Requester;
  readonly priorReport?: PriorReport;
}

/** A ConsensusReached of a case, with its eventId, occurredAt and (optionally) its round's readers. */
export interface ShoppingConsensus {
  readonly eventId: string;
  readonly caseId: string;
  readonly occurredAt: string;
  readonly outcome: Outcome;
  readonly findings: readonly Finding[];
  readonly readers?: readonly string[];
}

/** An opinion, adjudication or consensus this engine produced: the registry OS-5 matches against. */
export interface ProducedReport {
  readonly kind: 'opinion' | 'adjudication' | 'consensus';
  readonly eventId: string;
  readonly caseId: string;
  readonly occurredAt: string;
  readonly studyInstanceUid: string;
  /** Who signed it: the reader, the adjudicator, or the readers behind a consensus. */
  readonly authors: readonly string[];
  readonly findings: readonly Finding[];
  readonly impression?: string;
}

/**
 * What `evaluate` judges: the requests of the affected patient (every episode of theirs), any
 * request of another patient sharing one of their studyInstanceUids (OS-4), the consensuses of
 * their cases, and the produced reports on their studies (OS-5).
 */
export interface ShoppingHistory {
  readonly requests: readonly ShoppingRequest[];
  readonly consensuses?: readonly ShoppingConsensus[];
  readonly produced?: readonly ProducedReport[];
}

export interface FlagWindow {
  readonly from: string;
  readonly to: string;
  /** The rule's window length; null for OS-4 and OS-5, which have none. */
  readonly days: number | null;
}

/** OS-3: the finding on which a run of agreeing opinions was contradicted. */
export interface ContradictedFinding {
  readonly code: string;
  readonly agreed: Presence;
  readonly contradictedBy: Presence;
  readonly agreeing: number;
}

export type ReportMatch = 'author' | 'content';

export interface FlagEvidence {
  /** Chronological. */
  readonly eventIds: readonly string[];
  readonly caseIds: readonly string[];
  /** Prior-report authors and this engine's readers involved. */
  readonly readers: readonly string[];
  readonly organisations: readonly string[];
  readonly window: FlagWindow;
  readonly threshold: number;
  readonly observed: number;
  /** OS-4: every patientRef the study appeared under. */
  readonly patientRefs?: readonly string[];
  /** OS-3. */
  readonly findings?: readonly ContradictedFinding[];
  /** OS-5: how the prior report was recognised. */
  readonly matchedBy?: readonly ReportMatch[];
}

export interface ShoppingFlag {
  readonly flagId: string;
  readonly rule: ShoppingRule;
  readonly severity: FlagSeverity;
  readonly patientRef: string;
  readonly bodyRegion: string;
  readonly raisedAt: string;
  readonly evidence: FlagEvidence;
}

// Ids

/** SHA-256 of a text's UTF-8 bytes as lower-case hex, e.g. Node's `createHash('sha256')`. */
export type Sha256Hex = (text: string) => string;

export type FlagIdFor = (
  rule: ShoppingRule,
  patientRef: string,
  bodyRegion: string,
  triggerEventId: string,
) => string;

/** Deterministic and URL-safe: rule, episode (patientRef + bodyRegion) and triggering event. */
export const flagIds =
  (sha256Hex: Sha256Hex): FlagIdFor =>
  (rule, patientRef, bodyRegion, triggerEventId) => {
    const digest = sha256Hex(JSON.stringify([rule, patientRef, bodyRegion, triggerEventId]));
    return `${rule.toLowerCase().replace('-', '')}-${digest.slice(0, 32)}`;
  };

// Episodes

interface TimedRequest {
  readonly request: ShoppingRequest;
  readonly time: number;
  readonly studyTime: number;
  readonly organisation: string;
}

export interface Episode {
  readonly patientRef: string;
  readonly bodyRegion: string;
  /** In order; the first one opened the episode. */
  readonly requests: readonly ShoppingRequest[];
}

interface TimedEpisode {
  readonly patientRef: string;
  readonly bodyRegion: string;
  readonly requests: readonly TimedRequest[];
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const organisationOf = ({ organisation, kind, id }: Requester): string => organisation ?? `${kind}:${id}`;

function timedRequests(requests: readonly ShoppingRequest[]): TimedRequest[] {
  return requests
    .map((request) => ({
      request,
      time: instantOf(request.occurredAt, `occurredAt of request ${request.eventId}`),
      studyTime: parseInstant(request.study.studyDate),
      organisation: organisationOf(request.requester),
    }))
    .sort((a, b) => a.time - b.time || compareText(a.request.eventId, b.request.eventId));
}

function timedEpisodes(requests: readonly TimedRequest[], policy: ShoppingPolicy): TimedEpisode[] {
  const gap = policy.episodeGapDays * DAY_MS;
  const open = new Map<string, TimedRequest[]>();
  const episodes: TimedEpisode[] = [];
  for (const timed of requests) {
    const { patientRef, study } = timed.request;
    const key = JSON.stringify([patientRef, study.bodyRegion]);
    const current = open.get(key);
    const previous = current?.at(-1);
    if (current && previous && !(timed.studyTime - previous.studyTime > gap)) {
      current.push(timed);
      continue;
    }
    const started: TimedRequest[] = [timed];
    open.set(key, started);
    episodes.push({ patientRef, bodyRegion: study.bodyRegion, requests: started });
  }
  return episodes;
}

/** The episodes of a set of requests, in order of their first request. */
export function episodesOf(
  requests: readonly ShoppingRequest[],
  policy: ShoppingPolicy = defaultShoppingPolicy,
): Episode[] {
  return timedEpisodes(timedRequests(requests), policy).map(
    ({ patientRef, bodyRegion, requests: timed }) => ({
      patientRef,
      bodyRegion,
      requests: timed.map(({ request }) => request),
    }),
  );
}

// Evidence helpers

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

const authorsOf = (requests: readonly TimedRequest[]): string[] =>
  unique(requests.flatMap(({ request }) => (request.priorReport ? [request.priorReport.author] : [])));

/** A flag before its id: `evaluate` names it, `nextReevaluationAt` never needs to. */
type RaisedFlag = Omit<ShoppingFlag, 'flagId'> & { readonly triggerEventId: string };

interface Context {
  readonly policy: ShoppingPolicy;
  readonly now: number;
  readonly consensuses: readonly (ShoppingConsensus & { readonly time: number })[];
  readonly produced: readonly (ProducedReport & { readonly time: number })[];
  readonly flags: RaisedFlag[];
  readonly pendingDeadlines: number[];
}

function raise(
  context: Context,
  rule: ShoppingRule,
  episode: { patientRef: string; bodyRegion: string },
  triggerEventId: string,
  raisedAt: number,
  evidence: FlagEvidence,
): void {
  context.flags.push({
    triggerEventId,
    rule,
    severity: context.policy.severities[rule],
    patientRef: episode.patientRef,
    bodyRegion: episode.bodyRegion,
    raisedAt: isoOf(raisedAt),
    evidence,
  });
}

// OS-1 and OS-2: counting rules

/** The treating team asking again: a referring physician of the previous request's organisation. */
const isExempt = (timed: TimedRequest, previous: TimedRequest | undefined): boolean =>
  previous !== undefined &&
  timed.request.requester.kind === 'referring-physician' &&
  timed.request.requester.organisation !== undefined &&
  timed.request.requester.organisation === previous.request.requester.organisation;

type CountingCondition = (
  window: readonly TimedRequest[],
  trigger: TimedRequest,
) => { holds: boolean; alsoEvidence?: readonly { eventId: string; caseId: string }[] };

function countingRule(
  context: Context,
  episode: TimedEpisode,
  rule: ShoppingRule,
  { minRequests, windowDays }: { minRequests: number; windowDays: number },
  condition: CountingCondition,
): void {
  const windowMs = windowDays * DAY_MS;
  // A single request is never flagged by a counting rule, whatever the configuration says.
  const needed = Math.max(2, minRequests);
  const counted = episode.requests.filter((timed, i) => !isExempt(timed, episode.requests[i - 1]));
  let firstUncounted = 0;
  for (let i = 0; i < counted.length; i += 1) {
    const trigger = counted[i]!;
    const window = counted
      .slice(firstUncounted, i + 1)
      .filter((timed) => trigger.time - timed.time <= windowMs);
    if (window.length < needed) continue;
    const { holds, alsoEvidence = [] } = condition(window, trigger);
    if (!holds) continue;
    const events = [
      ...window.map(({ request, time }) => ({ eventId: request.eventId, caseId: request.caseId, time })),
      ...alsoEvidence.map((extra) => ({
        ...extra,
        time: context.consensuses.find((c) => c.eventId === extra.eventId)!.time,
      })),
    ].sort((a, b) => a.time - b.time || compareText(a.eventId, b.eventId));
    raise(context, rule, episode, trigger.request.eventId, trigger.time, {
      eventIds: events.map(({ eventId }) => eventId),
      caseIds: unique(events.map(({ caseId }) => caseId)),
      readers: authorsOf(window),
      organisations: unique(window.map(({ organisation }) => organisation)),
      window: { from: isoOf(window[0]!.time), to: isoOf(trigger.time), days: windowDays },
      threshold: minRequests,
      observed: window.length,
    });
    firstUncounted = i + 1;
  }
}

function repeatedRequests(context: Context, episode: TimedEpisode): void {
  const { minRequests, windowDays, minOrganisations } = context.policy.repeatedRequests;
  const episodeCases = new Set(episode.requests.map(({ request }) => request.caseId));
  const windowMs = windowDays * DAY_MS;
  countingRule(context, episode, 'OS-1', { minRequests, windowDays }, (window, trigger) => {
    const organisations = new Set(window.map(({ organisation }) => organisation));
    const confirmations = context.consensuses.filter(
      (consensus) =>
        consensus.outcome === 'confirmed' &&
        episodeCases.has(consensus.caseId) &&
        consensus.time < trigger.time &&
        trigger.time - consensus.time <= windowMs,
    );
    return {
      holds: organisations.size >= minOrganisations || confirmations.length > 0,
      alsoEvidence: confirmations.map(({ eventId, caseId }) => ({ eventId, caseId })),
    };
  });
}

function burst(context: Context, episode: TimedEpisode): void {
  countingRule(context, episode, 'OS-2', context.policy.burst, () => ({ holds: true }));
}

// OS-5: this engine's output brought back as a prior report

const normalisedText = (text: string | undefined): string =>
  (text ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

const findingSignature = (findings: readonly Finding[]): string =>
  JSON.stringify(findings.map(({ code, presence }) => `${code}=${presence}`).sort());

function matchesOf(
  context: Context,
  timed: TimedRequest,
): { report: ProducedReport & { time: number }; by: ReportMatch[] }[] {
  const prior = timed.request.priorReport;
  if (!prior) return [];
  const impression = normalisedText(prior.impression);
  const findings = findingSignature(prior.findings);
  return context.produced.flatMap((report) => {
    if (report.studyInstanceUid !== timed.request.study.studyInstanceUid || !(report.time < timed.time))
      return [];
    const by: ReportMatch[] = [];
    if (report.authors.includes(prior.author)) by.push('author');
    if (
      prior.findings.length > 0 &&
      impression !== '' &&
      impression === normalisedText(report.impression) &&
      findings === findingSignature(report.findings)
    ) {
      by.push('content');
    }
    return by.length > 0 ? [{ report, by }] : [];
  });
}

function blindingBreach(context: Context, episode: TimedEpisode): void {
  for (const timed of episode.requests) {
    const matches = matchesOf(context, timed);
    if (matches.length === 0) continue;
    const reports = matches
      .map(({ report }) => report)
      .sort((a, b) => a.time - b.time || compareText(a.eventId, b.eventId));
    const { request } = timed;
    raise(context, 'OS-5', episode, request.eventId, timed.time, {
      eventIds: [...reports.map(({ eventId }) => eventId), request.eventId],
      caseIds: unique([...reports.map(({ caseId }) => caseId), request.caseId]),
      readers: unique([request.priorReport!.author, ...reports.flatMap(({ authors }) => authors)]),
      organisations: [timed.organisation],
      window: { from: isoOf(reports[0]!.time), to: isoOf(timed.time), days: null },
      threshold: 1,
      observed: matches.length,
      matchedBy: unique(matches.flatMap(({ by }) => by)).sort(),
    });
  }
}

// OS-3: stop after a favourable answer

interface EpisodeOpinion {
  readonly time: number;
  /** A request's prior report comes before its case's consensus at the same instant. */
  readonly order: 0 | 1;
  readonly eventId: string;
  readonly caseId: string;
  readonly readers: readonly string[];
  readonly findings: readonly Finding[];
}

function opinionsOf(context: Context, episode: TimedEpisode): EpisodeOpinion[] {
  const opinions: EpisodeOpinion[] = [];
  const seenReports = new Set<string>();
  for (const timed of episode.requests) {
    const prior = timed.request.priorReport;
    if (!prior) continue;
    const signature = JSON.stringify([
      prior.author,
      prior.institution ?? null,
      prior.reportedAt ?? null,
      findingSignature(prior.findings),
      normalisedText(prior.impression),
    ]);
    if (seenReports.has(signature) || matchesOf(context, timed).length > 0) continue;
    seenReports.add(signature);
    opinions.push({
      time: timed.time,
      order: 0,
      eventId: timed.request.eventId,
      caseId: timed.request.caseId,
      readers: [prior.author],
      findings: prior.findings,
    });
  }
  const cases = new Set(episode.requests.map(({ request }) => request.caseId));
  const current = new Map<string, Context['consensuses'][number]>();
  for (const consensus of context.consensuses) {
    if (cases.has(consensus.caseId)) current.set(consensus.caseId, consensus);
  }
  for (const consensus of current.values()) {
    opinions.push({
      time: consensus.time,
      order: 1,
      eventId: consensus.eventId,
      caseId: consensus.caseId,
      readers: consensus.readers ?? [],
      findings: consensus.findings,
    });
  }
  return opinions.sort((a, b) => a.time - b.time || a.order - b.order || compareText(a.eventId, b.eventId));
}

interface Contradiction {
  readonly opinion: EpisodeOpinion;
  readonly agreeing: EpisodeOpinion[];
  readonly findings: ContradictedFinding[];
}

function contradictionsOf(opinions: readonly EpisodeOpinion[], policy: ShoppingPolicy): Contradiction[] {
  const { minAgreeing, quietDays } = policy.stopAfterFavourable;
  const codes = unique(opinions.flatMap(({ findings }) => findings.map(({ code }) => code))).filter((code) =>
    isSignificant(policy.findingVocabulary, code),
  );
  const byOpinion = new Map<string, Contradiction>();
  for (const code of codes) {
    const sequence = opinions.flatMap((opinion) => {
      const presence = opinion.findings.find((finding) => finding.code === code)?.presence;
      return presence === 'present' || presence === 'absent' ? [{ opinion, presence }] : [];
    });
    let runStart = 0;
    for (let k = 1; k < sequence.length; k += 1) {
      const { opinion, presence } = sequence[k]!;
      if (presence === sequence[k - 1]!.presence) continue;
      const run = sequence.slice(runStart, k);
      runStart = k;
      if (run.length < Math.max(1, minAgreeing)) continue;
      // The answer must stand: an opinion restating the agreed value before the quiet period ends overrules it.
      const deadline = opinion.time + quietDays * DAY_MS;
      const overruled = sequence
        .slice(k + 1)
        .some((later) => later.opinion.time <= deadline && later.presence === run[0]!.presence);
      if (overruled) continue;
      const contradiction = byOpinion.get(opinion.eventId) ?? { opinion, agreeing: [], findings: [] };
      byOpinion.set(opinion.eventId, contradiction);
      for (const { opinion: agreeing } of run) {
        if (!contradiction.agreeing.includes(agreeing)) contradiction.agreeing.push(agreeing);
      }
      contradiction.findings.push({
        code,
        agreed: run[0]!.presence,
        contradictedBy: presence,
        agreeing: run.length,
      });
    }
  }
  return [...byOpinion.values()];
}

function stopAfterFavourable(context: Context, episode: TimedEpisode): void {
  const { minAgreeing, quietDays } = context.policy.stopAfterFavourable;
  for (const { opinion, agreeing, findings } of contradictionsOf(
    opinionsOf(context, episode),
    context.policy,
  )) {
    const involved = [...agreeing, opinion].sort(
      (a, b) => a.time - b.time || a.order - b.order || compareText(a.eventId, b.eventId),
    );
    const caseIds = unique(involved.map(({ caseId }) => caseId));
    // A single request is never flagged by a counting rule.
    if (caseIds.length < 2) continue;
    const deadline = opinion.time + quietDays * DAY_MS;
    if (episode.requests.some(({ time }) => time > opinion.time && time <= deadline)) continue;
    if (context.now < deadline) {
      context.pendingDeadlines.push(deadline);
      continue;
    }
    raise(context, 'OS-3', episode, opinion.eventId, deadline, {
      eventIds: unique(involved.map(({ eventId }) => eventId)),
      caseIds,
      readers: unique(involved.flatMap(({ readers }) => readers)),
      organisations: unique(
        episode.requests
          .filter(({ request }) => caseIds.includes(request.caseId))
          .map(({ organisation }) => organisation),
      ),
      window: { from: isoOf(involved[0]!.time), to: isoOf(deadline), days: quietDays },
      threshold: minAgreeing,
      observed: Math.max(...findings.map((finding) => finding.agreeing)),
      findings,
    });
  }
}

// OS-4: the same study under another patientRef

function identifierEvasion(context: Context, requests: readonly TimedRequest[]): void {
  const seen = new Map<string, TimedRequest[]>();
  for (const timed of requests) {
    const { request } = timed;
    const uid = request.study.studyInstanceUid;
    const earlier = seen.get(uid) ?? [];
    seen.set(uid, [...earlier, timed]);
    if (!earlier.some((other) => other.request.patientRef !== request.patientRef)) continue;
    const involved = [...earlier, timed];
    raise(
      context,
      'OS-4',
      { patientRef: request.patientRef, bodyRegion: request.study.bodyRegion },
      request.eventId,
      timed.time,
      {
        eventIds: involved.map(({ request: { eventId } }) => eventId),
        caseIds: unique(involved.map(({ request: { caseId } }) => caseId)),
        readers: authorsOf(involved),
        organisations: unique(involved.map(({ organisation }) => organisation)),
        window: { from: isoOf(involved[0]!.time), to: isoOf(timed.time), days: null },
        threshold: 2,
        observed: new Set(involved.map(({ request: { patientRef } }) => patientRef)).size,
        patientRefs: unique(involved.map(({ request: { patientRef } }) => patientRef)),
      },
    );
  }
}

// Evaluation

function run(history: ShoppingHistory, policy: ShoppingPolicy, now: string): Context {
  const context: Context = {
    policy,
    now: instantOf(now, 'now'),
    consensuses: (history.consensuses ?? [])
      .map((consensus) => ({
        ...consensus,
        time: instantOf(consensus.occurredAt, `occurredAt of ${consensus.eventId}`),
      }))
      .sort((a, b) => a.time - b.time || compareText(a.eventId, b.eventId)),
    produced: (history.produced ?? []).map((report) => ({
      ...report,
      time: instantOf(report.occurredAt, `occurredAt of ${report.eventId}`),
    })),
    flags: [],
    pendingDeadlines: [],
  };
  const requests = timedRequests(history.requests);
  for (const episode of timedEpisodes(requests, policy)) {
    repeatedRequests(context, episode);
    burst(context, episode);
    stopAfterFavourable(context, episode);
    blindingBreach(context, episode);
  }
  identifierEvasion(context, requests);
  return context;
}

/**
 * Every flag the history supports as of `now` (only OS-3 depends on it), ordered by raisedAt, rule
 * and flagId. The same history always gives the same flags with the same ids, so calling it again
 * after each event and upserting by flagId never duplicates a flag.
 */
export function evaluate(
  history: ShoppingHistory,
  policy: ShoppingPolicy,
  now: string,
  sha256Hex: Sha256Hex,
): ShoppingFlag[] {
  const flagIdFor = flagIds(sha256Hex);
  const flags = run(history, policy, now).flags.map(({ triggerEventId, ...flag }): ShoppingFlag => ({
    flagId: flagIdFor(flag.rule, flag.patientRef, flag.bodyRegion, triggerEventId),
    ...flag,
  }));
  return flags.sort(
    (a, b) =>
      compareText(a.raisedAt, b.raisedAt) || compareText(a.rule, b.rule) || compareText(a.flagId, b.flagId),
  );
}

/** When an OS-3 candidate's quiet period ends (the earliest after `now`), or null: a timer's next call. */
export function nextReevaluationAt(
  history: ShoppingHistory,
  policy: ShoppingPolicy,
  now: string,
): string | null {
  const { pendingDeadlines } = run(history, policy, now);
  return pendingDeadlines.length === 0 ? null : isoOf(Math.min(...pendingDeadlines));
}
