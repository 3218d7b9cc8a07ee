import { type ApiClient, type Caller, ADMIN, COORDINATOR, QUALITY, radiologist } from '../../support/api.js';
import { caseSteps } from '../../support/case-steps.js';
import { BODY_SCHEMAS, type RouteRules, UUID_SHAPED, type Verdict } from './oracle.js';

/**
 * The live world the fuzz aims at: real cases in every state, their assignments and opinions, so
 * that path ids name something and valid bodies reach the domain rules. It grows as the fuzz's
 * valid requests are accepted (a new case, a new assignment, a new opinion).
 */
export type { Caller };

export const EVERY_ROLE: Caller = {
  sub: 'fz-every-role',
  roles: ['integrator', 'coordinator', 'radiologist', 'quality-committee', 'medico-legal', 'admin'],
  name: 'Every Role',
};

export interface AssignmentRef {
  id: string;
  readerId: string;
  role: string;
}

export interface CaseRef {
  id: string;
  /** Which command families prefer this case (its state suits them). */
  home: string[];
  assignments: AssignmentRef[];
  opinions: Array<{ id: string; readerId: string }>;
}

export class World {
  readonly cases: CaseRef[] = [];
  projections: string[] = [];
  flags: string[] = [];
  private readers = 0;

  nextReader(): string {
    return `fz-rad-${++this.readers}`;
  }

  caseById(id: string | undefined): CaseRef | undefined {
    return this.cases.find((candidate) => candidate.id === id?.toLowerCase());
  }
}

/** A small seeded PRNG (mulberry32): fast-check draws the seed, so a run replays from its seed. */
export class Rand {
  constructor(private state: number) {}

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[this.int(4)]!;
    const text = hex.join('');
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  }
}

export interface ValidRequest {
  params: Record<string, string>;
  /** undefined: the request carries no body. */
  body: unknown;
  caller: Caller;
  /** An integrator may send it instead (then occurredAt is acceptable). */
  integratorAllowed: boolean;
}

export interface RouteSpec {
  template: string;
  rules: RouteRules;
  build(world: World, rand: Rand): ValidRequest;
  /** Records what an accepted request created. */
  accepted?(world: World, sent: { params: Record<string, string>; body: unknown }, response: unknown): void;
}

type Json = Record<string, unknown>;

/** Opinion-shopping flag ids are deterministic, not UUIDs. */
const FLAG_ID = /^os[1-5]-[0-9a-f]{32}$/;

const idParam = (name: string, value: string): Verdict =>
  (name === 'flagId' ? FLAG_ID : UUID_SHAPED).test(value)
    ? { kind: 'valid' }
    : { kind: 'invalid', statuses: [400, 404], why: `path ${name} is not an id` };

function commandRules(template: string, bodyOptional = false): RouteRules {
  return { body: BODY_SCHEMAS[template]!, bodyOptional, commandHeaders: true, param: idParam };
}

function chooseCase(
  world: World,
  rand: Rand,
  family: string,
  need?: (ref: CaseRef) => boolean,
): CaseRef | undefined {
  const candidates = need ? world.cases.filter(need) : world.cases;
  const homes = candidates.filter((ref) => ref.home.includes(family));
  if (homes.length > 0 && rand.chance(0.6)) return rand.pick(homes);
  if (candidates.length > 0) return rand.pick(candidates);
  return world.cases.length > 0 ? rand.pick(world.cases) : undefined;
}

const FINDINGS = ['fracture', 'dislocation', 'no-finding', 'joint-effusion', 'lung-opacity'];
const findings = (rand: Rand): Json[] =>
  [rand.pick(FINDINGS)].map((code) => ({
    code,
    presence: rand.pick(['present', 'absent', 'uncertain']),
    ...(rand.chance(0.3)
      ? { laterality: rand.pick(['left', 'right', 'bilateral']), location: 'distal radius' }
      : {}),
  }));

const asObject = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};

