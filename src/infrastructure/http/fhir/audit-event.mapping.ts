import type { AuditEvent, AuditEventAgent } from '@medplum/fhirtypes';
import type { AuditTrailItem } from '../../../projections/audit-trail/audit-trail.queries.js';
import { FHIR_SYSTEMS } from './fhir-systems.js';

/** The access log's rows are reads (or refused attempts); every other row records a change. */
const ACCESS_EVENT = 'CaseDataAccessed';

/** One row of the audit trail as an AuditEvent (docs/fhir.md "AuditEvent"). */
export function auditEventOf(item: AuditTrailItem): AuditEvent {
  const isAccess = item.type === ACCESS_EVENT;
  const status = typeof item.data.status === 'number' ? item.data.status : undefined;
  const refused = isAccess && status !== undefined && status >= 400;
  const agents: AuditEventAgent[] = [
    {
      who: { identifier: { system: FHIR_SYSTEMS.actor, value: item.actorId ?? 'engine' } },
      requestor: true,
      ...(item.actorRole !== undefined && { role: [{ text: item.actorRole }] }),
    },
    ...(item.onBehalfOf !== undefined
      ? [{ who: { identifier: { system: FHIR_SYSTEMS.actor, value: item.onBehalfOf } }, requestor: false }]
      : []),
  ];
  const details = [
    ...(item.revision !== undefined ? [{ type: 'revision', valueString: String(item.revision) }] : []),
    { type: 'position', valueString: String(item.position) },
    ...(item.hash !== undefined ? [{ type: 'hash', valueString: item.hash }] : []),
    ...(item.correlationId !== undefined ? [{ type: 'correlationId', valueString: item.correlationId }] : []),
  ];
  return {
    resourceType: 'AuditEvent',
    id: item.eventId,
    type: { system: FHIR_SYSTEMS.eventType, code: item.type, display: item.type },
    action: isAccess ? 'R' : 'C',
    period: { start: item.occurredAt, end: item.occurredAt },
    recorded: item.recordedAt,
    outcome: refused ? '4' : '0',
    outcomeDesc: item.summary,
    agent: agents,
    source: { observer: { display: 'X-ray second-opinion engine' } },
    entity: [
      {
        ...(item.caseId !== undefined && { what: { reference: `ServiceRequest/${item.caseId}` } }),
        detail: details,
      },
    ],
  };
}
