import type {
  Annotation,
  CodeableConcept,
  Device,
  DiagnosticReport,
  Identifier,
  ImagingStudy,
  Observation,
  Organization,
  Patient,
  Practitioner,
  Provenance,
  Reference,
  RelatedPerson,
  Resource,
  ServiceRequest,
  Task,
  TaskOutput,
} from '@medplum/fhirtypes';
import type { CaseView } from '../../../domain/case/case-view.js';
import type {
  CaseEvent,
  PriorReport,
  Requester,
  Signature,
  Study,
} from '../../../domain/case/case.events.js';
import { hasSubmitted } from '../../../domain/case/assignment-ending.js';
import type { Assignment, Case, Consensus } from '../../../domain/case/case.state.js';
import type { Finding } from '../../../domain/case/findings.js';
import type { RequesterKind } from '../../../domain/case/case.values.js';
import { BODY_REGION_SNOMED, FHIR_ID_PATTERN, FHIR_SYSTEMS } from './fhir-systems.js';

/** A reference to `<type>/<id>` when the id is a FHIR id, always with the engine's identifier. */
function actorReference<Target extends Resource>(
  type: Target['resourceType'],
  id: string,
  system: string = FHIR_SYSTEMS.actor,
  display?: string,
): Reference<Target> {
  return {
    ...(FHIR_ID_PATTERN.test(id) && { reference: `${type}/${id}` }),
    type,
    identifier: { system, value: id },
    ...(display !== undefined && { display }),
  };
}

export const patientReference = (patientRef: string): Reference<Patient> =>
  actorReference<Patient>('Patient', patientRef, FHIR_SYSTEMS.patientRef);

const practitioner = (id: string, display?: string): Reference<Practitioner> =>
  actorReference<Practitioner>('Practitioner', id, FHIR_SYSTEMS.actor, display);

const REQUESTER_TYPE: Record<RequesterKind, 'Patient' | 'Practitioner' | 'Organization' | 'RelatedPerson'> = {
  patient: 'Patient',
  'referring-physician': 'Practitioner',
  insurer: 'Organization',
  // The request's own kinds without a FHIR resource of their own.
  'legal-counsel': 'RelatedPerson',
  other: 'RelatedPerson',
};

const concept = (system: string, code: string, display?: string): CodeableConcept => ({
  coding: [{ system, code, ...(display !== undefined && { display }) }],
  text: display ?? code,
});

export function bodySiteOf(bodyRegion: string): CodeableConcept {
  const snomed = BODY_REGION_SNOMED[bodyRegion];
  return {
    coding: [
      { system: FHIR_SYSTEMS.bodyRegion, code: bodyRegion },
      ...(snomed ? [{ system: FHIR_SYSTEMS.snomed, code: snomed.code, display: snomed.display }] : []),
    ],
    text: bodyRegion,
  };
}

function imagingStudyOf(study: Study, patientRef: string): ImagingStudy {
  const bodySite = bodySiteOf(study.bodyRegion).coding!;
  return {
    resourceType: 'ImagingStudy',
    id: 'study',
    status: 'available',
    identifier: [
      { system: FHIR_SYSTEMS.dicomUid, value: `urn:oid:${study.studyInstanceUid}` },
      ...(study.accessionNumber
        ? [
            {
              type: concept('http://terminology.hl7.org/CodeSystem/v2-0203', 'ACSN'),
              value: study.accessionNumber,
            },
          ]
        : []),
    ],
    subject: patientReference(patientRef),
    modality: [{ system: FHIR_SYSTEMS.dicomModality, code: study.modality }],
    started: study.studyDate,
    // The engine knows the study, not its series: one series stands for where it was taken.
    series: [
      {
        uid: study.studyInstanceUid,
        modality: { system: FHIR_SYSTEMS.dicomModality, code: study.modality },
        bodySite: bodySite.find((coding) => coding.system === FHIR_SYSTEMS.snomed) ?? bodySite[0]!,
      },
    ],
  };
}