/** The case of a request and one of its assignments (preferring one the predicate likes). */
function withAssignment(
  world: World,
  rand: Rand,
  family: string,
  prefer: (assignment: AssignmentRef) => boolean = () => true,
): { caseId: string; assignment: AssignmentRef | undefined } {
  const ref = chooseCase(world, rand, family, (candidate) => candidate.assignments.length > 0);
  if (!ref) return { caseId: rand.uuid(), assignment: undefined };
  const preferred = ref.assignments.filter(prefer);
  const assignment = rand.pick(preferred.length > 0 && rand.chance(0.8) ? preferred : ref.assignments);
  return { caseId: ref.id, assignment };
}

const readerOf = (assignment: AssignmentRef | undefined): Caller =>
  radiologist(assignment?.readerId ?? 'fz-rad-nobody');

/** The command endpoints of api.md with a valid body each; routes the OpenAPI document adds get `genericRoute`. */
export function routeSpecs(world: World): RouteSpec[] {
  const T = {
    cases: '/api/v1/cases',
    assignments: '/api/v1/cases/{caseId}/assignments',
    unassignment: '/api/v1/cases/{caseId}/assignments/{assignmentId}/unassignment',
    reads: '/api/v1/cases/{caseId}/reads',
    opinions: '/api/v1/cases/{caseId}/opinions',
    reviews: '/api/v1/cases/{caseId}/prior-report-reviews',
    adjudication: '/api/v1/cases/{caseId}/adjudication',
    escalations: '/api/v1/cases/{caseId}/escalations',
    closure: '/api/v1/cases/{caseId}/closure',
    reopening: '/api/v1/cases/{caseId}/reopening',
    withdrawal: '/api/v1/cases/{caseId}/withdrawal',
    addenda: '/api/v1/cases/{caseId}/opinions/{opinionId}/addenda',
    reference: '/api/v1/cases/{caseId}/reference-standard',
    flagReview: '/api/v1/opinion-shopping/flags/{flagId}/review',
    rebuild: '/api/v1/projections/{name}/rebuild',
  };
  const caseIdOf = (world: World, rand: Rand, family: string) =>
    chooseCase(world, rand, family)?.id ?? rand.uuid();

  return [
    {
      template: T.cases,
      rules: commandRules(T.cases),
      build: (_world, rand) => ({
        params: {},
        caller: COORDINATOR,
        integratorAllowed: true,
        body: {
          patientRef: `pt-fz-${rand.int(1_000_000)}`,
          study: {
            studyInstanceUid: `1.2.840.113619.2.55.3.${rand.int(1_000_000)}`,
            ...(rand.chance(0.3) ? { accessionNumber: `ACC-${rand.int(10_000)}` } : {}),
            modality: rand.pick(['CR', 'DX', 'XR']),
            bodyRegion: rand.pick(['wrist', 'chest', 'hand']),
            studyDate: '2026-11-18',
          },
          clinicalQuestion: 'Scaphoid fracture?',
          requester: { kind: rand.pick(['patient', 'insurer', 'other']), id: 'req-fz' },
          priority: rand.pick(['routine', 'urgent', 'stat']),
          readsRequired: rand.pick([1, 2]),
          ...(rand.chance(0.6)
            ? {
                priorReport: {
                  author: 'rad-ext-9',
                  findings: [{ code: 'fracture', presence: 'absent' }],
                  impression: 'No fracture.',
                },
              }
            : {}),
        },
      }),
      accepted: (world, _sent, response) => {
        const caseId = asObject(response).caseId;
        if (typeof caseId === 'string')
          world.cases.push({ id: caseId, home: ['fuzz', 'withdraw'], assignments: [], opinions: [] });
      },
    },
    {
      template: T.assignments,
      rules: commandRules(T.assignments),
      build: (world, rand) => ({
        params: { caseId: caseIdOf(world, rand, 'assign') },
        caller: COORDINATOR,
        integratorAllowed: true,
        body: {
          readerId: world.nextReader(),
          role: rand.chance(0.8) ? 'primary' : rand.pick(['adjudicator', 'panelist']),
          ...(rand.chance(0.3) ? { blinded: rand.chance(0.5) } : {}),
        },
      }),
      accepted: (world, sent, response) => {
        const body = asObject(sent.body);
        const assignmentId = asObject(response).assignmentId;
        if (typeof assignmentId === 'string')
          world.caseById(sent.params.caseId)?.assignments.push({
            id: assignmentId,
            readerId: String(body.readerId),
            role: String(body.role),
          });
      },
    },
    {
      template: T.unassignment,
      rules: commandRules(T.unassignment),
      build: (world, rand) => {
        const { caseId, assignment } = withAssignment(world, rand, 'unassign');
        return {
          params: { caseId, assignmentId: assignment?.id ?? rand.uuid() },
          caller: COORDINATOR,
          integratorAllowed: true,
          body: { reason: 'Reader on leave' },
        };
      },
    },
    {
      template: T.reads,
      rules: commandRules(T.reads),
      build: (world, rand) => {
        const { caseId, assignment } = withAssignment(world, rand, 'read');
        return {
          params: { caseId },
          caller: readerOf(assignment),
          integratorAllowed: true,
          body: { assignmentId: assignment?.id ?? rand.uuid() },
        };
      },
    },
    {
      template: T.opinions,
      rules: commandRules(T.opinions),
      build: (world, rand) => {
        const { caseId, assignment } = withAssignment(world, rand, 'opinion', (a) => a.role === 'primary');
        return {
          params: { caseId },
          caller: readerOf(assignment),
          integratorAllowed: true,
          body: {
            assignmentId: assignment?.id ?? rand.uuid(),
            findings: findings(rand),
            impression: 'Scaphoid waist fracture.',
            confidence: 1 + rand.int(5),
            ...(rand.chance(0.2) ? { priorReportReview: { score: '1', comment: 'Agree.' } } : {}),
          },
        };
      },
      accepted: (world, sent, response) => {
        const ref = world.caseById(sent.params.caseId);
        const assignment = ref?.assignments.find((a) => a.id === asObject(sent.body).assignmentId);
        const opinionId = asObject(response).opinionId;
        if (ref && assignment && typeof opinionId === 'string')
          ref.opinions.push({ id: opinionId, readerId: assignment.readerId });
      },
    },
    {
      template: T.reviews,
      rules: commandRules(T.reviews),
      build: (world, rand) => {
        const { caseId, assignment } = withAssignment(world, rand, 'review', (a) => a.role === 'primary');
        return {
          params: { caseId },
          caller: readerOf(assignment),
          integratorAllowed: true,
          body: {
            assignmentId: assignment?.id ?? rand.uuid(),
            score: rand.pick(['1', '2a', '2b', '3a', '3b']),
            ...(rand.chance(0.5) ? { comment: 'Fracture visible on the scaphoid view.' } : {}),
          },
        };
      },
    },
    {
      template: T.adjudication,
      rules: commandRules(T.adjudication),
      build: (world, rand) => {
        const { caseId, assignment } = withAssignment(
          world,
          rand,
          'adjudicate',
          (a) => a.role === 'adjudicator',
        );
        const opinions = world.caseById(caseId)?.opinions ?? [];
        const select = rand.chance(0.5);
        return {
          params: { caseId },
          caller: readerOf(assignment),
          integratorAllowed: true,
          body: {
            assignmentId: assignment?.id ?? rand.uuid(),
            ...(select
              ? {
                  selectedOpinionId:
                    opinions.length > 0 && rand.chance(0.7) ? rand.pick(opinions).id : 'prior-report',
                }
              : { findings: findings(rand) }),
            rationale: 'Fracture line visible on the oblique view.',
          },
        };
      },
    },
    {
      template: T.escalations,
      rules: commandRules(T.escalations),
      build: (world, rand) => ({
        params: { caseId: caseIdOf(world, rand, 'escalate') },
        caller: rand.pick([COORDINATOR, QUALITY]),
        integratorAllowed: true,
        body: {
          level: rand.chance(0.8) ? 'adjudication' : 'panel',
          reason: rand.pick(['requester-appeal', 'clinical-concern', 'quality-review', 'low-confidence']),
        },
      }),
    },
    {
      template: T.closure,
      rules: commandRules(T.closure, true),
      build: (world, rand) => ({
        params: { caseId: caseIdOf(world, rand, 'close') },
        caller: COORDINATOR,
        integratorAllowed: true,
        body: rand.chance(0.3)
          ? undefined
          : rand.chance(0.5)
            ? {}
            : { note: 'Reported to the requester by phone.' },
      }),
    },
    {
      template: T.reopening,
      rules: commandRules(T.reopening),
      build: (world, rand) => ({
        params: { caseId: caseIdOf(world, rand, 'reopen') },
        caller: rand.pick([COORDINATOR, QUALITY]),
        integratorAllowed: true,
        body: { reason: 'New clinical information' },
      }),
    },
    {
      template: T.withdrawal,
      rules: commandRules(T.withdrawal),
      build: (world, rand) => ({
        params: { caseId: caseIdOf(world, rand, 'withdraw') },
        caller: COORDINATOR,
        integratorAllowed: true,
        body: { reason: 'Requester withdrew the request' },
      }),
    },
    {
      template: T.addenda,
      rules: commandRules(T.addenda),
      build: (world, rand) => {
        const ref = chooseCase(world, rand, 'addendum', (candidate) => candidate.opinions.length > 0);
        const opinion = ref && ref.opinions.length > 0 ? rand.pick(ref.opinions) : undefined;
        return {
          params: { caseId: ref?.id ?? rand.uuid(), opinionId: opinion?.id ?? rand.uuid() },
          caller: radiologist(opinion?.readerId ?? 'fz-rad-nobody'),
          integratorAllowed: true,
          body: {
            text: 'Correction: the fracture extends to the proximal pole.',
            reason: 'Reviewed additional views',
          },
        };
      },
    },
    {
      template: T.reference,
      rules: commandRules(T.reference),
      build: (world, rand) => ({
        params: { caseId: caseIdOf(world, rand, 'reference') },
        caller: rand.pick([COORDINATOR, QUALITY]),
        integratorAllowed: true,
        body: {
          source: rand.pick(['pathology', 'follow-up-imaging', 'clinical-outcome', 'external-panel']),
          findings: findings(rand),
          ...(rand.chance(0.5) ? { note: 'CT at 10 days confirmed the fracture.' } : {}),
        },
      }),
    },
    {
      template: T.flagReview,
      rules: commandRules(T.flagReview),
      build: (world, rand) => ({
        params: {
          flagId:
            world.flags.length > 0 && rand.chance(0.7)
              ? rand.pick(world.flags)
              : `os${1 + rand.int(5)}-${rand.uuid().replace(/-/g, '')}`,
        },
        caller: QUALITY,
        integratorAllowed: false,
        body: {
          disposition: rand.pick(['dismissed', 'confirmed', 'needs-follow-up']),
          note: 'Reviewed with the requester.',
        },
      }),
    },
    {
      template: T.rebuild,
      rules: {
        // The route reads no body: any JSON the parser takes is ignored.
        body: 'ignored',
        bodyOptional: true,
        commandHeaders: false,
        param: (_name, value) =>
          world.projections.includes(value)
            ? { kind: 'valid' }
            : {
                kind: 'invalid',
                statuses: [404],
                why: `no projection ${JSON.stringify(value.slice(0, 40))}`,
              },
      },
      build: (_world, rand) => ({
        params: {
          name:
            world.projections.length > 0 && rand.chance(0.5)
              ? rand.pick(world.projections)
              : 'no-such-projection',
        },
        caller: ADMIN,
        integratorAllowed: false,
        body: undefined,
      }),
    },
  ];
}

