/**
 * The code systems and identifier systems of the FHIR facade. Standard ones where they exist;
 * the engine's own vocabularies (findings, presence, body regions, problem codes) under `urn:` URIs
 * of the engine, listed with their codes in docs/fhir.md.
 */
export const FHIR_SYSTEMS = {
  dicomModality: 'http://dicom.nema.org/resources/ontology/DCM',
  dicomUid: 'urn:dicom:uid',
  rfc3986: 'urn:ietf:rfc:3986',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  /** The finding codes of the configured vocabulary (case policy `findingVocabulary`). */
  finding: 'urn:xray-second-opinion:finding',
  /** present | absent | uncertain. */
  presence: 'urn:xray-second-opinion:presence',
  /** The configured body regions (case policy `bodyRegions`). */
  bodyRegion: 'urn:xray-second-opinion:body-region',
  /** left | right | bilateral. */
  laterality: 'urn:xray-second-opinion:laterality',
  /** Pseudonymous patient references, as the requesting system knows them. */
  patientRef: 'urn:xray-second-opinion:patient-ref',
  /** Actor ids (readers, requesters, integrators): a token's `sub`. */
  actor: 'urn:xray-second-opinion:actor',
  /** Reader roles of an assignment: primary | adjudicator | panelist. */
  readerRole: 'urn:xray-second-opinion:reader-role',
  /** Event types of the audit trail (docs/events.md). */
  eventType: 'urn:xray-second-opinion:event-type',
  /** The problem codes of docs/api.md, in OperationOutcome.issue.details. */
  problem: 'urn:xray-second-opinion:problem',
  /** Signature meanings: authorship | approval. */
  signatureMeaning: 'urn:xray-second-opinion:signature-meaning',
  /** FHIR's signature types (ASTM E1762-95). */
  signatureType: 'urn:iso-astm:E1762-95:2013',
  provenanceActivity: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation',
  provenanceAgentType: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
  auditEventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  diagnosticServiceSection: 'http://terminology.hl7.org/CodeSystem/v2-0074',
} as const;

/** SNOMED CT body structures for the default body regions; a site's own regions have none. */
export const BODY_REGION_SNOMED: Readonly<Record<string, { code: string; display: string }>> = {
  skull: { code: '89546000', display: 'Bone structure of skull' },
  'spine-cervical': { code: '122494005', display: 'Cervical spine structure' },
  'spine-thoracic': { code: '122495006', display: 'Thoracic spine structure' },
  'spine-lumbar': { code: '122496007', display: 'Lumbar spine structure' },
  chest: { code: '51185008', display: 'Thoracic structure' },
  abdomen: { code: '113345001', display: 'Abdominal structure' },
  pelvis: { code: '12921003', display: 'Pelvic structure' },
  shoulder: { code: '16982005', display: 'Shoulder region structure' },
  humerus: { code: '85050009', display: 'Bone structure of humerus' },
  elbow: { code: '127949000', display: 'Elbow region structure' },
  forearm: { code: '14975008', display: 'Forearm structure' },
  wrist: { code: '8205005', display: 'Wrist region structure' },
  hand: { code: '85562004', display: 'Hand structure' },
  hip: { code: '29836001', display: 'Hip region structure' },
  femur: { code: '71341001', display: 'Bone structure of femur' },
  knee: { code: '72696002', display: 'Knee region structure' },
  'tibia-fibula': { code: '30021000', display: 'Lower leg structure' },
  ankle: { code: '344001', display: 'Ankle region structure' },
  foot: { code: '56459004', display: 'Foot structure' },
};

/** A FHIR resource id: what a reference may name (`Patient/<id>`). */
export const FHIR_ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
