import type {
  CodeableConcept,
  DiagnosticReport,
  Identifier,
  ImagingStudy,
  Reference,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import type { RequestSecondOpinion } from '../../../application/case/request-second-opinion/request-second-opinion.decide.js';
import type { PriorReport, Requester, Study } from '../../../domain/case/case.events.js';
import type { CasePolicy } from '../../../domain/case/case.policy.js';
import type { Finding } from '../../../domain/case/findings.js';
import type { Priority, RequesterKind } from '../../../domain/case/case.values.js';
import type { FieldError } from '../problem/problem-details.js';
import { ProblemException } from '../problem/problem-exception.js';
import { BODY_REGION_SNOMED, FHIR_SYSTEMS } from './fhir-systems.js';

export type SecondOpinionData = Omit<RequestSecondOpinion['data'], 'caseId'>;

/** Whom a requester reference names, by resource type (docs/fhir.md "ServiceRequest"). */
const REQUESTER_KIND: Readonly<Record<string, RequesterKind>> = {
  Patient: 'patient',
  Practitioner: 'referring-physician',
  PractitionerRole: 'referring-physician',
  Organization: 'insurer',
  RelatedPerson: 'other',
};

/** FHIR request priorities the engine has an SLA for; `asap` has none. */
const PRIORITY: Readonly<Record<string, Priority>> = { routine: 'routine', urgent: 'urgent', stat: 'stat' };

/** The ServiceRequest elements the facade reads; any other one that is present cannot be honoured. */
const MAPPED_ELEMENTS = new Set([
  'resourceType',
  'id',
  'meta',
  'text',
  'contained',
  'identifier',
  'status',
  'intent',
  'category',
  'code',
  'subject',
  'supportingInfo',
  'bodySite',
  'reasonCode',
  'note',
  'priority',
  'requester',
  'authoredOn',
]);

/** The idempotency key of a ServiceRequest: its first identifier with both system and value. */
export function requestIdentifier(resource: ServiceRequest): Identifier | undefined {
  return resource.identifier?.find((identifier) => identifier.system && identifier.value);
}

/** The id a reference names as `<Type>/<id>` (or an absolute URL ending so); undefined otherwise. */
export function referencedId(reference: string | undefined, type: string): string | undefined {
  const match = reference === undefined ? null : new RegExp(`(?:^|/)${type}/([^/]+)$`).exec(reference);
  return match?.[1];
}

const typeOfReference = (reference: Reference): string | undefined =>
  reference.type ?? /(?:^|\/)([A-Z][A-Za-z]+)\/[^/]+$/.exec(reference.reference ?? '')?.[1];

/** The findings a FHIR report lists: its conclusionCode codings of the engine's finding system, present. */
function findingsOf(
  concepts: readonly CodeableConcept[] | undefined,
  path: string,
  errors: FieldError[],
): Finding[] {
  return (concepts ?? []).flatMap((concept, index) => {
    const coding = concept.coding?.find((candidate) => candidate.system === FHIR_SYSTEMS.finding);
    if (!coding?.code) {
      errors.push({
        field: `${path}[${index}]`,
        message: `a finding needs a coding of system ${FHIR_SYSTEMS.finding} (the engine's finding vocabulary)`,
      });
      return [];
    }
    return [{ code: coding.code, presence: 'present' as const }];
  });
}

/**
 * A FHIR ServiceRequest as the RequestSecondOpinion command's data, or a 422 whose errors name
 * each FHIR element that cannot be mapped. What the command's own validation refuses afterwards
 * (a value out of range) is named by FHIR element too (fhirElementOf).
 */
export function secondOpinionFromServiceRequest(body: unknown, policy: CasePolicy): SecondOpinionData {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string): undefined => {
    errors.push({ field, message });
    return undefined;
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw unmappable([{ field: 'ServiceRequest', message: 'the body must be a ServiceRequest resource' }]);
  }
  const resource = body as ServiceRequest;
  if (resource.resourceType !== 'ServiceRequest') {
    throw unmappable([
      { field: 'ServiceRequest.resourceType', message: 'the body must be a ServiceRequest resource' },
    ]);
  }
  for (const element of Object.keys(resource)) {
    if (!MAPPED_ELEMENTS.has(element))
      fail(`ServiceRequest.${element}`, `${element} cannot be mapped to a case`);
  }
  if (!requestIdentifier(resource)) {
    fail(
      'ServiceRequest.identifier',
      'an identifier with system and value is required: it is the idempotency key',
    );
  }
  if (resource.intent !== undefined && !['order', 'original-order'].includes(resource.intent)) {
    fail('ServiceRequest.intent', 'only an order (or original-order) opens a case');
  }
  if (resource.status !== undefined && resource.status !== 'active') {
    fail('ServiceRequest.status', 'only an active request opens a case');
  }

  const contained = new Map<string, Resource>(
    (resource.contained ?? []).flatMap((item) => (item.id ? [[`#${item.id}`, item]] : [])),
  );
  const patientRef = patientRefOf(resource.subject, fail);
  const supporting = (resource.supportingInfo ?? []).map((reference, index) => {
    const item = reference.reference ? contained.get(reference.reference) : undefined;
    if (!item)
      fail(`ServiceRequest.supportingInfo[${index}]`, 'supportingInfo must name a contained resource (#id)');
    return item;
  });
  const studies = supporting.filter((item): item is ImagingStudy => item?.resourceType === 'ImagingStudy');
  const reports = supporting.filter(
    (item): item is DiagnosticReport => item?.resourceType === 'DiagnosticReport',
  );
  supporting.forEach((item, index) => {
    if (item && item.resourceType !== 'ImagingStudy' && item.resourceType !== 'DiagnosticReport') {
      fail(`ServiceRequest.supportingInfo[${index}]`, `a contained ${item.resourceType} cannot be mapped`);
    }
  });
  if (studies.length !== 1) {
    fail('ServiceRequest.supportingInfo', 'name exactly one contained ImagingStudy: the study to read');
  }
  if (reports.length > 1)
    fail('ServiceRequest.supportingInfo', 'name at most one contained DiagnosticReport');
  const study = studies.length === 1 ? studyOf(studies[0]!, resource.bodySite, fail) : undefined;
  const clinicalQuestion = clinicalQuestionOf(resource, fail);
  const priority = resource.priority === undefined ? 'routine' : PRIORITY[resource.priority];
  if (!priority)
    fail('ServiceRequest.priority', `priority ${resource.priority} has no SLA; use routine, urgent or stat`);
  const requester = requesterOf(resource.requester, fail);
  const priorReport = reports.length === 1 ? priorReportOf(reports[0]!, errors) : undefined;
  if (errors.length > 0 || !patientRef || !study || !clinicalQuestion || !priority || !requester) {
    throw unmappable(errors);
  }
  if (!policy.bodyRegions.includes(study.bodyRegion)) {
    throw unmappable([
      { field: 'ImagingStudy.series.bodySite', message: `body region ${study.bodyRegion} is not configured` },
    ]);
  }
  return {
    patientRef,
    study,
    clinicalQuestion,
    requester,
    priority,
    ...(priorReport && { priorReport }),
  };
}

