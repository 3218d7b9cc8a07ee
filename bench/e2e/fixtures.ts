import { randomUUID } from 'node:crypto';
import { pick, pickDistinct } from './util.js';

/** Realistic request and opinion bodies: CheXpert codes for chests, musculoskeletal codes elsewhere. */

export interface Finding {
  code: string;
  presence: 'present' | 'absent' | 'uncertain';
  location?: string;
  laterality?: 'left' | 'right' | 'bilateral';
}

const CHEST_CODES = [
  'cardiomegaly',
  'lung-opacity',
  'lung-lesion',
  'edema',
  'consolidation',
  'pneumonia',
  'atelectasis',
  'pneumothorax',
  'pleural-effusion',
  'support-devices',
];
const MSK_CODES = [
  'fracture',
  'dislocation',
  'bone-lesion',
  'joint-effusion',
  'foreign-body',
  'degenerative-change',
];
const MSK_REGIONS = ['wrist', 'hand', 'ankle', 'knee', 'hip', 'shoulder', 'elbow', 'foot', 'spine-lumbar'];
const LOCATIONS: Record<string, string[]> = {
  fracture: ['scaphoid waist', 'distal radius', 'fifth metatarsal base', 'lateral malleolus', 'femoral neck'],
  'pleural-effusion': ['left costophrenic angle', 'right base'],
  consolidation: ['right lower lobe', 'left lingula'],
  'lung-lesion': ['right upper lobe', 'left hilum'],
};
const IMPRESSIONS = [
  'Non-displaced fracture through the waist of the scaphoid; no dislocation. Recommend thumb-spica immobilisation and repeat radiographs in 10 to 14 days.',
  'No acute osseous abnormality. Joint spaces preserved; soft tissues unremarkable. Findings do not support the clinical suspicion of fracture.',
  'Right lower lobe consolidation with a small ipsilateral effusion, in keeping with pneumonia. Suggest follow-up radiograph after treatment to confirm resolution.',
  'Cardiomegaly with interstitial oedema and bilateral small effusions, most consistent with cardiac decompensation. No pneumothorax.',
  'Degenerative change at the first carpometacarpal joint; no fracture. The lucency described in the prior report is a nutrient canal.',
  'Subtle cortical break at the base of the fifth metatarsal (zone 1 avulsion). Correlate with point tenderness.',
];

export interface CasePlan {
  caseId: string;
  bodyRegion: string;
  codes: string[];
  withPriorReport: boolean;
}

export function requestBody(plan: CasePlan): Record<string, unknown> {
  const body: Record<string, unknown> = {
    caseId: plan.caseId,
    // A pseudonymous reference holding a UUID: copies of template cases get patients of their own.
    patientRef: `pt-${randomUUID()}`,
    priority: pick(['routine', 'routine', 'routine', 'urgent', 'stat']),
    readsRequired: 2,
    study: {
      studyInstanceUid: `1.2.840.113619.2.55.3.${Math.floor(Math.random() * 1e9)}.${Math.floor(Math.random() * 1e6)}`,
      accessionNumber: `ACC${Math.floor(Math.random() * 1e8)}`,
      modality: pick(['DX', 'DX', 'CR', 'XR']),
      bodyRegion: plan.bodyRegion,
      studyDate: '2026-11-18',
    },
    clinicalQuestion: `${plan.bodyRegion === 'chest' ? 'Shortness of breath and fever for three days.' : 'Pain and swelling after a fall on the outstretched hand.'} Second opinion requested before surgery.`,
    requester: {
      kind: pick(['patient', 'referring-physician', 'insurer', 'legal-counsel']),
      id: `req-${Math.floor(Math.random() * 5000)}`,
      organisation: pick(['St. Elsewhere', 'County General', 'Mercy West', 'Lakeside Clinic']),
    },
  };
  if (plan.withPriorReport) {
    body.priorReport = {
      author: 'rad-ext-9',
      institution: 'St. Elsewhere',
      reportedAt: '2026-11-18T09:30:00.000Z',
      findings: plan.codes.map((code) => ({ code, presence: 'absent' })),
      impression: 'No acute abnormality.',
    };
  }
  return body;
}

export function newPlan(): CasePlan {
  const chest = Math.random() < 0.5;
  const bodyRegion = chest ? 'chest' : pick(MSK_REGIONS);
  return {
    caseId: randomUUID(),
    bodyRegion,
    codes: pickDistinct(chest ? CHEST_CODES : MSK_CODES, 3 + Math.floor(Math.random() * 3)),
    withPriorReport: Math.random() < 0.5,
  };
}

/** A reader's findings on the plan's codes; `disagreeOn` flips the first code (a major disagreement when significant). */
export function findingsFor(plan: CasePlan, disagree: boolean): Finding[] {
  return plan.codes.map((code, index) => {
    const present = index === 0 ? !disagree : index % 2 === 0;
    const finding: Finding = { code, presence: present ? 'present' : 'absent' };
    if (present && LOCATIONS[code]) finding.location = pick(LOCATIONS[code]);
    if (present && plan.bodyRegion !== 'chest') finding.laterality = pick(['left', 'right']);
    return finding;
  });
}

export function opinionBody(
  assignmentId: string,
  plan: CasePlan,
  disagree: boolean,
): { assignmentId: string; findings: Finding[]; impression: string; confidence: number } {
  return {
    assignmentId,
    findings: findingsFor(plan, disagree),
    impression: pick(IMPRESSIONS),
    confidence: 2 + Math.floor(Math.random() * 4),
  };
}

export const ADDENDUM_TEXTS = [
  'Correction: the fracture line extends to the proximal pole on the dedicated scaphoid view.',
  'Reviewed the lateral view supplied later; the effusion is smaller than first estimated.',
  'Clinical correlation received from the referring physician: findings discussed by telephone.',
];

export const READERS = Array.from({ length: 40 }, (_, i) => `rad-${String(i + 1).padStart(3, '0')}`);
