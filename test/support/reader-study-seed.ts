import { MINIMUM_COMPARED_READS } from '../../src/domain/metrics/funnel-plot.js';
import { ADMIN, type ApiClient, type ApiResponse, type Caller, COORDINATOR, radiologist } from './api.js';

/**
 * A generated reader study, seeded through the REST API only (no test framework, no database
 * access), so that e2e and browser tests on any running engine can share it.
 *
 * Every case is a wrist study read for a fracture by two blinded primaries (readsRequired 2, no
 * prior report), then given a reference standard. Half the cases have a fracture. When the two
 * reads disagree (present against absent, a major discordance) the case escalates and a third
 * study reader adjudicates, selecting the correct opinion: the consensus is the truth, and whoever
 * read wrong is discordant with it. The planted outlier misses every fracture it reads; the others
 * make a rare mistake (about one normal-only case in ten). The outlier reads at least
 * MINIMUM_COMPARED_READS cases, so it is judged, and with ~6 readers and ~60 cases its major
 * discordance rate lies far above the 99.8% limit (0.5 against a group rate of 0.15). The other
 * readers share the remaining reads evenly: they too are judged once cases ≥ 15 · readers (e.g. 90
 * cases for 6 readers: 30 reads each); with fewer they are plotted as insufficient data.
 */

const FINDING = 'fracture';

export interface ReaderStudySeedOptions {
  /** Readers, the outlier included: at least 3 (two primaries and an adjudicator per case). */
  readonly readers: number;
  /** Cases: at least 30, so that the outlier has enough reads to be judged. */
  readonly cases: number;
  readonly outlierReaderId: string;
  /** The other readers are `${prefix}-1`, `${prefix}-2`, …; default `study-reader`. */
  readonly readerIdPrefix?: string;
  /** Cases seeded at the same time; default 6. */
  readonly concurrency?: number;
  /** Wait until the reader-metrics projection has applied every event (GET /api/v1/projections as admin); default true. */
  readonly waitForMetrics?: boolean;
}

export interface ReaderStudySeed {
  /** The outlier first, then the others. */
  readonly readerIds: string[];
  /** In the order they were planned (not the order of their request times). */
  readonly caseIds: string[];
  /** The cases where the outlier's read disagrees with the consensus. */
  readonly outlierDiscordantCaseIds: string[];
}

type Presence = 'present' | 'absent';

interface Read {
  readonly readerId: string;
  readonly presence: Presence;
}

interface PlannedCase {
  readonly truth: Presence;
  readonly reads: readonly [Read, Read];
  /** Set when the reads disagree: who decides. */
  readonly adjudicatorId?: string;
}

const other = (presence: Presence): Presence => (presence === 'present' ? 'absent' : 'present');

/** The study, decided up front: who reads which case and what they say. Deterministic. */
function plan(options: ReaderStudySeedOptions, others: readonly string[]): PlannedCase[] {
  const { cases, outlierReaderId } = options;
  const outlierReads = Math.min(
    cases,
    Math.max(MINIMUM_COMPARED_READS, Math.ceil((2 * cases) / (others.length + 1))),
  );
  const planned: PlannedCase[] = [];
  let next = 0;
  const nextOther = (): string => others[next++ % others.length]!;
  // The next study reader in turn who reads neither primary opinion.
  const adjudicatorFor = (readers: readonly string[]): string =>
    others.map((_, offset) => others[(next + offset) % others.length]!).find((id) => !readers.includes(id))!;
  for (let index = 0; index < cases; index += 1) {
    const truth: Presence = index % 2 === 0 ? 'present' : 'absent';
    let reads: [Read, Read];
    if (index < outlierReads) {
      // The outlier misses every fracture; its partner reads right.
      const partner = nextOther();
      reads = [
        { readerId: outlierReaderId, presence: 'absent' },
        { readerId: partner, presence: truth },
      ];
    } else {
      const first = nextOther();
      const second = nextOther();
      // About one normal-only case in ten, one of the two readers gets it wrong.
      const slip = others.length >= 3 && (index - outlierReads) % 10 === 9;
      reads = [
        { readerId: first, presence: slip ? other(truth) : truth },
        { readerId: second, presence: truth },
      ];
    }
    const disagree = reads[0].presence !== reads[1].presence;
    const adjudicatorId = disagree ? adjudicatorFor(reads.map(({ readerId }) => readerId)) : undefined;
    planned.push({ truth, reads, ...(adjudicatorId !== undefined && { adjudicatorId }) });
  }
  return planned;
}

async function expectCreated(
  api: ApiClient,
  path: string,
  body: unknown,
  as: Caller,
): Promise<Record<string, unknown>> {
  const response: ApiResponse = await api.post(path, body, as);
  if (response.status !== 201) {
    throw new Error(`Seeding the reader study: POST ${path} answered ${response.status}: ${response.text}`);
  }
  return response.body;
}