/** A POST route of the OpenAPI document that api.md does not list: hostile bodies, only the invariants asserted. */
export function genericRoute(template: string): RouteSpec {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  return {
    template,
    rules: {
      body: 'unknown',
      bodyOptional: true,
      commandHeaders: false,
      param: () => ({ kind: 'unsure', why: 'unknown route' }),
    },
    build: (world, rand) => ({
      params: Object.fromEntries(
        names.map((name) => [
          name,
          world.cases.length > 0 && rand.chance(0.5) ? rand.pick(world.cases).id : rand.uuid(),
        ]),
      ),
      caller: EVERY_ROLE,
      integratorAllowed: false,
      body: {},
    }),
  };
}

/** Cases in every state the command families need, created through the API as a coordinator and radiologists would. */
export async function buildWorld(api: ApiClient, world: World): Promise<World> {
  const steps = caseSteps(() => api);
  const request = async (home: string[], overrides: Json = {}): Promise<CaseRef> => {
    const id = await steps.requestCase({
      patientRef: `pt-fixture-${world.cases.length}`,
      priorReport: {
        author: 'rad-ext-9',
        findings: [{ code: 'fracture', presence: 'absent' }],
        impression: 'No fracture.',
      },
      ...overrides,
    });
    const ref: CaseRef = { id, home, assignments: [], opinions: [] };
    world.cases.push(ref);
    return ref;
  };
  const assign = async (ref: CaseRef, readerId: string, role = 'primary', blinded?: boolean) => {
    const assignment = { id: await steps.assign(ref.id, readerId, role, { blinded }), readerId, role };
    ref.assignments.push(assignment);
    return assignment;
  };
  const read = (ref: CaseRef, assignment: AssignmentRef) =>
    steps.startRead(ref.id, assignment.id, assignment.readerId);
  const opinion = async (ref: CaseRef, assignment: AssignmentRef) => {
    const created = await steps.submitOpinion(ref.id, assignment.id, assignment.readerId, {
      impression: 'Scaphoid fracture.',
    });
    ref.opinions.push({ id: created.opinionId as string, readerId: assignment.readerId });
    return created;
  };

  // requested: nothing assigned yet.
  await request(['assign', 'withdraw', 'reference', 'escalate']);
  // in-review: a blinded and an unblinded primary, both reading.
  const inReview = await request([
    'read',
    'opinion',
    'review',
    'unassign',
    'escalate',
    'assign',
    'reference',
  ]);
  await read(inReview, await assign(inReview, 'rad-a1'));
  await read(inReview, await assign(inReview, 'rad-b1', 'primary', false));
  // in-review with one opinion submitted (addenda, the prior-report review after it).
  const submitted = await request(['review', 'addendum', 'opinion', 'unassign']);
  const c1 = await assign(submitted, 'rad-c1', 'primary', false);
  await read(submitted, c1);
  await opinion(submitted, c1);
  // awaiting adjudication, the adjudicator reading.
  const adjudication = await request(['adjudicate', 'escalate', 'read'], { priorReport: undefined });
  await assign(adjudication, 'rad-a2');
  await steps.command(`/api/v1/cases/${adjudication.id}/escalations`, {
    level: 'adjudication',
    reason: 'requester-appeal',
  });
  await read(adjudication, await assign(adjudication, 'rad-adj2', 'adjudicator'));
  // consensus (single read, no prior report), and one more that is closed.
  for (const home of [
    ['close', 'addendum', 'reference'],
    ['reopen', 'addendum', 'reference'],
  ]) {
    const ref = await request(home, { readsRequired: 1, priorReport: undefined });
    const assignment = await assign(ref, `rad-d${world.cases.length}`);
    await read(ref, assignment);
    await opinion(ref, assignment);
    if (home.includes('reopen')) await steps.command(`/api/v1/cases/${ref.id}/closure`, {});
  }

  const projections = await api.get<{ items: Array<{ name: string }> }>('/api/v1/projections', ADMIN);
  if (projections.status === 200) world.projections = projections.body.items.map((item) => item.name);
  const flags = await api.get<{ items?: Array<{ flagId: string }> }>(
    '/api/v1/opinion-shopping/flags',
    QUALITY,
  );
  if (flags.status === 200) world.flags = (flags.body.items ?? []).map((flag) => flag.flagId);
  return world;
}
