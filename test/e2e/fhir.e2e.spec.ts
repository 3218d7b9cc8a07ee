import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type {
  AuditEvent,
  Bundle,
  CapabilityStatement,
  DiagnosticReport,
  OperationOutcome,
  Provenance,
  Resource,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import {
  ApiClient,
  type Caller,
  COORDINATOR,
  INTEGRATOR,
  MEDICO_LEGAL,
  QUALITY,
  radiologist,
} from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';
import {
  expectValidFhir,
  type FhirTestClient,
  fhirClient,
  fhirFailure,
  fhirFetch,
  responseOf,
} from '../support/fhir.js';
import { waitFor } from '../support/wait-for.js';

type Json = Record<string, unknown>;

const ORDER_SYSTEM = 'urn:oid:2.16.840.1.113883.19.5.1';
const STUDY_UID = '1.2.840.113619.2.55.3.604688119.969.1';
const SNOMED = 'http://snomed.info/sct';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const FINDING = 'urn:xray-second-opinion:finding';

/** A ServiceRequest as a RIS would send it: a wrist study, an urgent question, a prior report. */
function serviceRequest(overrides: Json = {}, study: Json = {}, report: Json | null = {}): Json {
  return {
    resourceType: 'ServiceRequest',
    identifier: [{ system: ORDER_SYSTEM, value: randomUUID() }],
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/pt-fhir-1' },
    contained: [
      {
        resourceType: 'ImagingStudy',
        id: 'study',
        status: 'available',
        subject: { reference: 'Patient/pt-fhir-1' },
        identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${STUDY_UID}` }],
        modality: [{ system: DCM, code: 'DX' }],
        started: '2026-11-18T10:00:00Z',
        series: [
          {
            uid: `${STUDY_UID}.1`,
            modality: { system: DCM, code: 'DX' },
            bodySite: { system: SNOMED, code: '8205005', display: 'Wrist region structure' },
          },
        ],
        ...study,
      },
      ...(report === null
        ? []
        : [
            {
              resourceType: 'DiagnosticReport',
              id: 'prior',
              status: 'final',
              code: { text: 'X-ray wrist' },
              performer: [
                { reference: 'Practitioner/rad-ext-9' },
                { reference: 'Organization/st-elsewhere', display: 'St. Elsewhere Hospital' },
              ],
              issued: '2026-11-18T14:02:00Z',
              conclusion: 'Fracture of the scaphoid.',
              conclusionCode: [{ coding: [{ system: FINDING, code: 'fracture' }] }],
              ...report,
            },
          ]),
    ],
    supportingInfo: [{ reference: '#study' }, ...(report === null ? [] : [{ reference: '#prior' }])],
    reasonCode: [{ text: 'Scaphoid fracture? Persistent pain after a fall.' }],
    priority: 'urgent',
    requester: { reference: 'Practitioner/dr-ref-1', display: 'Elsewhere Clinic' },
    ...overrides,
  };
}

const issuesOf = (outcome: Resource) => (outcome as OperationOutcome).issue;
const entriesOf = <Type extends Resource>(bundle: Bundle): Type[] =>
  (bundle.entry ?? []).map((entry) => entry.resource as Type);

describe('FHIR R4 facade', () => {
  let running: RunningApp;
  let api: ApiClient;
  const steps = caseSteps(() => api);
  const clients = new Map<string, FhirTestClient>();
  const client = async (caller: Caller): Promise<FhirTestClient> => {
    let found = clients.get(caller.sub);
    if (!found) clients.set(caller.sub, (found = await fhirClient(running.baseUrl, caller)));
    return found;
  };

  /** Creates through the facade; the answer validated, with its status and headers. */
  async function create(body: Json, as: Caller = INTEGRATOR) {
    expectValidFhir(body);
    const resource = (await (await client(as)).create(body)) as ServiceRequest;
    expectValidFhir(resource);
    const response = responseOf(resource);
    return { resource, status: response.status, headers: response.headers };
  }

  /** The case as the REST API shows it to a coordinator. */
  async function restCase(caseId: string): Promise<Json> {
    const response = await api.get(`/api/v1/cases/${caseId}`, COORDINATOR);
    expect(response.status).toBe(200);
    return response.body;
  }

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => running.close());

  it('serves its CapabilityStatement without a token', async () => {
    const statement = (await (
      await fhirClient(running.baseUrl)
    ).capabilityStatement()) as CapabilityStatement;
    expectValidFhir(statement);
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      kind: 'instance',
    });
    expect(statement.rest![0]!.resource!.map((resource) => resource.type)).toEqual([
      'ServiceRequest',
      'Task',
      'DiagnosticReport',
      'Provenance',
      'AuditEvent',
    ]);
  });

  it('creates a case from a ServiceRequest, mapping every element', async () => {
    const { resource, status, headers } = await create(serviceRequest());
    expect(status).toBe(201);
    expect(headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(headers.get('location')).toBe(`/fhir/R4/ServiceRequest/${resource.id}/_history/0`);
    expect(await restCase(resource.id!)).toMatchObject({
      caseId: resource.id,
      patientRef: 'pt-fhir-1',
      study: {
        studyInstanceUid: STUDY_UID,
        modality: 'DX',
        bodyRegion: 'wrist',
        studyDate: '2026-11-18T10:00:00Z',
      },
      clinicalQuestion: 'Scaphoid fracture? Persistent pain after a fall.',
      requester: { kind: 'referring-physician', id: 'dr-ref-1', organisation: 'Elsewhere Clinic' },
      priority: 'urgent',
      // From the case policy: a FHIR request does not say.
      readsRequired: 2,
      priorReport: {
        author: 'rad-ext-9',
        institution: 'St. Elsewhere Hospital',
        reportedAt: '2026-11-18T14:02:00Z',
        findings: [{ code: 'fracture', presence: 'present' }],
        impression: 'Fracture of the scaphoid.',
      },
    });
    expect(resource).toMatchObject({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      priority: 'urgent',
      subject: { reference: 'Patient/pt-fhir-1' },
      reasonCode: [{ text: 'Scaphoid fracture? Persistent pain after a fall.' }],
      requester: { reference: 'Practitioner/dr-ref-1', display: 'Elsewhere Clinic' },
    });
    const read = (await (
      await client(COORDINATOR)
    ).read<ServiceRequest>('ServiceRequest', resource.id!)) as ServiceRequest;
    expectValidFhir(read);
    expect(read).toEqual(resource);
  });

  it('answers the same case for the same identifier, and opens no second one', async () => {
    const body = serviceRequest();
    const first = await create(body);
    const again = await create(body);
    // Another body under the same identifier still names the first case: the identifier is the key.
    const changed = await create({ ...body, priority: 'stat' });
    expect([first.status, again.status, changed.status]).toEqual([201, 200, 200]);
    expect(again.resource).toEqual(first.resource);
    expect(changed.resource).toEqual(first.resource);
    const { events } = await steps.history(first.resource.id!);
    expect(events.map((event) => event.type)).toEqual(['SecondOpinionRequested']);
  });

  it.each([
    ['Patient', { reference: 'Patient/pt-fhir-1' }, { kind: 'patient', id: 'pt-fhir-1' }],
    [
      'Practitioner',
      { reference: 'Practitioner/dr-7', display: 'Elsewhere Clinic' },
      { kind: 'referring-physician', id: 'dr-7', organisation: 'Elsewhere Clinic' },
    ],
    [
      'PractitionerRole',
      { type: 'PractitionerRole', identifier: { system: 'urn:example:staff', value: 'role-12' } },
      { kind: 'referring-physician', id: 'role-12' },
    ],
    [
      'Organization',
      { reference: 'Organization/ins-3', display: 'Mutual Insurance' },
      { kind: 'insurer', id: 'ins-3', organisation: 'Mutual Insurance' },
    ],
    ['RelatedPerson', { reference: 'RelatedPerson/rp-5' }, { kind: 'other', id: 'rp-5' }],
  ])("maps a %s requester to the request's requester", async (_, requester, expected) => {
    const { resource } = await create(serviceRequest({ requester }));
    expect((await restCase(resource.id!)).requester).toEqual(expected);
  });

  it.each([
    ['urn:dicom:uid with urn:oid:', [{ system: 'urn:dicom:uid', value: `urn:oid:${STUDY_UID}` }]],
    ['urn:dicom:uid with the bare UID', [{ system: 'urn:dicom:uid', value: STUDY_UID }]],
    ['a URI identifier urn:oid:', [{ system: 'urn:ietf:rfc:3986', value: `urn:oid:${STUDY_UID}` }]],
    ['urn:oid: without a system', [{ value: `urn:oid:${STUDY_UID}` }]],
  ])('reads the Study Instance UID from %s', async (_, identifier) => {
    const { resource } = await create(serviceRequest({}, { identifier }));
    expect((await restCase(resource.id!)).study).toMatchObject({ studyInstanceUid: STUDY_UID });
  });

  it.each([
    ['a SNOMED CT code', { coding: [{ system: SNOMED, code: '72696002' }] }, 'knee'],
    [
      "the engine's own code",
      { coding: [{ system: 'urn:xray-second-opinion:body-region', code: 'ankle' }] },
      'ankle',
    ],
  ])(
    'takes the body region from ServiceRequest.bodySite (%s) when the series has none',
    async (_, bodySite, region) => {
      const series = [{ uid: `${STUDY_UID}.1`, modality: { system: DCM, code: 'DX' } }];
      const { resource } = await create(serviceRequest({ bodySite: [bodySite] }, { series }));
      expect((await restCase(resource.id!)).study).toMatchObject({ bodyRegion: region });
    },
  );

  it('takes the clinical question from note when there is no reasonCode', async () => {
    const body = serviceRequest({ note: [{ text: 'Pain after a fall.' }, { text: 'Scaphoid?' }] });
    delete body.reasonCode;
    const { resource } = await create(body);
    expect((await restCase(resource.id!)).clinicalQuestion).toBe('Pain after a fall.\nScaphoid?');
  });

  it.each([
    ['routine', 'routine'],
    ['urgent', 'urgent'],
    ['stat', 'stat'],
    [undefined, 'routine'],
  ])('maps priority %s to %s', async (priority, expected) => {
    const body = serviceRequest({ priority });
    if (priority === undefined) delete body.priority;
    const { resource } = await create(body);
    expect((await restCase(resource.id!)).priority).toBe(expected);
    expect(resource.priority).toBe(expected);
  });

  it('opens a case without a prior report when none is contained', async () => {
    const { resource } = await create(serviceRequest({}, {}, null));
    expect((await restCase(resource.id!)).priorReport).toBeUndefined();
    expect(resource.contained!.map((contained) => contained.resourceType)).toEqual(['ImagingStudy']);
  });

  it.each<[string, Json, string]>([
    ['no identifier', { identifier: undefined }, 'ServiceRequest.identifier'],
    ['no subject', { subject: undefined }, 'ServiceRequest.subject'],
    ['a Group as subject', { subject: { reference: 'Group/g1' } }, 'ServiceRequest.subject'],
    ['no ImagingStudy', { supportingInfo: [{ reference: '#prior' }] }, 'ServiceRequest.supportingInfo'],
    [
      'an element the case has no place for',
      { quantityQuantity: { value: 2 } },
      'ServiceRequest.quantityQuantity',
    ],
    ['priority asap (no SLA)', { priority: 'asap' }, 'ServiceRequest.priority'],
    ['a Device as requester', { requester: { reference: 'Device/d1' } }, 'ServiceRequest.requester'],
    [
      "a patient requester's name",
      { requester: { reference: 'Patient/p1', display: 'Jane Doe' } },
      'ServiceRequest.requester.display',
    ],
    [
      'neither reasonCode text nor note',
      { reasonCode: [{ coding: [{ system: SNOMED, code: '125605004' }] }] },
      'ServiceRequest.reasonCode',
    ],
    ['a draft', { status: 'draft' }, 'ServiceRequest.status'],
    [
      'a text too long for a clinical question',
      { reasonCode: [{ text: 'x'.repeat(4001) }] },
      'ServiceRequest.reasonCode',
    ],
  ])('refuses a ServiceRequest with %s: 422 naming the element', async (_, overrides, element) => {
    const body = serviceRequest(overrides);
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete body[key];
    const { status, outcome } = await fhirFailure((await client(INTEGRATOR)).create(body));
    expect(status).toBe(422);
    expect(issuesOf(outcome).flatMap((issue) => issue.expression ?? [])).toContain(element);
  });

  it.each<[string, Json, Json | null, string]>([
    [
      'a study without its UID',
      { identifier: [{ system: 'urn:example:x', value: '1' }] },
      {},
      'ImagingStudy.identifier',
    ],
    ['a CT study', { modality: [{ system: DCM, code: 'CT' }] }, {}, 'ImagingStudy.modality'],
    ['a study without its date', { started: undefined }, {}, 'ImagingStudy.started'],
    [
      'a body site outside the configured regions',
      {
        series: [
          {
            uid: '1.2',
            modality: { system: DCM, code: 'DX' },
            bodySite: { system: SNOMED, code: '39607008' },
          },
        ],
      },
      {},
      'ImagingStudy.series.bodySite',
    ],
    [
      'a prior finding outside the vocabulary',
      {},
      { conclusionCode: [{ coding: [{ system: FINDING, code: 'scaphoid-sclerosis' }] }] },
      'DiagnosticReport.conclusionCode',
    ],
    [
      'a prior finding of another code system',
      {},
      { conclusionCode: [{ coding: [{ system: SNOMED, code: '125605004' }] }] },
      'DiagnosticReport.conclusionCode[0]',
    ],
    ['a prior report without its author', {}, { performer: undefined }, 'DiagnosticReport.performer'],
  ])('refuses %s: 422 naming the contained element', async (_, study, report, element) => {
    const body = serviceRequest({}, study, report);
    for (const contained of body.contained as Json[]) {
      for (const [key, value] of Object.entries(contained)) if (value === undefined) delete contained[key];
    }
    const { status, outcome } = await fhirFailure((await client(INTEGRATOR)).create(body));
    expect(status).toBe(422);
    expect(issuesOf(outcome).flatMap((issue) => issue.expression ?? [])).toContain(element);
  });

  it('writes nothing for a refused ServiceRequest: the same identifier then opens its case', async () => {
    const body = serviceRequest({ priority: 'asap' });
    await fhirFailure((await client(INTEGRATOR)).create(body));
    const { status } = await create({ ...body, priority: 'stat' });
    expect(status).toBe(201);
  });

  it('takes authoredOn as when the request occurred, from integrators only', async () => {
    const { resource } = await create(serviceRequest({ authoredOn: '2026-01-05T08:00:00Z' }));
    const { events } = await steps.history(resource.id!);
    expect(events[0]!.occurredAt).toBe('2026-01-05T08:00:00.000Z');
    // Imported history: no SLA, so no due time.
    expect(resource.occurrenceDateTime).toBeUndefined();
    const { status, outcome } = await fhirFailure(
      (await client(COORDINATOR)).create(serviceRequest({ authoredOn: '2026-01-05T08:00:00Z' })),
    );
    expect(status).toBe(422);
    expect(issuesOf(outcome)[0]!.expression).toEqual(['ServiceRequest.authoredOn']);
  });

  describe('a case read through Task, DiagnosticReport and Provenance', () => {
    let caseId: string;
    let assignmentA: string;
    let assignmentB: string;
    const RAD_A = radiologist('fhir-rad-a');
    const RAD_B = radiologist('fhir-rad-b');

    /** Waits until the worklist projection knows the assignment (Task by id and search by owner read it). */
    const taskOnceProjected = (id: string, as: Caller) =>
      waitFor(`Task ${id} in the worklist`, async () => {
        try {
          return (await (await client(as)).read<Task>('Task', id)) as Task;
        } catch (error) {
          if ((error as { response?: { status: number } }).response?.status === 404) return undefined;
          throw error;
        }
      });

    const search = async <Type extends Resource>(
      as: Caller,
      resourceType: string,
      searchParams: Record<string, string>,
    ) => {
      const bundle = (await (await client(as)).search(resourceType, searchParams)) as Bundle;
      expectValidFhir(bundle);
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      return entriesOf<Type>(bundle);
    };

    // Without a prior report: the primaries' opinions alone decide the consensus.
    beforeAll(async () => {
      ({
        resource: { id: caseId },
      } = (await create(serviceRequest({}, {}, null))) as { resource: { id: string } });
      assignmentA = await steps.assign(caseId, RAD_A.sub);
      assignmentB = await steps.assign(caseId, RAD_B.sub);
      await steps.startRead(caseId, assignmentA, RAD_A);
      await steps.submitOpinion(caseId, assignmentA, RAD_A);
    });

    it('answers one Task per reader assignment, with what the reader submitted', async () => {
      const tasks = await search<Task>(QUALITY, 'Task', { 'based-on': `ServiceRequest/${caseId}` });
      expect(tasks.map((task) => [task.id, task.status, task.owner?.reference])).toEqual([
        [assignmentA, 'completed', `Practitioner/${RAD_A.sub}`],
        [assignmentB, 'ready', `Practitioner/${RAD_B.sub}`],
      ]);
      expect(tasks[0]).toMatchObject({
        basedOn: [{ reference: `ServiceRequest/${caseId}` }],
        for: { reference: 'Patient/pt-fhir-1' },
        output: expect.arrayContaining([
          {
            type: { coding: [{ system: FINDING, code: 'fracture' }], text: 'fracture' },
            valueCodeableConcept: {
              coding: [{ system: 'urn:xray-second-opinion:presence', code: 'present' }],
              text: 'present',
            },
          },
          { type: { text: 'impression' }, valueString: `Impression for assignment ${assignmentA}` },
        ]),
      });
      expect(tasks[1]!.output).toBeUndefined();
      const read = await taskOnceProjected(assignmentA, QUALITY);
      expectValidFhir(read);
      expect(read).toEqual(tasks[0]);
      // By owner: the worklist projection finds the reader's cases (it may lag the command a moment).
      const owned = await waitFor('the Task of the second reader by owner', async () => {
        const found = await search<Task>(COORDINATOR, 'Task', { owner: `Practitioner/${RAD_B.sub}` });
        return found.length > 0 ? found : undefined;
      });
      expect(owned.map((task) => task.id)).toEqual([assignmentB]);
    });

    it("hides the other reader's Task, its output and its signature from a reader still reading blinded", async () => {
      await taskOnceProjected(assignmentB, QUALITY);
      const mine = await search<Task>(RAD_B, 'Task', { 'based-on': `ServiceRequest/${caseId}` });
      expect(mine.map((task) => task.id)).toEqual([assignmentB]);
      const refused = await fhirFailure((await client(RAD_B)).read<Task>('Task', assignmentA));
      expect(refused.status).toBe(403);
      expect(issuesOf(refused.outcome)[0]).toMatchObject({
        code: 'forbidden',
        details: { coding: [{ code: 'not-your-assignment' }] },
      });
      expect(await search(RAD_B, 'Provenance', { target: `ServiceRequest/${caseId}` })).toEqual([]);
      expect(await search(RAD_B, 'Provenance', { target: `Task/${assignmentA}` })).toEqual([]);
      // A radiologist not on the case sees nothing of it.
      const stranger = await fhirFailure(
        (await client(radiologist('fhir-rad-x'))).read<ServiceRequest>('ServiceRequest', caseId),
      );
      expect(stranger.status).toBe(403);
      // The refused attempt is in the case's access log, as one on the REST API would be.
      await waitFor('the refused attempt in the access log', async () => {
        const log = await api.get<{ items: Json[] }>(`/api/v1/access-log?caseId=${caseId}`, QUALITY);
        return log.body.items.find(
          (item) =>
            item.actorId === 'fhir-rad-x' &&
            item.status === 403 &&
            item.problemCode === 'not-your-assignment',
        );
      });
      expect(
        await search(radiologist('fhir-rad-x'), 'Task', { 'based-on': `ServiceRequest/${caseId}` }),
      ).toEqual([]);
    });

    it('carries each signature in a Provenance of the signed Task', async () => {
      const provenances = await search<Provenance>(MEDICO_LEGAL, 'Provenance', {
        target: `ServiceRequest/${caseId}`,
      });
      expect(provenances).toHaveLength(1);
      expect(provenances[0]).toMatchObject({
        target: [{ reference: `Task/${assignmentA}` }, { reference: `ServiceRequest/${caseId}` }],
        agent: [{ who: { reference: `Practitioner/${RAD_A.sub}`, display: RAD_A.name } }],
        signature: [
          {
            type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }],
            who: { reference: `Practitioner/${RAD_A.sub}`, display: RAD_A.name },
          },
        ],
      });
      const { events } = await steps.history(caseId);
      const submitted = events.find((event) => event.type === 'OpinionSubmitted')!;
      expect(provenances[0]!.id).toBe(submitted.eventId);
      expect(provenances[0]!.signature![0]!.when).toBe((submitted.data.signature as Json).signedAt);
      expect(await search(MEDICO_LEGAL, 'Provenance', { target: `Task/${assignmentA}` })).toEqual(
        provenances,
      );
      // The reader sees its own signature.
      expect(await search(RAD_A, 'Provenance', { target: `ServiceRequest/${caseId}` })).toEqual(provenances);
    });

    it('has no DiagnosticReport before consensus, and none for a blinded reader after it', async () => {
      const before = await fhirFailure(
        (await client(QUALITY)).read<DiagnosticReport>('DiagnosticReport', caseId),
      );
      expect(before.status).toBe(404);
      expect(await search(QUALITY, 'DiagnosticReport', { 'based-on': `ServiceRequest/${caseId}` })).toEqual(
        [],
      );
      const blinded = await fhirFailure(
        (await client(RAD_B)).read<DiagnosticReport>('DiagnosticReport', caseId),
      );
      expect(blinded.status).toBe(403);
    });

    it('reports the consensus as final, then amended after a reopened case reaches a new one', async () => {
      await steps.startRead(caseId, assignmentB, RAD_B);
      await steps.submitOpinion(caseId, assignmentB, RAD_B);
      const report = (await (
        await client(INTEGRATOR)
      ).read<DiagnosticReport>('DiagnosticReport', caseId)) as DiagnosticReport;
      expectValidFhir(report);
      expect(report).toMatchObject({
        id: caseId,
        meta: { versionId: '1' },
        status: 'final',
        basedOn: [{ reference: `ServiceRequest/${caseId}` }],
        subject: { reference: 'Patient/pt-fhir-1' },
        conclusionCode: [{ coding: [{ system: FINDING, code: 'fracture' }] }],
      });
      expect(report.contained).toEqual([
        expect.objectContaining({
          resourceType: 'Observation',
          code: { coding: [{ system: FINDING, code: 'fracture' }], text: 'fracture' },
          valueCodeableConcept: {
            coding: [{ system: 'urn:xray-second-opinion:presence', code: 'present' }],
            text: 'present',
          },
        }),
      ]);
      // Now that it has submitted, the second reader sees the report and both signatures.
      expect(
        ((await (await client(RAD_B)).read<DiagnosticReport>('DiagnosticReport', caseId)) as DiagnosticReport)
          .status,
      ).toBe('final');
      expect(await search(RAD_B, 'Provenance', { target: `ServiceRequest/${caseId}` })).toHaveLength(2);

      await steps.command(`/api/v1/cases/${caseId}/closure`, {});
      await steps.command(`/api/v1/cases/${caseId}/reopening`, { reason: 'Requester appeal' }, QUALITY);
      const radC = radiologist('fhir-rad-c');
      const radD = radiologist('fhir-rad-d');
      for (const reader of [radC, radD]) {
        const assignment = await steps.assign(caseId, reader.sub);
        await steps.startRead(caseId, assignment, reader);
        await steps.submitOpinion(caseId, assignment, reader, {
          findings: [{ code: 'fracture', presence: 'absent' }],
          impression: 'No fracture on review.',
        });
      }
      const amended = (await (
        await client(INTEGRATOR)
      ).read<DiagnosticReport>('DiagnosticReport', caseId)) as DiagnosticReport;
      expectValidFhir(amended);
      expect(amended).toMatchObject({
        id: caseId,
        meta: { versionId: '2' },
        status: 'amended',
        conclusionCode: [],
      });
      const first = (await (
        await client(INTEGRATOR)
      ).vread<DiagnosticReport>('DiagnosticReport', caseId, '1')) as DiagnosticReport;
      expectValidFhir(first);
      expect(first).toEqual(report);

      expect(await search(QUALITY, 'DiagnosticReport', { 'based-on': `ServiceRequest/${caseId}` })).toEqual([
        amended,
      ]);
      const bySubject = await waitFor('the amended report by subject', async () => {
        const found = await search<DiagnosticReport>(QUALITY, 'DiagnosticReport', {
          subject: 'Patient/pt-fhir-1',
        });
        return found.find((candidate) => candidate.id === caseId)?.status === 'amended' ? found : undefined;
      });
      expect(bySubject.every((candidate) => candidate.subject?.reference === 'Patient/pt-fhir-1')).toBe(true);
      expect(await search(QUALITY, 'DiagnosticReport', { subject: 'Patient/nobody' })).toEqual([]);
    });

    it('searches the audit trail as AuditEvents', async () => {
      const events = await waitFor('the audit trail of the case', async () => {
        const found = await search<AuditEvent>(QUALITY, 'AuditEvent', { entity: `ServiceRequest/${caseId}` });
        return found.some((event) => event.type.code === 'ConsensusReached') ? found : undefined;
      });
      expect(events[0]).toMatchObject({
        type: { code: 'SecondOpinionRequested' },
        action: 'C',
        outcome: '0',
        agent: [{ who: { identifier: { value: INTEGRATOR.sub } }, requestor: true }],
        entity: [{ what: { reference: `ServiceRequest/${caseId}` } }],
      });
      expect(events.some((event) => event.type.code === 'CaseDataAccessed' && event.action === 'R')).toBe(
        true,
      );
      const opinions = await search<AuditEvent>(QUALITY, 'AuditEvent', {
        entity: `ServiceRequest/${caseId}`,
        type: 'OpinionSubmitted',
      });
      expect(opinions.map((event) => event.agent[0]!.who!.identifier!.value)).toEqual([
        RAD_A.sub,
        RAD_B.sub,
        'fhir-rad-c',
        'fhir-rad-d',
      ]);
      const byAgent = await search<AuditEvent>(QUALITY, 'AuditEvent', {
        entity: `ServiceRequest/${caseId}`,
        agent: RAD_B.sub,
      });
      expect(byAgent.length).toBeGreaterThan(0);
      expect(
        byAgent.every((event) => event.agent.some((agent) => agent.who?.identifier?.value === RAD_B.sub)),
      ).toBe(true);
      const future = await search(QUALITY, 'AuditEvent', {
        entity: `ServiceRequest/${caseId}`,
        date: 'ge2999-01-01T00:00:00Z',
      });
      expect(future).toEqual([]);

      const page = await (
        await client(MEDICO_LEGAL)
      ).search('AuditEvent', { entity: `ServiceRequest/${caseId}`, _count: '2' });
      expectValidFhir(page);
      expect(entriesOf(page)).toHaveLength(2);
      const next = (await (await client(MEDICO_LEGAL)).nextPage(page)) as Bundle;
      expectValidFhir(next);
      expect(entriesOf<AuditEvent>(next)[0]!.id).toBe(events[2]!.id);

      const refused = await fhirFailure((await client(RAD_A)).search('AuditEvent', {}));
      expect(refused.status).toBe(403);
    });
  });

  describe('an adjudicated case', () => {
    it('shows a cancelled Task, and the adjudication signed for its reader as an approval', async () => {
      const { resource } = await create(serviceRequest({}, {}, null));
      const caseId = resource.id!;
      const [readerE, readerF] = [radiologist('fhir-rad-e'), radiologist('fhir-rad-f')];
      const dropped = await steps.assign(caseId, 'fhir-rad-g');
      await steps.command(`/api/v1/cases/${caseId}/assignments/${dropped}/unassignment`, {
        reason: 'On leave',
      });
      const assignmentE = await steps.assign(caseId, readerE.sub);
      const assignmentF = await steps.assign(caseId, readerF.sub);
      await steps.startRead(caseId, assignmentE, readerE);
      const opinionE = await steps.submitOpinion(caseId, assignmentE, readerE);
      await steps.startRead(caseId, assignmentF, readerF);
      const disagreeing = await steps.submitOpinion(caseId, assignmentF, readerF, {
        findings: [{ code: 'fracture', presence: 'absent' }],
      });
      expect(disagreeing.status).toBe('awaiting-adjudication');
      const adjudicator = await steps.assign(caseId, 'fhir-rad-h', 'adjudicator');
      // The integrator signs for the adjudicator: the signature names both.
      const behalf = { 'x-on-behalf-of': 'fhir-rad-h', 'x-on-behalf-of-name': 'Dr Hana Ho' };
      await steps.command(`/api/v1/cases/${caseId}/reads`, { assignmentId: adjudicator }, INTEGRATOR, behalf);
      await steps.command(
        `/api/v1/cases/${caseId}/adjudication`,
        {
          assignmentId: adjudicator,
          selectedOpinionId: opinionE.opinionId,
          rationale: 'The fracture line is visible.',
        },
        INTEGRATOR,
        behalf,
      );

      const bundle = await (await client(QUALITY)).search('Task', { 'based-on': `ServiceRequest/${caseId}` });
      expectValidFhir(bundle);
      const tasks = entriesOf<Task>(bundle);
      expect(tasks.map((task) => [task.id, task.status, task.code?.coding?.[0]?.code])).toEqual([
        [dropped, 'cancelled', 'primary'],
        [assignmentE, 'completed', 'primary'],
        [assignmentF, 'completed', 'primary'],
        [adjudicator, 'completed', 'adjudicator'],
      ]);
      expect(tasks[0]!.statusReason).toEqual({ text: 'On leave' });
      expect(tasks[3]!.output).toContainEqual({
        type: { text: 'rationale' },
        valueString: 'The fracture line is visible.',
      });

      // By Task: the worklist projection finds the assignment's case (it may lag a moment).
      const signed = await waitFor('the adjudication by Task', async () => {
        const bundle = await (
          await client(MEDICO_LEGAL)
        ).search('Provenance', { target: `Task/${adjudicator}` });
        return entriesOf(bundle).length > 0 ? bundle : undefined;
      });
      expectValidFhir(signed);
      const [provenance] = entriesOf<Provenance>(signed);
      const integrator = { reference: `Device/${INTEGRATOR.sub}`, display: INTEGRATOR.name };
      const reader = { reference: 'Practitioner/fhir-rad-h', display: 'Dr Hana Ho' };
      expect(provenance).toMatchObject({
        reason: [{ text: 'AdjudicationDecided' }],
        agent: [
          { type: { coding: [{ code: 'verifier' }] }, who: reader },
          { type: { coding: [{ code: 'enterer' }] }, who: integrator, onBehalfOf: reader },
        ],
        signature: [{ type: [{ code: '1.2.840.10065.1.12.1.5' }], who: integrator, onBehalfOf: reader }],
      });
      const all = await (
        await client(MEDICO_LEGAL)
      ).search('Provenance', { target: `ServiceRequest/${caseId}` });
      expect(entriesOf<Provenance>(all).map((entry) => entry.reason?.[0]?.text)).toEqual([
        'OpinionSubmitted',
        'OpinionSubmitted',
        'AdjudicationDecided',
      ]);
      const report = await (await client(QUALITY)).read<DiagnosticReport>('DiagnosticReport', caseId);
      expectValidFhir(report);
      expect(report).toMatchObject({ status: 'final', conclusionCode: [{ coding: [{ code: 'fracture' }] }] });
    });
  });

  describe('a case with a prior report', () => {
    it("shows a blinded reader a ServiceRequest without the prior report and the requester, and signs the reader's review of it", async () => {
      const { resource } = await create(serviceRequest());
      const caseId = resource.id!;
      const reader = radiologist('fhir-rad-p');
      const assignment = await steps.assign(caseId, reader.sub);
      await steps.startRead(caseId, assignment, reader);
      const seen = await (await client(reader)).read<ServiceRequest>('ServiceRequest', caseId);
      expectValidFhir(seen);
      expect(seen.contained!.map((contained) => contained.resourceType)).toEqual(['ImagingStudy']);
      expect(seen.requester).toBeUndefined();
      expect(seen.supportingInfo).toEqual([{ reference: '#study' }]);
      expect(seen.reasonCode).toEqual(resource.reasonCode);

      await steps.submitOpinion(caseId, assignment, reader);
      await steps.command(
        `/api/v1/cases/${caseId}/prior-report-reviews`,
        { assignmentId: assignment, score: '1' },
        reader,
      );
      // By Task: the worklist projection finds the assignment's case (it may lag a moment).
      const signed = await waitFor('both signatures by Task', async () => {
        const bundle = await (await client(reader)).search('Provenance', { target: `Task/${assignment}` });
        return entriesOf(bundle).length === 2 ? bundle : undefined;
      });
      expectValidFhir(signed);
      expect(
        entriesOf<Provenance>(signed).map((provenance) => [
          provenance.reason?.[0]?.text,
          provenance.signature?.[0]?.type?.[0]?.code,
          provenance.signature?.[0]?.who?.reference,
        ]),
      ).toEqual([
        ['OpinionSubmitted', '1.2.840.10065.1.12.1.1', `Practitioner/${reader.sub}`],
        ['PriorReportReviewed', '1.2.840.10065.1.12.1.1', `Practitioner/${reader.sub}`],
      ]);
    });
  });

  describe('every error an OperationOutcome', () => {
    const outcomeOf = (body: Resource) => issuesOf(body)[0]!;

    it.each<
      [
        string,
        string,
        string,
        { as?: Caller; body?: string; headers?: Record<string, string> },
        number,
        string,
      ]
    >([
      ['no token', 'GET', '/ServiceRequest/00000000-0000-4000-8000-000000000000', {}, 401, 'login'],
      [
        'a role that may not create',
        'POST',
        '/ServiceRequest',
        { as: QUALITY, body: '{}', headers: { 'content-type': 'application/fhir+json' } },
        403,
        'forbidden',
      ],
      [
        'a radiologist on the audit trail',
        'GET',
        '/AuditEvent',
        { as: radiologist('fhir-rad-a') },
        403,
        'forbidden',
      ],
      [
        'an unknown case',
        'GET',
        '/ServiceRequest/00000000-0000-4000-8000-000000000000',
        { as: QUALITY },
        404,
        'not-found',
      ],
      ['an id that is no case id', 'GET', '/ServiceRequest/not-a-case', { as: QUALITY }, 404, 'not-found'],
      [
        'an unknown Task',
        'GET',
        '/Task/00000000-0000-4000-8000-000000000000',
        { as: QUALITY },
        404,
        'not-found',
      ],
      [
        'a resource type the facade does not serve',
        'GET',
        '/Patient/pt-fhir-1',
        { as: QUALITY },
        404,
        'not-found',
      ],
      [
        'an Accept it cannot answer',
        'GET',
        '/ServiceRequest/00000000-0000-4000-8000-000000000000',
        { as: QUALITY, headers: { accept: 'application/fhir+xml' } },
        406,
        'not-supported',
      ],
      ['_format=xml', 'GET', '/Task?based-on=x&_format=xml', { as: QUALITY }, 406, 'not-supported'],
      [
        'a body that is not JSON',
        'POST',
        '/ServiceRequest',
        { as: INTEGRATOR, body: '<ServiceRequest/>', headers: { 'content-type': 'application/fhir+xml' } },
        415,
        'not-supported',
      ],
      [
        'malformed JSON',
        'POST',
        '/ServiceRequest',
        { as: INTEGRATOR, body: '{"resourceType":', headers: { 'content-type': 'application/fhir+json' } },
        400,
        'invalid',
      ],
      [
        'a body that is no ServiceRequest',
        'POST',
        '/ServiceRequest',
        {
          as: INTEGRATOR,
          body: '{"resourceType":"Patient"}',
          headers: { 'content-type': 'application/fhir+json' },
        },
        422,
        'processing',
      ],
      [
        'a body over the size limit',
        'POST',
        '/ServiceRequest',
        {
          as: INTEGRATOR,
          body: `{"resourceType":"ServiceRequest","note":[{"text":"${'x'.repeat(300_000)}"}]}`,
          headers: { 'content-type': 'application/fhir+json' },
        },
        413,
        'too-costly',
      ],
      [
        'an entity that names no case',
        'GET',
        '/AuditEvent?entity=ServiceRequest/x',
        { as: QUALITY },
        400,
        'invalid',
      ],
      ['an unsupported search parameter', 'GET', '/Task?status=ready', { as: QUALITY }, 400, 'invalid'],
      [
        'a search without its required parameter',
        'GET',
        '/DiagnosticReport',
        { as: QUALITY },
        400,
        'invalid',
      ],
      [
        'a method the resource does not allow',
        'DELETE',
        '/ServiceRequest/00000000-0000-4000-8000-000000000000',
        { as: INTEGRATOR },
        405,
        'not-supported',
      ],
    ])('%s: %s %s', async (_, method, path, options, status, code) => {
      const response = await fhirFetch(running.baseUrl, method, path, options);
      expect(response.status).toBe(status);
      expect(response.body.resourceType).toBe('OperationOutcome');
      expect(outcomeOf(response.body)).toMatchObject({ severity: 'error', code });
      expect(outcomeOf(response.body).diagnostics).toEqual(expect.any(String));
    });

    it('answers application/json and _format=json as fhir+json', async () => {
      const { resource } = await create(serviceRequest({}, {}, null));
      for (const options of [
        { headers: { accept: 'application/json' } },
        { headers: { accept: 'application/fhir+json; charset=utf-8' } },
      ]) {
        const response = await fhirFetch(running.baseUrl, 'GET', `/ServiceRequest/${resource.id}`, {
          as: QUALITY,
          ...options,
        });
        expect(response.status).toBe(200);
      }
      const formatted = await fhirFetch(
        running.baseUrl,
        'GET',
        `/ServiceRequest/${resource.id}?_format=json`,
        { as: QUALITY, headers: { accept: 'text/html' } },
      );
      expect(formatted.status).toBe(200);
      // A client that sends plain JSON is understood too.
      const plain = await fhirFetch(running.baseUrl, 'POST', '/ServiceRequest', {
        as: INTEGRATOR,
        body: JSON.stringify(serviceRequest({}, {}, null)),
        headers: { 'content-type': 'application/json' },
      });
      expect(plain.status).toBe(201);
    });

    it('keeps FHIR media types off the REST API', async () => {
      const response = await fetch(`${running.baseUrl}/api/v1/cases`, {
        method: 'POST',
        headers: {
          'content-type': 'application/fhir+json',
          authorization: `Bearer ${await api.token(COORDINATOR.sub, COORDINATOR.roles)}`,
        },
        body: '{}',
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('answers 429 as an OperationOutcome', async () => {
      const limited = await startTestApp({ RATE_LIMIT_PER_USER_PER_MINUTE: '2' });
      try {
        const statuses: number[] = [];
        for (let attempt = 0; attempt < 3; attempt++) {
          const response = await fhirFetch(limited.baseUrl, 'GET', '/Task?based-on=ServiceRequest/x', {
            as: QUALITY,
          });
          statuses.push(response.status);
          if (response.status === 429) {
            expect(outcomeOf(response.body)).toMatchObject({ severity: 'error', code: 'throttled' });
            expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
          }
        }
        expect(statuses).toEqual([200, 200, 429]);
      } finally {
        await limited.close();
      }
    });
  });
});