/** One case from request to consensus and reference standard; its id. */
async function seedCase(api: ApiClient, planned: PlannedCase, key: string, index: number): Promise<string> {
  const created = await expectCreated(
    api,
    '/api/v1/cases',
    {
      patientRef: `study-${key}-${index}`,
      study: {
        studyInstanceUid: `2.25.${key}.${index + 1}`,
        modality: 'DX',
        bodyRegion: 'wrist',
        studyDate: new Date().toISOString().slice(0, 10),
      },
      clinicalQuestion: 'Scaphoid fracture? Generated reader study.',
      requester: { kind: 'referring-physician', id: 'study-dr-1', organisation: 'Reader study' },
      priority: 'routine',
      readsRequired: 2,
    },
    COORDINATOR,
  );
  const caseId = created.caseId as string;
  const base = `/api/v1/cases/${caseId}`;
  const assign = async (readerId: string, role: 'primary' | 'adjudicator'): Promise<string> =>
    (await expectCreated(api, `${base}/assignments`, { readerId, role }, COORDINATOR)).assignmentId as string;
  const assignments = [
    await assign(planned.reads[0].readerId, 'primary'),
    await assign(planned.reads[1].readerId, 'primary'),
  ];
  const opinionIds: string[] = [];
  for (const [position, { readerId, presence }] of planned.reads.entries()) {
    const assignmentId = assignments[position]!;
    await expectCreated(api, `${base}/reads`, { assignmentId }, radiologist(readerId));
    const opinion = await expectCreated(
      api,
      `${base}/opinions`,
      {
        assignmentId,
        findings: [{ code: FINDING, presence }],
        impression: presence === 'present' ? 'Scaphoid waist fracture.' : 'No fracture seen.',
        confidence: 4,
      },
      radiologist(readerId),
    );
    opinionIds.push(opinion.opinionId as string);
  }
  if (planned.adjudicatorId !== undefined) {
    const assignmentId = await assign(planned.adjudicatorId, 'adjudicator');
    const adjudicator = radiologist(planned.adjudicatorId);
    await expectCreated(api, `${base}/reads`, { assignmentId }, adjudicator);
    const right = planned.reads.findIndex(({ presence }) => presence === planned.truth);
    await expectCreated(
      api,
      `${base}/adjudication`,
      {
        assignmentId,
        selectedOpinionId: opinionIds[right],
        rationale: 'Generated reader study: the correct read.',
      },
      adjudicator,
    );
  }
  await expectCreated(
    api,
    `${base}/reference-standard`,
    { source: 'follow-up-imaging', findings: [{ code: FINDING, presence: planned.truth }] },
    COORDINATOR,
  );
  return caseId;
}

/** Polls GET /api/v1/projections until reader-metrics has no lag. */
async function metricsCaughtUp(api: ApiClient, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api.get<{ items: Array<{ name: string; lagEvents: number; state: string }> }>(
      '/api/v1/projections',
      ADMIN,
    );
    const metrics = response.body.items?.find(({ name }) => name === 'reader-metrics');
    if (response.status === 200 && metrics?.state === 'running' && metrics.lagEvents === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`reader-metrics did not catch up in ${timeoutMs} ms: ${response.text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Seeds a generated reader study through the REST API (see the top of this file): `readers`
 * readers, one of them `outlierReaderId`, who disagrees with the consensus far more often than the
 * rest, over `cases` cases.
 */
export async function seedReaderStudy(
  api: ApiClient,
  options: ReaderStudySeedOptions,
): Promise<ReaderStudySeed> {
  const { readers, cases, outlierReaderId, readerIdPrefix = 'study-reader', concurrency = 6 } = options;
  if (!Number.isInteger(readers) || readers < 3) {
    throw new RangeError(`readers must be at least 3 (two primaries and an adjudicator), got ${readers}.`);
  }
  if (!Number.isInteger(cases) || cases < MINIMUM_COMPARED_READS) {
    throw new RangeError(
      `cases must be at least ${MINIMUM_COMPARED_READS}, so that the outlier is judged; got ${cases}.`,
    );
  }
  const others = Array.from({ length: readers - 1 }, (_, index) => `${readerIdPrefix}-${index + 1}`);
  if (others.includes(outlierReaderId)) {
    throw new RangeError(`outlierReaderId ${outlierReaderId} collides with the generated reader ids.`);
  }
  const planned = plan(options, others);
  // Unique per call: study UIDs and patient refs never repeat on a database seeded twice.
  const key = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const caseIds: string[] = new Array<string>(planned.length);
  let cursor = 0;
  const worker = async (): Promise<void> => {
    while (cursor < planned.length) {
      const index = cursor++;
      caseIds[index] = await seedCase(api, planned[index]!, key, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (options.waitForMetrics ?? true) await metricsCaughtUp(api);
  return {
    readerIds: [outlierReaderId, ...others],
    caseIds,
    outlierDiscordantCaseIds: planned.flatMap((plannedCase, index) =>
      plannedCase.reads.some(
        ({ readerId, presence }) => readerId === outlierReaderId && presence !== plannedCase.truth,
      )
        ? [caseIds[index]!]
        : [],
    ),
  };
}
