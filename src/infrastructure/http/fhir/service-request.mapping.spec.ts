import { describe, expect, it } from '@jest/globals';
import { defaultCasePolicy } from '../../../domain/case/case.policy.js';
import { ProblemException } from '../problem/problem-exception.js';
import { operationOutcomeOf } from './operation-outcome.js';
import {
  bodyRegionOf,
  secondOpinionFromServiceRequest,
  studyInstanceUidOf,
} from './service-request.mapping.js';

const UID = '1.2.840.113619.2.55.3.1';

const request = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'ServiceRequest',
  identifier: [{ system: 'urn:example:orders', value: 'o-1' }],
  subject: { identifier: { value: 'MRN:00123' } },
  contained: [
    {
      resourceType: 'ImagingStudy',
      id: 's',
      status: 'available',
      subject: { reference: 'Patient/x' },
      identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${UID}` }],
      series: [
        { uid: '1.2', modality: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CR' } },
      ],
      started: '2026-11-18',
    },
  ],
  supportingInfo: [{ reference: '#s' }],
  bodySite: [{ coding: [{ system: 'http://snomed.info/sct', code: '51185008' }] }],
  reasonCode: [{ text: 'Pneumothorax?' }],
  requester: { reference: 'Organization/ins-1', display: 'Mutual' },
  ...overrides,
});

/** The FHIR elements a refused request's 422 names. */
function refusedElements(body: unknown): string[] {
  try {
    secondOpinionFromServiceRequest(body, defaultCasePolicy);
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    expect(error.status).toBe(422);
    return (error.extensions.errors ?? []).map((fieldError) => fieldError.field);
  }
  throw new Error('The request was mapped; it was expected to be refused');
}

describe('ServiceRequest → RequestSecondOpinion', () => {
  it('maps a request that names the patient by identifier, the series modality and the request body site', () => {
    expect(secondOpinionFromServiceRequest(request(), defaultCasePolicy)).toEqual({
      patientRef: 'MRN:00123',
      study: { studyInstanceUid: UID, modality: 'CR', bodyRegion: 'chest', studyDate: '2026-11-18' },
      clinicalQuestion: 'Pneumothorax?',
      requester: { kind: 'insurer', id: 'ins-1', organisation: 'Mutual' },
      priority: 'routine',
    });
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', [], ['ServiceRequest']],
    ['another resource', { resourceType: 'Patient' }, ['ServiceRequest.resourceType']],
    [
      'every missing element at once',
      { resourceType: 'ServiceRequest' },
      [
        'ServiceRequest.identifier',
        'ServiceRequest.subject',
        'ServiceRequest.supportingInfo',
        'ServiceRequest.reasonCode',
        'ServiceRequest.requester',
      ],
    ],
    [
      'a supportingInfo naming nothing contained',
      request({ supportingInfo: [{ reference: '#s' }, { reference: 'ImagingStudy/9' }] }),
      ['ServiceRequest.supportingInfo[1]'],
    ],
    [
      'a modifier extension',
      request({ modifierExtension: [{ url: 'urn:x', valueBoolean: true }] }),
      ['ServiceRequest.modifierExtension'],
    ],
    [
      'a body site of no configured region',
      request({ bodySite: [{ coding: [{ system: 'http://snomed.info/sct', code: '39607008' }] }] }),
      ['ServiceRequest.bodySite'],
    ],
  ])('refuses %s, naming each element', (_, body, elements) => {
    expect(refusedElements(body)).toEqual(elements);
  });

  it.each([
    [[{ system: 'urn:dicom:uid', value: `urn:oid:${UID}` }], UID],
    [[{ system: 'urn:dicom:uid', value: UID }], UID],
    [[{ system: 'urn:ietf:rfc:3986', value: `urn:oid:${UID}` }], UID],
    [[{ value: `urn:oid:${UID}` }], UID],
    [[{ system: 'urn:example:accession', value: 'A-1' }], undefined],
  ])('reads the Study Instance UID of %j as %s', (identifiers, uid) => {
    expect(studyInstanceUidOf(identifiers)).toBe(uid);
  });

  it.each([
    [{ coding: [{ system: 'http://snomed.info/sct', code: '8205005' }] }, 'wrist'],
    [{ coding: [{ system: 'urn:xray-second-opinion:body-region', code: 'mandible' }] }, 'mandible'],
    [{ coding: [{ system: 'http://snomed.info/sct', code: '39607008' }] }, undefined],
    [{ text: 'wrist' }, undefined],
  ])('reads the body region of %j as %s', (concept, region) => {
    expect(bodyRegionOf(concept)).toBe(region);
  });
});

describe('problem → OperationOutcome', () => {
  it.each([
    [401, 'login'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [406, 'not-supported'],
    [415, 'not-supported'],
    [422, 'processing'],
    [429, 'throttled'],
    [500, 'exception'],
    [503, 'transient'],
  ])('answers %s with issue code %s', (status, code) => {
    const outcome = operationOutcomeOf({
      type: '/problems/x',
      title: 'T',
      status,
      detail: 'D.',
      instance: '/fhir/R4',
      code: 'x',
    });
    expect(outcome).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code,
          details: { coding: [{ system: 'urn:xray-second-opinion:problem', code: 'x' }], text: 'T' },
          diagnostics: 'D.',
        },
      ],
    });
  });

  it('gives each field error an issue naming its element', () => {
    const outcome = operationOutcomeOf({
      type: '/problems/unmappable-element',
      title: 'Unmappable element',
      status: 422,
      detail: 'Cannot be mapped.',
      instance: '/fhir/R4/ServiceRequest',
      code: 'unmappable-element',
      errors: [
        { field: 'ServiceRequest.subject', message: 'the subject is required' },
        { field: 'ImagingStudy.started', message: 'the date is required' },
      ],
    });
    expect(outcome.issue.map((issue) => [issue.expression, issue.location, issue.diagnostics])).toEqual([
      [['ServiceRequest.subject'], ['ServiceRequest.subject'], 'Cannot be mapped. the subject is required'],
      [['ImagingStudy.started'], ['ImagingStudy.started'], 'Cannot be mapped. the date is required'],
    ]);
  });
});