export function unmappable(errors: FieldError[]): ProblemException {
  return new ProblemException(
    422,
    'unmappable-element',
    'The ServiceRequest cannot be mapped to a second-opinion request.',
    { errors },
  );
}

type Fail = (field: string, message: string) => undefined;

function patientRefOf(subject: Reference | undefined, fail: Fail): string | undefined {
  if (!subject) return fail('ServiceRequest.subject', 'the subject (a Patient) is required');
  const type = typeOfReference(subject);
  if (type !== undefined && type !== 'Patient') {
    return fail('ServiceRequest.subject', `the subject must be a Patient, not a ${type}`);
  }
  const ref = subject.identifier?.value ?? referencedId(subject.reference, 'Patient');
  return ref ?? fail('ServiceRequest.subject', 'name the patient as Patient/<ref> or by its identifier');
}

/** `urn:dicom:uid` with `urn:oid:<uid>` (or the bare uid), or a URI identifier `urn:oid:<uid>`. */
export function studyInstanceUidOf(identifiers: readonly Identifier[] | undefined): string | undefined {
  for (const { system, value } of identifiers ?? []) {
    if (value === undefined) continue;
    if (system === FHIR_SYSTEMS.dicomUid) return value.replace(/^urn:oid:/, '');
    if ((system === undefined || system === FHIR_SYSTEMS.rfc3986) && value.startsWith('urn:oid:')) {
      return value.slice('urn:oid:'.length);
    }
  }
  return undefined;
}

