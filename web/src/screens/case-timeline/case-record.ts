/**
 * The shapes this screen reads from GET /api/v1/cases/{caseId}/history and GET /api/v1/cases/{caseId}
 * (docs/api.md "Queries", docs/events.md). Written out here because the web app imports nothing
 * from the engine: a field the engine renames shows up as an empty cell, never as a crash.
 */
export interface Finding {
  code: string;
  presence: 'present' | 'absent' | 'uncertain';
  location?: string;
  laterality?: string;
}

export interface Signature {
  signerName: string;
  meaning: 'authorship' | 'approval';
  signedAt: string;
}

export interface Study {
  studyInstanceUid: string;
  accessionNumber?: string;
  modality: string;
  bodyRegion: string;
  studyDate: string;
}

export interface Requester {
  kind: string;
  id: string;
  organisation?: string;
}

export interface PriorReport {
  author: string;
  institution?: string;
  reportedAt?: string;
  findings: Finding[];
  impression?: string;
}

export interface PriorReportScore {
  score: string;
  comment?: string;
}

export interface Assignment {
  assignmentId: string;
  round: number;
  readerId: string;
  role: string;
  blinded: boolean;
  status: 'open' | 'ended' | 'unassigned';
  unassignReason?: string;
  endReason?: string;
  readStarted: boolean;
  shown: string[];
  opinionId?: string;
  priorReportReview?: PriorReportScore;
}

export interface Opinion {
  opinionId: string;
  assignmentId: string;
  round: number;
  readerId: string;
  role: string;
  findings: Finding[];
  impression: string;
  confidence: number;
  priorReportReview?: PriorReportScore;
  signature: Signature;
  addenda: Array<{ opinionId: string; text: string; reason: string; signature: Signature }>;
}

export interface Discordance {
  round: number;
  opinionIds: string[];
  findings: Array<{ code: string; values: Array<{ opinionId: string; presence: string }>; severity: string }>;
  severity: string;
}

export interface Adjudication {
  adjudicatorId: string;
  selectedOpinionId?: string;
  findings: Finding[];
  rationale: string;
  signature: Signature;
}

export interface Consensus {
  round: number;
  findings: Finding[];
  impression?: string;
  method: string;
  basedOn: string[];
  dissent: Array<{ code: string; opinionIds: string[] }>;
  outcome: string;
}

export interface Round {
  round: number;
  reopenReason?: string;
  discordances: Discordance[];
  escalations: Array<{ level: string; reason: string }>;
  adjudication?: Adjudication;
  consensus?: Consensus;
}

/** The whole case, as the history replays it and as staff, committees and lawyers see it. */
export interface FullCaseView {
  visibility: 'full';
  caseId: string;
  patientRef: string;
  study: Study;
  clinicalQuestion: string;
  requester: Requester;
  priority: string;
  dueAt: string | null;
  readsRequired: number;
  priorReport?: PriorReport;
  status: string;
  round: number;
  assignments: Assignment[];
  opinions: Opinion[];
  rounds: Round[];
  consensus?: Consensus;
  outcome?: string;
  closures: Array<{ outcome: string; note?: string }>;
  withdrawal?: { reason: string };
  referenceStandard?: { source: string; findings: Finding[]; recordedBy: string; note?: string };
  referenceStandards: Array<{ source: string; findings: Finding[]; recordedBy: string; note?: string }>;
  slaBreach?: { dueAt: string; detectedAt: string };
}

/** What a reader with a read it has not submitted sees: its own assignment and its read's materials. */
export interface ReadingCaseView {
  visibility: 'reading' | 'blinded';
  caseId: string;
  status: string;
  round: number;
  patientRef: string;
  priority: string;
  dueAt: string | null;
  assignment: Assignment;
  materials: {
    study: Study;
    clinicalQuestion: string;
    priorReport?: PriorReport;
    opinions?: Array<{ opinionId: string; findings: Finding[]; impression: string }>;
    adjudication?: { selectedOpinionId?: string; findings: Finding[]; rationale: string };
  };
}

export type CaseView = FullCaseView | ReadingCaseView;

export interface Actor {
  id: string;
  role?: string;
  /** The person an integrator acted for. */
  onBehalfOf?: string;
}

export interface HistoryEvent {
  eventId: string;
  type: string;
  revision: number;
  data: Record<string, unknown>;
  metadata: { actor?: Actor; correlationId?: string; causationId?: string; hash?: string } & Record<
    string,
    unknown
  >;
  occurredAt: string;
  recordedAt: string;
}

/** The hash chain of the whole stream, as stored now (not only of the events replayed). */
export interface Integrity {
  verified: boolean;
  checked: number;
  lastRevision: number;
  firstBrokenRevision?: number;
  reason?: 'missing-revision' | 'prev-hash-mismatch' | 'hash-mismatch';
}

export interface CaseHistory {
  caseId: string;
  revision: number;
  state: FullCaseView | null;
  events: HistoryEvent[];
  integrity: Integrity;
}
