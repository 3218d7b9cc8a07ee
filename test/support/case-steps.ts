import { expect } from '@jest/globals';
import {
  type ApiClient,
  type ApiResponse,
  type Caller,
  COORDINATOR,
  MEDICO_LEGAL,
  radiologist,
  secondOpinionRequest,
} from './api.js';

type Json = Record<string, unknown>;

/** A radiologist's id (the step is then taken as that radiologist), or any caller, e.g. an integrator. */
export type Actor = string | Caller;

export const FRACTURE_PRESENT = [{ code: 'fracture', presence: 'present' }];

/** An opinion on a fracture; its impression names the assignment, so that a leak of it to another reader shows. */
export function opinionBody(assignmentId: string, extra: Json = {}): Json {
  return {
    assignmentId,
    findings: FRACTURE_PRESENT,
    impression: `Impression for assignment ${assignmentId}`,
    confidence: 4,
    ...extra,
  };
}

export interface HistoryEvent {
  eventId: string;
  type: string;
  revision: number;
  data: Json;
  metadata: Json;
  occurredAt: string;
  recordedAt: string;
}

export interface CaseHistory {
  revision: number;
  state: Json | null;
  events: HistoryEvent[];
  integrity: { verified: boolean; firstBrokenRevision?: number; reason?: string };
}

export interface CaseSteps {
  /** POST /cases with `secondOpinionRequest(overrides)`; the new case's id. */
  requestCase(overrides?: Json, as?: Caller): Promise<string>;
  /** The new assignment's id. */
  assign(
    caseId: string,
    readerId: string,
    role?: string,
    options?: { blinded?: boolean; occurredAt?: string; as?: Caller },
  ): Promise<string>;
  /** The answer: what the reader is shown. */
  startRead(caseId: string, assignmentId: string, by: Actor, extra?: Json): Promise<Json>;
  /** `opinionBody(assignmentId, extra)` submitted; the answer (opinionId, status, revision). */
  submitOpinion(caseId: string, assignmentId: string, by: Actor, extra?: Json): Promise<Json>;
  /** A case in review with one primary (blinded unless the request says otherwise) whose read has started. */
  caseWithStartedRead(overrides?: Json, readerId?: string): Promise<{ caseId: string; assignmentId: string }>;
  /**
   * A case with two blinded primaries whose first (rad-a) has submitted `opinionBody(assignmentId,
   * extra)`: revisions 0–4, the opinion at 4.
   */
  caseWithOpinion(extra?: Json, overrides?: Json): Promise<{ caseId: string; assignmentId: string }>;
  /** Any other command (escalation, closure, ...): POST expecting 201; the answer. */
  command(path: string, body: unknown, as?: Caller, headers?: Record<string, string>): Promise<Json>;
  /** GET /history as medico-legal, whose hash chain must verify. */
  history(caseId: string, query?: string): Promise<CaseHistory>;
}

const callerOf = (by: Actor): Caller => (typeof by === 'string' ? radiologist(by) : by);

/** Status and body together, so that a failed step shows what the API answered. */
function expectStatus(response: ApiResponse<unknown>, status: number, step: string): void {
  expect({ step, status: response.status, body: response.body }).toMatchObject({ step, status });
}

/**
 * The steps of a case through the public API, each expecting its answer: the set-up that e2e
 * suites share. `api` is read at each step, since suites create their client in beforeAll.
 */
export function caseSteps(api: () => ApiClient): CaseSteps {
  const command = async (
    path: string,
    body: unknown,
    as: Caller = COORDINATOR,
    headers: Record<string, string> = {},
  ): Promise<Json> => {
    const response = await api().post(path, body, as, headers);
    expectStatus(response, 201, `POST ${path}`);
    return response.body;
  };

  const steps: CaseSteps = {
    async requestCase(overrides = {}, as = COORDINATOR) {
      const response = await api().post('/api/v1/cases', secondOpinionRequest(overrides), as);
      expectStatus(response, 201, 'POST /api/v1/cases');
      const caseId = response.body.caseId as string;
      expect(response.headers.get('location')).toBe(`/api/v1/cases/${caseId}`);
      return caseId;
    },

    async assign(caseId, readerId, role = 'primary', options = {}) {
      const { blinded, occurredAt, as = COORDINATOR } = options;
      const body = {
        readerId,
        role,
        ...(blinded === undefined ? {} : { blinded }),
        ...(occurredAt === undefined ? {} : { occurredAt }),
      };
      return (await command(`/api/v1/cases/${caseId}/assignments`, body, as)).assignmentId as string;
    },

    startRead: (caseId, assignmentId, by, extra = {}) =>
      command(`/api/v1/cases/${caseId}/reads`, { assignmentId, ...extra }, callerOf(by)),

    submitOpinion: (caseId, assignmentId, by, extra = {}) =>
      command(`/api/v1/cases/${caseId}/opinions`, opinionBody(assignmentId, extra), callerOf(by)),

    async caseWithStartedRead(overrides = {}, readerId = 'rad-a') {
      const caseId = await steps.requestCase(overrides);
      const assignmentId = await steps.assign(caseId, readerId);
      await steps.startRead(caseId, assignmentId, readerId);
      return { caseId, assignmentId };
    },

    async caseWithOpinion(extra = {}, overrides = {}) {
      const caseId = await steps.requestCase(overrides);
      const assignmentId = await steps.assign(caseId, 'rad-a');
      await steps.assign(caseId, 'rad-b');
      await steps.startRead(caseId, assignmentId, 'rad-a');
      await steps.submitOpinion(caseId, assignmentId, 'rad-a', extra);
      return { caseId, assignmentId };
    },

    command,

    async history(caseId, query = '') {
      const response = await api().get<CaseHistory>(`/api/v1/cases/${caseId}/history${query}`, MEDICO_LEGAL);
      expectStatus(response, 200, `GET history${query}`);
      expect(response.body.integrity).toMatchObject({ verified: true });
      return response.body;
    },
  };
  return steps;
}