/** An engine body region from a bodySite: the engine's code, or a SNOMED CT code of the default list. */
export function bodyRegionOf(concept: CodeableConcept | undefined): string | undefined {
  for (const coding of concept?.coding ?? []) {
    if (coding.system === FHIR_SYSTEMS.bodyRegion && coding.code) return coding.code;
    if (coding.system === FHIR_SYSTEMS.snomed) {
      const region = Object.entries(BODY_REGION_SNOMED).find(([, snomed]) => snomed.code === coding.code);
      if (region) return region[0];
    }
  }
  return undefined;
}

function studyOf(
  study: ImagingStudy,
  fallbackBodySite: CodeableConcept[] | undefined,
  fail: Fail,
): Study | undefined {
  const studyInstanceUid = studyInstanceUidOf(study.identifier);
  if (!studyInstanceUid) {
    fail(
      'ImagingStudy.identifier',
      `the Study Instance UID is required (system ${FHIR_SYSTEMS.dicomUid}, value urn:oid:<uid>)`,
    );
  }
  const modalities = [
    ...(study.modality ?? []),
    ...(study.series ?? []).map((series) => series.modality),
  ].filter((coding) => coding.system === FHIR_SYSTEMS.dicomModality && coding.code);
  const modality = modalities[0]?.code;
  if (!modality)
    fail('ImagingStudy.modality', `a DICOM modality (system ${FHIR_SYSTEMS.dicomModality}) is required`);
  const studyDate = study.started;
  if (!studyDate) fail('ImagingStudy.started', 'when the study was made is required');
  const seriesSites = (study.series ?? []).flatMap((series) => (series.bodySite ? [series.bodySite] : []));
  let bodyRegion: string | undefined;
  if (seriesSites.length > 0) {
    bodyRegion = bodyRegionOf({ coding: seriesSites });
    if (!bodyRegion) fail('ImagingStudy.series.bodySite', 'the body site is not a configured body region');
  } else if (fallbackBodySite && fallbackBodySite.length > 0) {
    bodyRegion = bodyRegionOf(fallbackBodySite[0]);
    if (!bodyRegion) fail('ServiceRequest.bodySite', 'the body site is not a configured body region');
  } else {
    fail(
      'ImagingStudy.series.bodySite',
      'a body site is required (on the series, or ServiceRequest.bodySite)',
    );
  }
  if (!studyInstanceUid || !modality || !studyDate || !bodyRegion) return undefined;
  return { studyInstanceUid, modality: modality as Study['modality'], bodyRegion, studyDate };
}

function clinicalQuestionOf(resource: ServiceRequest, fail: Fail): string | undefined {
  const reasons = (resource.reasonCode ?? []).flatMap((reason) => (reason.text ? [reason.text] : []));
  const notes = (resource.note ?? []).map((note) => note.text);
  const text = (reasons.length > 0 ? reasons : notes).join('\n').trim();
  return text === ''
    ? fail('ServiceRequest.reasonCode', 'the clinical question is required: reasonCode[].text, or note')
    : text;
}