function findingObservation(id: string, finding: Finding, patientRef: string): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: concept(FHIR_SYSTEMS.finding, finding.code),
    subject: patientReference(patientRef),
    valueCodeableConcept: concept(FHIR_SYSTEMS.presence, finding.presence),
    ...(finding.location !== undefined && { bodySite: { text: finding.location } }),
    ...(finding.laterality !== undefined && {
      note: [{ text: `laterality: ${finding.laterality}` } satisfies Annotation],
    }),
  };
}

/** Present findings, as conclusion codes. */
const conclusionCodes = (findings: readonly Finding[]): CodeableConcept[] =>
  findings
    .filter((finding) => finding.presence === 'present')
    .map((finding) => concept(FHIR_SYSTEMS.finding, finding.code));

function priorReportOf(report: PriorReport, patientRef: string): DiagnosticReport {
  const observations = report.findings.map((finding, index) =>
    findingObservation(`prior-finding-${index + 1}`, finding, patientRef),
  );
  return {
    resourceType: 'DiagnosticReport',
    id: 'prior-report',
    status: 'final',
    code: concept(FHIR_SYSTEMS.loinc, '18748-4', 'Diagnostic imaging study'),
    subject: patientReference(patientRef),
    ...(report.reportedAt !== undefined && { issued: report.reportedAt }),
    performer: [
      practitioner(report.author),
      ...(report.institution !== undefined
        ? [{ type: 'Organization', display: report.institution } satisfies Reference<Organization>]
        : []),
    ],
    ...(report.impression !== undefined && { conclusion: report.impression }),
    conclusionCode: conclusionCodes(report.findings),
    // Contained in the ServiceRequest beside this report: references to them are local to it.
    result: observations.map((observation) => ({ reference: `#${observation.id}` })),
  };
}

function requesterReference(
  requester: Requester,
): Reference<Patient | Practitioner | Organization | RelatedPerson> {
  const type = REQUESTER_TYPE[requester.kind];
  return {
    ...(FHIR_ID_PATTERN.test(requester.id) && { reference: `${type}/${requester.id}` }),
    type,
    identifier: { system: FHIR_SYSTEMS.actor, value: requester.id },
    ...(requester.organisation !== undefined && { display: requester.organisation }),
  };
}

/** The case as the ServiceRequest it was opened by, with what `view` shows of it. */
export function serviceRequestOf(view: CaseView, revision: number): ServiceRequest {
  const full = view.visibility === 'full';
  const study = full ? view.study : view.materials.study;
  const clinicalQuestion = full ? view.clinicalQuestion : view.materials.clinicalQuestion;
  const priorReport = full ? view.priorReport : view.materials.priorReport;
  const contained = [
    imagingStudyOf(study, view.patientRef),
    ...(priorReport ? [priorReportOf(priorReport, view.patientRef)] : []),
    ...(priorReport
      ? priorReport.findings.map((finding, index) =>
          findingObservation(`prior-finding-${index + 1}`, finding, view.patientRef),
        )
      : []),
  ];
  const identifier: Identifier[] = [{ system: FHIR_SYSTEMS.rfc3986, value: `urn:uuid:${view.caseId}` }];
  return {
    resourceType: 'ServiceRequest',
    id: view.caseId,
    meta: { versionId: String(revision) },
    contained,
    identifier,
    status: STATUS_OF_CASE[view.status],
    intent: 'order',
    code: { text: 'Second opinion on an X-ray study' },
    subject: patientReference(view.patientRef),
    priority: view.priority,
    ...(full && { requester: requesterReference(view.requester) }),
    reasonCode: [{ text: clinicalQuestion }],
    bodySite: [bodySiteOf(study.bodyRegion)],
    supportingInfo: [{ reference: '#study' }, ...(priorReport ? [{ reference: '#prior-report' }] : [])],
    ...(view.dueAt !== null && { occurrenceDateTime: view.dueAt }),
  };
}

const STATUS_OF_CASE: Record<CaseView['status'], NonNullable<ServiceRequest['status']>> = {
  requested: 'active',
  'in-review': 'active',
  'awaiting-adjudication': 'active',
  'awaiting-panel': 'active',
  consensus: 'completed',
  closed: 'completed',
  withdrawn: 'revoked',
};

