/**
 * The README's walk-through ("A case from request to closure with curl") with the typed client
 * only: a coordinator requests a second opinion and assigns two blinded radiologists; each reads,
 * submits a signed opinion and scores the prior report; they disagree on a fracture, so the engine
 * escalates to adjudication; the adjudicator selects the fracture; the coordinator closes the case
 * (If-Match: the ETag of the adjudication, so a case that moved on meanwhile is refused); a
 * medico-legal reviewer reads the history with its integrity verdict. Each step prints one line.
 */
import {
  type CommandAnswer,
  type CommandBody,
  type EngineClient,
  type EngineClientOptions,
  type components,
  createEngineClient,
  ok,
} from '../../clients/typescript/index.js';

/** A person taking part, as a reader id the engine assigns and the bearer token they call with. */
export interface Participant {
  id: string;
  token: string;
}

export interface TwoPlusOneParticipants {
  coordinator: string;
  /** Sees the fracture the prior report missed. */
  firstReader: Participant;
  /** Sees none. */
  secondReader: Participant;
  adjudicator: Participant;
  medicoLegal: string;
}

export interface TwoPlusOneCase {
  caseId: string;
  outcome: CommandAnswer<'/api/v1/cases/{caseId}/closure'>['outcome'];
  /** The case stream's event types, in order. */
  events: string[];
  integrity: components['schemas']['IntegrityDto'];
}

const FRACTURE = 'Non-displaced scaphoid waist fracture.';

export async function twoPlusOneCase(
  baseUrl: string,
  who: TwoPlusOneParticipants,
  print: (line: string) => void = (line) => console.log(line),
  options: EngineClientOptions = {},
): Promise<TwoPlusOneCase> {
  const as = (token: string): EngineClient => createEngineClient(baseUrl, token, options);
  const coordinator = as(who.coordinator);
  const first = as(who.firstReader.token);
  const second = as(who.secondReader.token);
  const adjudicator = as(who.adjudicator.token);
  const show = (step: string, value: unknown) => print(`${step.padEnd(28)} ${JSON.stringify(value)}`);

  const {
    data: { caseId },
  } = await coordinator.command('/api/v1/cases', {
    body: {
      patientRef: 'pt-3f9a',
      priority: 'routine',
      readsRequired: 2,
      study: {
        studyInstanceUid: '1.2.840.113619.2.55.3.7',
        modality: 'DX',
        bodyRegion: 'wrist',
        studyDate: '2026-11-18',
      },
      clinicalQuestion: 'Scaphoid fracture? Pain after a fall.',
      requester: { kind: 'patient', id: 'req-77' },
      priorReport: {
        author: 'rad-ext-9',
        institution: 'St. Elsewhere',
        impression: 'No fracture.',
        findings: [{ code: 'fracture', presence: 'absent' }],
      },
    },
  });
  show('second opinion requested', { caseId });
  const path = { caseId };

  const assign = async (reader: Participant, role: 'primary' | 'adjudicator') => {
    const { data } = await coordinator.command('/api/v1/cases/{caseId}/assignments', {
      path,
      body: { readerId: reader.id, role },
    });
    show(`${reader.id} assigned (${role})`, data);
    return data.assignmentId;
  };
  const a = await assign(who.firstReader, 'primary');
  const b = await assign(who.secondReader, 'primary');

  /** A primary's read (blinded: images and clinical question), opinion, and then prior-report score. */
  const read = async (
    client: EngineClient,
    reader: Participant,
    opinion: CommandBody<'/api/v1/cases/{caseId}/opinions'>,
    score: CommandBody<'/api/v1/cases/{caseId}/prior-report-reviews'>['score'],
  ) => {
    const { assignmentId } = opinion;
    const started = await client.command('/api/v1/cases/{caseId}/reads', { path, body: { assignmentId } });
    show(`${reader.id} reads, shown`, started.data.shown);
    const submitted = await client.command('/api/v1/cases/{caseId}/opinions', { path, body: opinion });
    show(`${reader.id} opinion`, submitted.data);
    const reviewed = await client.command('/api/v1/cases/{caseId}/prior-report-reviews', {
      path,
      body: { assignmentId, score },
    });
    show(`${reader.id} prior report`, { revision: reviewed.data.revision, status: reviewed.data.status });
    return submitted.data.opinionId;
  };
  const fracture = await read(
    first,
    who.firstReader,
    {
      assignmentId: a,
      confidence: 4,
      findings: [{ code: 'fracture', presence: 'present', location: 'scaphoid waist' }],
      impression: FRACTURE,
    },
    '3b',
  );
  await read(
    second,
    who.secondReader,
    {
      assignmentId: b,
      confidence: 3,
      findings: [{ code: 'fracture', presence: 'absent' }],
      impression: 'No fracture seen.',
    },
    '1',
  );

  const c = await assign(who.adjudicator, 'adjudicator');
  const adjudicatorRead = await adjudicator.command('/api/v1/cases/{caseId}/reads', {
    path,
    body: { assignmentId: c },
  });
  show(`${who.adjudicator.id} reads, shown`, adjudicatorRead.data.shown);
  // The adjudicator is shown both opinions without reader names and selects the fracture: the
  // opinion whose id the first reader's submission answered.
  const adjudicated = await adjudicator.command('/api/v1/cases/{caseId}/adjudication', {
    path,
    body: {
      assignmentId: c,
      selectedOpinionId: fracture,
      rationale: 'Cortical break visible on the oblique view.',
    },
  });
  show('adjudication', adjudicated.data);

  // Closed only as the adjudication left it: a change since then would make this a 412.
  const closed = await coordinator.command('/api/v1/cases/{caseId}/closure', {
    path,
    ifMatch: adjudicated.etag,
    body: { note: 'Requester informed.' },
  });
  show(`closure (If-Match ${adjudicated.etag})`, closed.data);

  const { data: history } = await ok(
    as(who.medicoLegal).GET('/api/v1/cases/{caseId}/history', { params: { path } }),
  );
  const events = history.events.map((event) => event.type);
  show('history', { integrity: history.integrity, events });
  return { caseId, outcome: closed.data.outcome, events, integrity: history.integrity };
}
