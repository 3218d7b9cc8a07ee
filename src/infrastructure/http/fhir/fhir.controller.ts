import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type {
  AuditEvent,
  Bundle,
  CapabilityStatement,
  DiagnosticReport,
  Resource,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';
import { CaseAggregate } from '../../../application/case/case.aggregate.js';
import { CaseBlinding } from '../../../application/case/case-blinding.js';
import { RequestSecondOpinionDto } from '../../../application/case/request-second-opinion/request-second-opinion.dto.js';
import { RunCaseCommand } from '../../../application/case/run-case-command.js';
import { GetCaseQuery } from '../../../application/case/queries/get-case.query.js';
import { CommandIds } from '../../../application/command-path/command-ids.js';
import type { CaseViewer } from '../../../domain/case/case-view.js';
import { caseStreamId } from '../../../domain/case/case.stream.js';
import { DomainError } from '../../../domain/kernel/domain-error.js';
import { isUuid } from '../../../domain/kernel/identifiers.js';
import { EVENT_STORE, type EventStore } from '../../../application/ports/event-store.port.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import { AuditTrailQueries } from '../../../projections/audit-trail/audit-trail.queries.js';
import { pendingReadsOf } from '../../../projections/worklist/pending-reads.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../../../projections/runner/projection.js';
import { DataSource } from 'typeorm';
import { Allow } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { decodeCursor, encodeCursor } from '../audit/audit-query.dto.js';
import { readModel } from '../audit/read-model.js';
import { recordRead } from '../audit/request-origin.js';
import { type HttpExchange, commandContext, Exchange } from '../case/command-context.js';
import { ProblemException } from '../problem/problem-exception.js';
import { BodyValidationPipe } from '../validation/body-validation.pipe.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../validation/query.validators.js';
import { auditEventOf } from './audit-event.mapping.js';
import { capabilityStatement } from './capability-statement.js';
import { consensusVersions, FhirCases, signedEvents, type ViewedCase } from './fhir-cases.js';
import { FHIR_BASE } from './fhir-http.js';
import { diagnosticReportOf, provenanceOf, serviceRequestOf, signedBy, taskOf } from './fhir-resources.js';
import {
  ELEMENT_OF_DOMAIN_CODE,
  fhirElementOf,
  referencedId,
  requestIdentifier,
  secondOpinionFromServiceRequest,
  unmappable,
} from './service-request.mapping.js';

type SearchParameters = Record<string, string | string[] | undefined>;

const STARTED_AT = new Date().toISOString();

/** The one value of a search parameter; a repeated one is refused. */
function single(query: SearchParameters, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw badSearch(name, `${name} may be given once`);
  return value;
}

function badSearch(field: string, message: string): ProblemException {
  return new ProblemException(400, 'invalid-search', `The search cannot be run: ${message}.`, {
    errors: [{ field, message }],
  });
}

/** Refuses parameters the resource type does not support: a search that ignored them would answer too much. */
function onlyParameters(query: SearchParameters, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (name !== '_format' && !allowed.includes(name)) {
      throw badSearch(
        name,
        `${name} is not a supported search parameter here (supported: ${allowed.join(', ')})`,
      );
    }
  }
}

/** `Type/<id>` or a bare id, as a reference search parameter may name its target. */
function referenceParameter(value: string, type: string): string {
  return referencedId(value, type) ?? value;
}

/**
 * The cases a search looks at: the one `based-on=ServiceRequest/<id>` names, else those of the other
 * reference it takes (`referenced`, the id that reference names).
 */
async function searchedCases(
  query: SearchParameters,
  by: { parameter: string; type: string; caseIdsOf: (id: string) => Promise<string[]> },
): Promise<{ byCase: boolean; referenced: string | undefined; caseIds: string[] }> {
  onlyParameters(query, ['based-on', by.parameter]);
  const basedOn = single(query, 'based-on');
  const other = single(query, by.parameter);
  if (basedOn === undefined && other === undefined) {
    throw badSearch('based-on', `name based-on or ${by.parameter}`);
  }
  const referenced = other === undefined ? undefined : referenceParameter(other, by.type);
  if (basedOn !== undefined) {
    return { byCase: true, referenced, caseIds: [referenceParameter(basedOn, 'ServiceRequest')] };
  }
  return { byCase: false, referenced, caseIds: await by.caseIdsOf(referenced!) };
}