function taskStatus(state: Case, assignment: Assignment): Task['status'] {
  if (hasSubmitted(state, assignment)) return 'completed';
  if (assignment.status !== 'open') return 'cancelled';
  return assignment.readStarted ? 'in-progress' : 'ready';
}

const findingOutputs = (findings: readonly Finding[]): TaskOutput[] =>
  findings.map((finding) => ({
    type: concept(FHIR_SYSTEMS.finding, finding.code),
    valueCodeableConcept: concept(FHIR_SYSTEMS.presence, finding.presence),
  }));

/** What the assignment's reader submitted: its opinion, or the round's adjudication. */
function taskOutputs(state: Case, assignment: Assignment): TaskOutput[] {
  if (assignment.opinionId !== undefined) {
    const opinion = state.opinions.get(assignment.opinionId);
    if (!opinion) return [];
    return [
      ...findingOutputs(opinion.findings),
      { type: { text: 'impression' }, valueString: opinion.impression },
      { type: { text: 'confidence' }, valueDecimal: opinion.confidence },
    ];
  }
  const adjudication = state.rounds[assignment.round - 1]?.adjudication;
  if (assignment.role === 'adjudicator' && adjudication?.adjudicatorId === assignment.readerId) {
    return [
      ...findingOutputs(adjudication.findings),
      { type: { text: 'rationale' }, valueString: adjudication.rationale },
    ];
  }
  return [];
}

/** One reader assignment as a Task: the read it asks for, and what was submitted. */
export function taskOf(state: Case, assignment: Assignment): Task {
  const outputs = taskOutputs(state, assignment);
  return {
    resourceType: 'Task',
    id: assignment.assignmentId,
    status: taskStatus(state, assignment),
    ...(assignment.status === 'unassigned' &&
      assignment.unassignReason !== undefined && {
        statusReason: { text: assignment.unassignReason },
      }),
    ...(assignment.status === 'ended' &&
      assignment.endReason !== undefined && {
        statusReason: { text: assignment.endReason },
      }),
    intent: 'order',
    code: concept(FHIR_SYSTEMS.readerRole, assignment.role, `${assignment.role} read`),
    description: `Round ${assignment.round}, ${assignment.blinded ? 'blinded' : 'unblinded'} ${assignment.role} read`,
    basedOn: [{ reference: `ServiceRequest/${state.caseId}` }],
    focus: { reference: `ServiceRequest/${state.caseId}` },
    for: patientReference(state.request.patientRef),
    owner: practitioner(assignment.readerId),
    ...(outputs.length > 0 && { output: outputs }),
  };
}

/** The consensus of a round and when it was recorded: one version of the consensus report. */
export interface ConsensusVersion {
  consensus: Consensus;
  recordedAt: string;
}

/**
 * The consensus report of a case: its id is the case id, each consensus a version. The first one
 * is `final`; a later round's consensus (after a reopening) `amends` it.
 */
export function diagnosticReportOf(
  state: Case,
  versions: readonly ConsensusVersion[],
  version = versions.length,
): DiagnosticReport {
  const { consensus, recordedAt } = versions[version - 1]!;
  const patientRef = state.request.patientRef;
  const observations = consensus.findings.map((finding, index) =>
    findingObservation(`finding-${index + 1}`, finding, patientRef),
  );
  const readers = [
    ...new Set(
      consensus.basedOn.flatMap((opinionId) => {
        const opinion = state.opinions.get(opinionId);
        return opinion ? [opinion.readerId] : [];
      }),
    ),
  ];
  return {
    resourceType: 'DiagnosticReport',
    id: state.caseId,
    meta: { versionId: String(version), lastUpdated: recordedAt },
    contained: observations,
    status: version === 1 ? 'final' : 'amended',
    category: [concept(FHIR_SYSTEMS.diagnosticServiceSection, 'RAD', 'Radiology')],
    code: concept(FHIR_SYSTEMS.loinc, '18748-4', 'Diagnostic imaging study'),
    basedOn: [{ reference: `ServiceRequest/${state.caseId}` }],
    subject: patientReference(patientRef),
    issued: recordedAt,
    ...(readers.length > 0 && { resultsInterpreter: readers.map((readerId) => practitioner(readerId)) }),
    result: observations.map((observation) => ({ reference: `#${observation.id}` })),
    ...(consensus.impression !== undefined && { conclusion: consensus.impression }),
    conclusionCode: conclusionCodes(consensus.findings),
  };
}

