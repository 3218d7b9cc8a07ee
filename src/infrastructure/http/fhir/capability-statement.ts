import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';

const read = { code: 'read' as const };
const search = { code: 'search-type' as const };

/** What the facade serves: its resources, interactions and search parameters (docs/fhir.md). */
const RESOURCES: CapabilityStatementRestResource[] = [
  {
    type: 'ServiceRequest',
    interaction: [read, { code: 'create' }],
    conditionalCreate: true,
    documentation:
      'Create opens a second-opinion case; the first identifier with system and value is the idempotency key: ' +
      'the same identifier again answers the same case (200) and opens no second one.',
  },
  {
    type: 'Task',
    interaction: [read, search],
    documentation: 'One Task per reader assignment; its output is what the reader submitted.',
    searchParam: [
      { name: 'based-on', type: 'reference', documentation: 'ServiceRequest/<case id>' },
      { name: 'owner', type: 'reference', documentation: 'Practitioner/<reader id>, or the reader id' },
    ],
  },
  {
    type: 'DiagnosticReport',
    interaction: [read, { code: 'vread' }, search],
    documentation: 'The consensus of a case: final, then amended by a later round after a reopening.',
    searchParam: [
      { name: 'based-on', type: 'reference', documentation: 'ServiceRequest/<case id>' },
      { name: 'subject', type: 'reference', documentation: 'Patient/<patient reference>, or the reference' },
    ],
  },
  {
    type: 'Provenance',
    interaction: [search],
    documentation:
      'The electronic signatures of a case (opinions, prior-report reviews, adjudications, addenda).',
    searchParam: [
      {
        name: 'target',
        type: 'reference',
        documentation: 'ServiceRequest/<case id> or Task/<assignment id>',
      },
    ],
  },
  {
    type: 'AuditEvent',
    interaction: [search],
    documentation: 'The audit trail, one AuditEvent per row, in ascending global order.',
    searchParam: [
      { name: 'entity', type: 'reference', documentation: 'ServiceRequest/<case id>' },
      { name: 'agent', type: 'token', documentation: 'An actor id (or the one it acted for)' },
      { name: 'type', type: 'token', documentation: 'An event type' },
      { name: 'date', type: 'date', documentation: 'ge<instant> and/or le<instant> on when it occurred' },
      { name: '_count', type: 'number', documentation: 'Page size, 1 to 500 (default 50)' },
    ],
  },
];

export function capabilityStatement(date: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    publisher: 'X-ray second-opinion engine',
    kind: 'instance',
    software: { name: 'xray-second-opinion' },
    implementation: { description: 'FHIR R4 facade of the X-ray second-opinion engine' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          description:
            "Bearer tokens (Authorization: Bearer <JWT>) with the roles of the engine's REST API; errors are OperationOutcome.",
        },
        resource: RESOURCES,
      },
    ],
  };
}