function requesterOf(reference: Reference | undefined, fail: Fail): Requester | undefined {
  if (!reference) return fail('ServiceRequest.requester', 'the requester is required');
  const type = typeOfReference(reference);
  const kind = type === undefined ? undefined : REQUESTER_KIND[type];
  if (!kind) {
    return fail(
      'ServiceRequest.requester',
      `a requester of type ${type ?? '(none)'} cannot be mapped; use Patient, Practitioner, PractitionerRole, Organization or RelatedPerson`,
    );
  }
  const id = reference.identifier?.value ?? referencedId(reference.reference, type!);
  if (!id) return fail('ServiceRequest.requester', 'name the requester by its identifier or as <Type>/<id>');
  if (reference.display !== undefined && kind === 'patient') {
    // A patient is never named in the record: pseudonymous references only.
    return fail(
      'ServiceRequest.requester.display',
      "a patient's name is not recorded; send the identifier only",
    );
  }
  return { kind, id, ...(reference.display !== undefined && { organisation: reference.display }) };
}

function priorReportOf(report: DiagnosticReport, errors: FieldError[]): PriorReport | undefined {
  const performers = report.performer ?? [];
  const author = performers.find((performer) => typeOfReference(performer) !== 'Organization');
  const institution = performers.find((performer) => typeOfReference(performer) === 'Organization');
  const authorId =
    author?.identifier?.value ??
    referencedId(author?.reference, 'Practitioner') ??
    referencedId(author?.reference, 'PractitionerRole');
  if (!authorId) {
    errors.push({
      field: 'DiagnosticReport.performer',
      message: 'the prior report needs its author (a Practitioner)',
    });
  }
  const findings = findingsOf(report.conclusionCode, 'DiagnosticReport.conclusionCode', errors);
  if (!authorId) return undefined;
  return {
    author: authorId,
    ...(institution?.display !== undefined && { institution: institution.display }),
    ...(report.issued !== undefined && { reportedAt: report.issued }),
    findings,
    ...(report.conclusion !== undefined && { impression: report.conclusion }),
  };
}

/** The FHIR element behind a field of the command's data, for the errors its validation names. */
const ELEMENT_OF_FIELD: ReadonlyArray<[RegExp, string]> = [
  [/^patientRef/, 'ServiceRequest.subject'],
  [/^study\.studyInstanceUid/, 'ImagingStudy.identifier'],
  [/^study\.modality/, 'ImagingStudy.modality'],
  [/^study\.bodyRegion/, 'ImagingStudy.series.bodySite'],
  [/^study\.studyDate/, 'ImagingStudy.started'],
  [/^clinicalQuestion/, 'ServiceRequest.reasonCode'],
  [/^requester\.organisation/, 'ServiceRequest.requester.display'],
  [/^requester/, 'ServiceRequest.requester'],
  [/^priority/, 'ServiceRequest.priority'],
  [/^priorReport\.author/, 'DiagnosticReport.performer'],
  [/^priorReport\.institution/, 'DiagnosticReport.performer'],
  [/^priorReport\.reportedAt/, 'DiagnosticReport.issued'],
  [/^priorReport\.findings/, 'DiagnosticReport.conclusionCode'],
  [/^priorReport\.impression/, 'DiagnosticReport.conclusion'],
];

export function fhirElementOf(field: string): string {
  return ELEMENT_OF_FIELD.find(([pattern]) => pattern.test(field))?.[1] ?? 'ServiceRequest';
}

/** Domain refusals of a mapped request, by the FHIR element that carried the refused value. */
export const ELEMENT_OF_DOMAIN_CODE: Readonly<Record<string, string>> = {
  'unknown-body-region': 'ImagingStudy.series.bodySite',
  'invalid-priority': 'ServiceRequest.priority',
  'unknown-finding-code': 'DiagnosticReport.conclusionCode',
  'duplicate-finding-code': 'DiagnosticReport.conclusionCode',
};