/** ASTM E1762-95 signature types, by the meaning the engine records. */
const SIGNATURE_TYPE: Record<Signature['meaning'], { code: string; display: string }> = {
  authorship: { code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" },
  approval: { code: '1.2.840.10065.1.12.1.5', display: 'Verification Signature' },
};

/** A signed event of the case stream: who signed it and which assignment it belongs to. */
export interface SignedEvent {
  eventId: string;
  event: CaseEvent;
  recordedAt: string;
  occurredAt: string;
}

/** The signer and assignment of an event that carries a signature; undefined for any other event. */
export function signedBy(
  state: Case,
  event: CaseEvent,
): { signature: Signature; readerId: string; assignmentId?: string } | undefined {
  switch (event.type) {
    case 'OpinionSubmitted':
    case 'PriorReportReviewed':
      return {
        signature: event.data.signature,
        readerId: event.data.readerId,
        assignmentId: event.data.assignmentId,
      };
    case 'AdjudicationDecided': {
      const assignment = [...state.assignments.values()].find(
        (candidate) =>
          candidate.role === 'adjudicator' &&
          candidate.readerId === event.data.adjudicatorId &&
          candidate.status !== 'unassigned',
      );
      return {
        signature: event.data.signature,
        readerId: event.data.adjudicatorId,
        assignmentId: assignment?.assignmentId,
      };
    }
    case 'AddendumAppended': {
      const opinion = state.opinions.get(event.data.opinionId);
      return opinion
        ? { signature: event.data.signature, readerId: opinion.readerId, assignmentId: opinion.assignmentId }
        : undefined;
    }
    default:
      return undefined;
  }
}

/** The electronic signature a signed event records, with what it signed. */
export function provenanceOf(state: Case, signed: SignedEvent): Provenance | undefined {
  const signer = signedBy(state, signed.event);
  if (!signer) return undefined;
  const { signature, readerId, assignmentId } = signer;
  const signerReference = practitioner(readerId, signature.signerName);
  const agentReference = signature.agent
    ? actorReference<Device>('Device', signature.agent.id, FHIR_SYSTEMS.actor, signature.agent.name)
    : undefined;
  const type = SIGNATURE_TYPE[signature.meaning];
  return {
    resourceType: 'Provenance',
    id: signed.eventId,
    target: [
      ...(assignmentId ? [{ reference: `Task/${assignmentId}` }] : []),
      { reference: `ServiceRequest/${state.caseId}` },
    ],
    occurredDateTime: signed.occurredAt,
    recorded: signed.recordedAt,
    reason: [{ text: signed.event.type }],
    activity: concept(
      FHIR_SYSTEMS.provenanceActivity,
      signed.event.type === 'AddendumAppended' ? 'UPDATE' : 'CREATE',
    ),
    agent: [
      {
        type: concept(
          FHIR_SYSTEMS.provenanceAgentType,
          signature.meaning === 'approval' ? 'verifier' : 'author',
        ),
        who: signerReference,
      },
      ...(agentReference
        ? [
            {
              type: concept(FHIR_SYSTEMS.provenanceAgentType, 'enterer'),
              who: agentReference,
              onBehalfOf: signerReference,
            },
          ]
        : []),
    ],
    signature: [
      {
        type: [{ system: FHIR_SYSTEMS.signatureType, code: type.code, display: type.display }],
        when: signature.signedAt,
        who: signerReference,
        ...(agentReference && { onBehalfOf: signerReference, who: agentReference }),
      },
    ],
  };
}
