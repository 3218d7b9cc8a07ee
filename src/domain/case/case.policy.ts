import type { FindingVocabulary } from './findings.js';
import type { Priority, RadpeerScore, ReadsRequired } from './case.values.js';

/** Everything a site may configure about cases. Rules read it as data; none branches on a site. */
export interface CasePolicy {
  /** Turnaround per priority, from the request's occurredAt. */
  readonly slaHours: Readonly<Record<Priority, number>>;
  /** Used when a request does not say (1: single second read; 2: the 2+1 double read). */
  readonly defaultReadsRequired: ReadsRequired;
  readonly findingVocabulary: FindingVocabulary;
  readonly bodyRegions: readonly string[];
  /** A request that occurred more than this long before the server's time is imported history: no SLA. */
  readonly importedHistoryThresholdHours: number;
  /** ACR requires these prior-report scores to go to arbitration before they count. */
  readonly radpeerScoresForcingAdjudication: readonly RadpeerScore[];
  /** A panel decides only once at least this many panelists are assigned and all have voted. */
  readonly panelMinSize: number;
  /** Whether a recorded SLA breach of a case in review also escalates it to adjudication. */
  readonly slaBreachEscalates: boolean;
}

/** The 14 CheXpert observations, then musculoskeletal codes; significance as in docs/domain.md. */
const DEFAULT_VOCABULARY: FindingVocabulary = [
  { code: 'no-finding', significant: false },
  { code: 'enlarged-cardiomediastinum', significant: false },
  { code: 'cardiomegaly', significant: false },
  { code: 'lung-opacity', significant: false },
  { code: 'lung-lesion', significant: true },
  { code: 'edema', significant: true },
  { code: 'consolidation', significant: true },
  { code: 'pneumonia', significant: true },
  { code: 'atelectasis', significant: false },
  { code: 'pneumothorax', significant: true },
  { code: 'pleural-effusion', significant: true },
  { code: 'pleural-other', significant: false },
  { code: 'fracture', significant: true },
  { code: 'support-devices', significant: false },
  { code: 'dislocation', significant: true },
  { code: 'bone-lesion', significant: true },
  { code: 'joint-effusion', significant: false },
  { code: 'foreign-body', significant: true },
  { code: 'degenerative-change', significant: false },
];

export const defaultCasePolicy: CasePolicy = {
  slaHours: { stat: 4, urgent: 24, routine: 72 },
  defaultReadsRequired: 2,
  findingVocabulary: DEFAULT_VOCABULARY,
  bodyRegions: [
    'skull',
    'spine-cervical',
    'spine-thoracic',
    'spine-lumbar',
    'chest',
    'abdomen',
    'pelvis',
    'shoulder',
    'humerus',
    'elbow',
    'forearm',
    'wrist',
    'hand',
    'hip',
    'femur',
    'knee',
    'tibia-fibula',
    'ankle',
    'foot',
  ],
  importedHistoryThresholdHours: 1,
  radpeerScoresForcingAdjudication: ['2b', '3a', '3b'],
  panelMinSize: 3,
  // Lateness alone gives an adjudicator nothing to decide on; a site may still turn it on.
  slaBreachEscalates: false,
};