const viewerOf = (identity: Identity): CaseViewer => ({ id: identity.sub, roles: identity.roles });

/**
 * The FHIR R4 facade: a thin adapter over the case commands and read models. Writes go through the
 * command bus as POST /api/v1/cases does; reads fold the case stream with the same blinding
 * (caseViewFor) as GET /api/v1/cases/{id}; searches find cases through the worklist projection.
 * Left out of the OpenAPI document: its CapabilityStatement (GET /fhir/R4/metadata) describes it.
 */
@ApiExcludeController()
@Controller('fhir/R4')
export class FhirController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly cases: FhirCases,
    private readonly aggregate: CaseAggregate,
    private readonly blinding: CaseBlinding,
    private readonly auditTrail: AuditTrailQueries,
    private readonly access: AccessRecorder,
    private readonly dataSource: DataSource,
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('metadata')
  metadata(): CapabilityStatement {
    return capabilityStatement(STARTED_AT);
  }

  @Post('ServiceRequest')
  @HttpCode(201)
  @Allow('request-case')
  async createServiceRequest(
    @Body() body: unknown,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<ServiceRequest> {
    const data = secondOpinionFromServiceRequest(body, this.aggregate.policy);
    const resource = body as ServiceRequest;
    const authoredOn = resource.authoredOn;
    if (authoredOn !== undefined && !identity.roles.includes('integrator')) {
      throw unmappable([
        {
          field: 'ServiceRequest.authoredOn',
          message: 'authoredOn (imported history) may be sent by integrators only',
        },
      ]);
    }
    // The same checks as the REST body: lengths, patterns, dates.
    const validated = await this.validated({
      ...data,
      ...(authoredOn !== undefined && { occurredAt: authoredOn }),
    });
    const { context } = commandContext(identity, request, validated);
    const identifier = requestIdentifier(resource)!;
    // The identifier is the idempotency key: the case id and event ids derive from it.
    const scope = `fhir:ServiceRequest.identifier:${identifier.system}|${identifier.value}`;
    const caseId = new CommandIds(scope).idFor('case');
    const { exists } = await this.store.readStream(caseStreamId(caseId), { maxCount: 1 });
    if (!exists) {
      try {
        const { occurredAt: _occurredAt, ...commandData } = validated;
        await this.commands.execute(
          new RunCaseCommand(caseId, 'RequestSecondOpinion', { ...commandData, caseId } as never, {
            ...context,
            idempotencyScope: scope,
          }),
        );
        void reply.status(201);
      } catch (error) {
        if (error instanceof DomainError && error.code === 'case-exists') void reply.status(200);
        else if (error instanceof DomainError && ELEMENT_OF_DOMAIN_CODE[error.code]) {
          throw new ProblemException(422, error.code, error.message, {
            errors: [{ field: ELEMENT_OF_DOMAIN_CODE[error.code]!, message: error.message }],
          });
        } else throw error;
      }
    } else void reply.status(200);
    const created = await this.readServiceRequest(caseId, identity, request);
    void reply.header(
      'location',
      `${FHIR_BASE}/ServiceRequest/${caseId}/_history/${created.meta!.versionId}`,
    );
    void reply.header('etag', `W/"${created.meta!.versionId}"`);
    return created;
  }

  private async validated(data: object): Promise<RequestSecondOpinionDto> {
    try {
      return (await new BodyValidationPipe().transform(data, {
        type: 'body',
        metatype: RequestSecondOpinionDto,
      })) as RequestSecondOpinionDto;
    } catch (error) {
      if (!(error instanceof ProblemException) || error.status !== 400) throw error;
      const errors = (error.extensions.errors ?? []).map(({ field, message }) => ({
        field: field === 'occurredAt' ? 'ServiceRequest.authoredOn' : fhirElementOf(field),
        message: `${field}: ${message}`,
      }));
      throw unmappable(errors);
    }
  }

  // The parameter is `caseId` so that a refused attempt is recorded in the case's access log.
  @Get('ServiceRequest/:caseId')
  @Allow('read-case')
  async serviceRequest(
    @Param('caseId') id: string,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<ServiceRequest> {
    const resource = await this.readServiceRequest(id, identity, request);
    void reply.header('etag', `W/"${resource.meta!.versionId}"`);
    return resource;
  }

  private async readServiceRequest(
    id: string,
    identity: Identity,
    request: FastifyRequest,
  ): Promise<ServiceRequest> {
    if (!isUuid(id)) throw new DomainError('not-found', `ServiceRequest ${id} does not exist.`);
    const caseId = id.toLowerCase();
    // The read model of GET /api/v1/cases/{id}, with its blinding.
    const { view, revision } = await this.queries.execute(new GetCaseQuery(caseId, viewerOf(identity)));
    await recordRead(this.access, { identity, request }, { caseId, resource: 'case' });
    return serviceRequestOf(view, revision);
  }

  @Get('Task/:id')
  @Allow('read-case')
  async task(@Param('id') id: string, @Exchange() { identity, request }: HttpExchange): Promise<Task> {
    const [caseId] = await this.cases.caseIdsOfAssignment(id);
    if (!caseId) throw new DomainError('not-found', `Task ${id} does not exist.`);
    const viewed = await this.cases.viewed(caseId, viewerOf(identity));
    const assignment = viewed.state.assignments.get(id.toLowerCase());
    if (!assignment) throw new DomainError('not-found', `Task ${id} does not exist.`);
    if (viewed.view.visibility !== 'full' && assignment.readerId !== identity.sub) {
      throw new DomainError(
        'not-your-assignment',
        `Task ${id} is another reader's; it is hidden until you submit your own read.`,
      );
    }
    await recordRead(this.access, { identity, request }, { caseId, resource: 'case' });
    return taskOf(viewed.state, assignment);
  }

  @Get('Task')
  @Allow('read-worklist')
  async searchTasks(
    @Query() query: SearchParameters,
    @Exchange() { identity, request }: HttpExchange,
  ): Promise<Bundle> {
    const search = await searchedCases(query, {
      parameter: 'owner',
      type: 'Practitioner',
      caseIdsOf: (id) => this.cases.caseIdsOfReader(id),
    });
    const viewed = await this.visibleCases(search.caseIds, identity);
    const tasks = viewed.flatMap(({ state, view }) =>
      [...state.assignments.values()]
        .filter((assignment) => view.visibility === 'full' || assignment.readerId === identity.sub)
        .filter((assignment) => search.referenced === undefined || assignment.readerId === search.referenced)
        .map((assignment) => taskOf(state, assignment)),
    );
    return this.searchsetRead({ identity, request }, search.byCase ? viewed[0] : undefined, tasks);
  }

  @Get('DiagnosticReport/:caseId')
  @Allow('read-case')
  async diagnosticReport(
    @Param('caseId') id: string,
    @Exchange() { identity, request }: HttpExchange,
  ): Promise<DiagnosticReport> {
    return this.readDiagnosticReport(id, undefined, identity, request);
  }

  @Get('DiagnosticReport/:caseId/_history/:version')
  @Allow('read-case')
  async diagnosticReportVersion(
    @Param('caseId') id: string,
    @Param('version') version: string,
    @Exchange() { identity, request }: HttpExchange,
  ): Promise<DiagnosticReport> {
    if (!/^[1-9]\d{0,5}$/.test(version))
      throw new DomainError('not-found', `DiagnosticReport ${id} has no version ${version}.`);
    return this.readDiagnosticReport(id, Number(version), identity, request);
  }

  private async readDiagnosticReport(
    id: string,
    version: number | undefined,
    identity: Identity,
    request: FastifyRequest,
  ): Promise<DiagnosticReport> {
    const viewed = await this.cases.viewed(id, viewerOf(identity), 'DiagnosticReport');
    assertFullView(viewed, 'consensus report');
    const versions = consensusVersions(this.aggregate, viewed.events);
    if (versions.length === 0)
      throw new DomainError('not-found', `Case ${id} has no consensus yet, so no DiagnosticReport.`);
    if (version !== undefined && version > versions.length) {
      throw new DomainError(
        'not-found',
        `DiagnosticReport ${id} has no version ${version} (latest is ${versions.length}).`,
      );
    }
    await recordRead(this.access, { identity, request }, { caseId: viewed.state.caseId, resource: 'case' });
    return diagnosticReportOf(viewed.state, versions, version);
  }

  @Get('DiagnosticReport')
  @Allow('read-worklist')
  async searchDiagnosticReports(
    @Query() query: SearchParameters,
    @Exchange() { identity, request }: HttpExchange,
  ): Promise<Bundle> {
    const search = await searchedCases(query, {
      parameter: 'subject',
      type: 'Patient',
      caseIdsOf: (ref) => this.cases.caseIdsOfPatient(ref),
    });
    // A blinded reader finds nothing: the consensus is hidden from it.
    const viewed = (await this.visibleCases(search.caseIds, identity)).filter(
      ({ view }) => view.visibility === 'full',
    );
    const reports = viewed
      .filter(
        ({ state }) => search.referenced === undefined || state.request.patientRef === search.referenced,
      )
      .flatMap(({ state, events }) => {
        const versions = consensusVersions(this.aggregate, events);
        return versions.length > 0 ? [diagnosticReportOf(state, versions)] : [];
      });
    return this.searchsetRead({ identity, request }, search.byCase ? viewed[0] : undefined, reports);
  }

  @Get('Provenance')
  @Allow('read-case')
  async searchProvenance(
    @Query() query: SearchParameters,
    @Exchange() { identity, request }: HttpExchange,
  ): Promise<Bundle> {
    onlyParameters(query, ['target']);
    const target = single(query, 'target');
    if (target === undefined) throw badSearch('target', 'name target (ServiceRequest/<id> or Task/<id>)');
    const taskId = referencedId(target, 'Task');
    const caseId =
      taskId === undefined
        ? referenceParameter(target, 'ServiceRequest')
        : (await this.cases.caseIdsOfAssignment(taskId))[0];
    if (caseId === undefined) return searchset(request, []);
    const viewed = await this.cases.viewed(caseId, viewerOf(identity));
    const provenances = signedEvents(this.aggregate, viewed.events).flatMap((signed) => {
      const signer = signedBy(viewed.state, signed.event);
      if (!signer) return [];
      // A reader still blinded on the case sees its own signatures only.
      if (viewed.view.visibility !== 'full' && signer.readerId !== identity.sub) return [];
      if (taskId !== undefined && signer.assignmentId !== taskId.toLowerCase()) return [];
      const provenance = provenanceOf(viewed.state, signed);
      return provenance ? [provenance] : [];
    });
    await recordRead(this.access, { identity, request }, { caseId: viewed.state.caseId, resource: 'case' });
    return searchset(request, provenances);
  }

  @Get('AuditEvent')
  @Allow('read-audit-trail')
  async searchAuditEvents(
    @Query() query: SearchParameters,
    @Exchange() { identity, request }: HttpExchange,
  ): Promise<Bundle> {
    onlyParameters(query, ['entity', 'agent', 'type', 'date', '_count', '_cursor']);
    const entity = single(query, 'entity');
    const caseId =
      entity === undefined ? undefined : referenceParameter(entity, 'ServiceRequest').toLowerCase();
    if (caseId !== undefined && !isUuid(caseId))
      throw badSearch('entity', 'entity must name ServiceRequest/<case id> (a UUID)');
    if (caseId !== undefined) await this.blinding.assertNotReading(caseId, viewerOf(identity), 'audit trail');
    const agent = single(query, 'agent');
    const type = single(query, 'type');
    const count = single(query, '_count');
    const limit = count === undefined ? DEFAULT_LIMIT : Number(count);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw badSearch('_count', `_count must be a whole number from 1 to ${MAX_LIMIT}`);
    const cursor = single(query, '_cursor');
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && after === undefined)
      throw badSearch('_cursor', '_cursor is not a cursor this server gave');
    const dates = query.date === undefined ? [] : ([] as string[]).concat(query.date);
    let from: Date | undefined;
    let to: Date | undefined;
    for (const date of dates) {
      const match = /^(ge|le)(.+)$/.exec(date);
      const time = match ? new Date(match[2]!) : undefined;
      if (!match || !time || Number.isNaN(time.getTime()))
        throw badSearch('date', 'date must be ge<instant> or le<instant>');
      if (match[1] === 'ge') from = time;
      else to = time;
    }
    const pending = await this.pendingReads(identity);
    const page = await readModel(() =>
      this.auditTrail.list(
        {
          ...(caseId !== undefined && { caseId }),
          ...(agent !== undefined && { actorId: agent }),
          ...(type !== undefined && { type }),
          ...(from && { from }),
          ...(to && { to }),
        },
        { after, limit },
      ),
    );
    // Rows of a case the caller is still reading blinded are left out, as GET /api/v1/audit-trail does.
    const items = page.items.filter((item) => !item.caseId || !pending.has(item.caseId));
    await recordRead(this.access, { identity, request }, { caseId, resource: 'audit-search' });
    const next = page.nextAfter === undefined ? undefined : nextLink(request, encodeCursor(page.nextAfter));
    return searchset(request, items.map(auditEventOf) satisfies AuditEvent[], next);
  }

  private pendingReads(identity: Identity): Promise<Set<string>> {
    return pendingReadsOf(
      this.schemas,
      (sql, parameters) => this.dataSource.query(sql, parameters),
      identity.sub,
    );
  }

  /** The cases of `caseIds` the caller may see (with its blinding), in that order. */
  private async visibleCases(caseIds: readonly string[], identity: Identity): Promise<ViewedCase[]> {
    const viewed: ViewedCase[] = [];
    for (const caseId of caseIds) {
      const found = await this.cases.visible(caseId, viewerOf(identity));
      if (found) viewed.push(found);
    }
    return viewed;
  }

  /**
   * A search's bundle, once its read is recorded: a search by case reads that case (`searched`, the
   * case found), any other reads the worklist (never a case id the client made up).
   */
  private async searchsetRead(
    { identity, request }: Omit<HttpExchange, 'reply'>,
    searched: ViewedCase | undefined,
    resources: Resource[],
  ): Promise<Bundle> {
    const caseId = searched?.state.caseId;
    await recordRead(
      this.access,
      { identity, request },
      { caseId, resource: caseId === undefined ? 'worklist' : 'case' },
    );
    return searchset(request, resources);
  }
}

/** Consensus and signatures are the case's record: hidden from whoever still reads it blinded. */
function assertFullView(viewed: ViewedCase, what: string): void {
  if (viewed.view.visibility !== 'full') {
    throw new DomainError(
      'not-your-assignment',
      `You hold a read on this case that is not submitted yet; its ${what} is hidden until you submit.`,
    );
  }
}

const baseUrl = (request: FastifyRequest): string => `${request.protocol}://${request.host}${FHIR_BASE}`;

function nextLink(request: FastifyRequest, cursor: string): string {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  url.searchParams.set('_cursor', cursor);
  return `${url.origin}${url.pathname}${url.search}`;
}

function searchset(request: FastifyRequest, resources: Resource[], next?: string): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(next === undefined && { total: resources.length }),
    link: [
      { relation: 'self', url: `${request.protocol}://${request.host}${request.url}` },
      ...(next === undefined ? [] : [{ relation: 'next', url: next }]),
    ],
    entry: resources.map((resource) => ({
      fullUrl: `${baseUrl(request)}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' as const },
    })),
  };
}
