import { PATIENT_REF_PATTERN } from '../../../domain/kernel/identifiers.js';
import { CASE_STATUSES, OUTCOMES, PRIORITIES, REQUESTER_KINDS } from '../../../domain/case/case.values.js';
import type { CaseStatus, Outcome, Priority, RequesterKind } from '../../../domain/case/case.values.js';
import { isUuid } from '../../../domain/kernel/identifiers.js';
import type { WorklistFilter } from '../../../projections/worklist/worklist.query.js';
import {
  ActorIdParameter,
  BooleanParameter,
  CursorParameter,
  EndOfDayParameter,
  LimitParameter,
  NotBefore,
  OneOfParameter,
  PatternParameter,
  StartOfDayParameter,
} from '../validation/query.validators.js';

type WorklistPosition = NonNullable<WorklistFilter['after']>;

/** The request body's patientRef shape. */
/** A DICOM UID: dotted numbers without leading zeros, at most 64 characters. */
const STUDY_UID = /^(?=.{1,64}$)(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;

const toIso = (instant: Date): string => instant.toISOString();

/** Opaque and URL-safe: base64url of the last row's (requestedAt, caseId). */
export function encodeWorklistCursor(after: WorklistPosition): string {
  return Buffer.from(`${after.requestedAt}|${after.caseId}`, 'utf8').toString('base64url');
}

export function decodeWorklistCursor(cursor: string): WorklistPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|(.+)$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!match || !Number.isFinite(Date.parse(match[1]!)) || !isUuid(match[2])) return undefined;
  return { requestedAt: match[1]!, caseId: match[2]! };
}

/** `GET /api/v1/cases`: the worklist's filters and page. */
export class WorklistQueryDto {
  @OneOfParameter(CASE_STATUSES)
  status?: CaseStatus;

  @OneOfParameter(PRIORITIES)
  priority?: Priority;

  @ActorIdParameter({ description: 'Cases this reader is assigned to' })
  readerId?: string;

  @BooleanParameter({ description: 'Only cases past (true) or within (false) their due time' })
  overdue?: boolean;

  @PatternParameter(PATIENT_REF_PATTERN, `a patient reference (${PATIENT_REF_PATTERN.source})`, {
    example: 'pt-3f9a',
    description: 'Cases of this pseudonymous patient reference (personal data: never logged)',
  })
  patientRef?: string;

  @PatternParameter(STUDY_UID, 'a DICOM UID (digits and dots, at most 64 characters)', {
    example: '1.2.840.113619.2.55.3.7',
    description: 'Cases of this study (studyInstanceUid)',
  })
  studyInstanceUid?: string;

  @ActorIdParameter({
    example: 'req-77',
    description: 'Cases this requester asked for (never matches a case the caller reads blinded)',
  })
  requesterId?: string;

  @OneOfParameter(REQUESTER_KINDS, {
    description: 'Cases requested by this kind of requester (never matches a case the caller reads blinded)',
  })
  requesterKind?: RequesterKind;

  @StartOfDayParameter({ description: 'Requested at or after' }, toIso)
  requestedFrom?: string;

  @EndOfDayParameter({ description: 'Requested at or before' }, toIso)
  @NotBefore('requestedFrom')
  requestedTo?: string;

  @OneOfParameter(OUTCOMES, {
    description: 'Cases whose consensus came to this outcome (never matches a case the caller reads blinded)',
  })
  outcome?: Outcome;

  @LimitParameter()
  limit?: number;

  @CursorParameter(decodeWorklistCursor)
  cursor?: WorklistPosition;
}
