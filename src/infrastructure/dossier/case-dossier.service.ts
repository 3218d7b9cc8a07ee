import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DOSSIER_EVIDENCE,
  type DossierEvidence,
  type DossierEvidenceSource,
} from '../../application/dossier/dossier-evidence.port.js';
import { CaseAggregate } from '../../application/case/case.aggregate.js';
import { assertRecordVisible } from '../../application/case/case-blinding.js';
import { verifyChain } from '../../application/integrity/hash-chain.js';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../application/ports/event-store.port.js';
import { caseViewFor, type CaseViewer, type FullCaseView } from '../../domain/case/case-view.js';
import { caseStreamId } from '../../domain/case/case.stream.js';
import { DomainError } from '../../domain/kernel/domain-error.js';
import { accessStreamId } from '../../projections/access-log/case-data-accessed.event.js';
import { type CaseDossier, caseDossier } from './case-dossier.js';
import {
  type AccessCut,
  EVIDENCE_BUNDLE_FILE_NAME,
  type EvidenceBundle,
  evidenceBundle,
  evidenceBundleBytes,
} from './evidence-bundle.js';
import { verifyEvidenceBundle } from './evidence-bundle.verifier.js';

/** Whom the dossier is written for: the complete record, whoever asks (once blinding allows it). */
const RECORD_VIEWER = { id: '$record', roles: ['medico-legal'] } as const;

export interface DossierPoint {
  /** The case as at this revision (inclusive); the latest when absent. */
  revision?: number;
  /** The checkpoint of this tree size; the latest when absent. */
  treeSize?: number;
}

export interface AssembledDossier {
  dossier: CaseDossier;
  bundle: EvidenceBundle;
  /** The bundle's bytes, as served (`?format=json`) and embedded. */
  bundleBytes: Buffer;
}

/**
 * Gathers what a case dossier holds (docs/api.md "Case dossier"): the case's events up to the asked
 * revision, its access events up to a cut that does not move (the checkpoint's tree, else the
 * dossier's last event), the chain verdict over those events and the log's evidence. The same case,
 * revision and checkpoint give the same dossier.
 */
@Injectable()
export class CaseDossiers {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly aggregate: CaseAggregate,
    @Inject(DOSSIER_EVIDENCE) private readonly evidence: DossierEvidenceSource,
  ) {}

  async assemble(caseId: string, point: DossierPoint, viewer: CaseViewer): Promise<AssembledDossier> {
    const { events: stored } = await this.store.readStream(caseStreamId(caseId));
    if (stored.length === 0) throw new DomainError('not-found', `Case ${caseId} does not exist.`);
    const current = this.aggregate.fold(stored);
    assertRecordVisible(current, viewer, 'dossier');
    const latest = stored.at(-1)!.revision;
    if (point.revision !== undefined && point.revision > latest) {
      throw new DomainError(
        'not-found',
        `Case ${caseId} has no revision ${point.revision} (latest is ${latest}).`,
      );
    }
    const included = stored.filter((event) => event.revision <= (point.revision ?? latest));
    const state = this.aggregate.fold(included);
    if (!state.exists) throw new DomainError('not-found', `Case ${caseId} does not exist.`);
    const { events: accessed } = await this.store.readStream(accessStreamId(caseId));

    const evidence = await this.evidence.evidenceFor(
      [...included, ...accessed].map((event) => event.eventId),
      point.treeSize,
    );
    const { accessCut, accessEvents } = cutAccess(accessed, included.at(-1)!, evidence);
    const verdict = verifyChain(included);
    const bundle = evidenceBundle({
      caseId,
      revision: included.at(-1)!.revision,
      caseEvents: included,
      verdict,
      accessCut,
      accessEvents,
      evidence,
    });
    const bundleBytes = evidenceBundleBytes(bundle);
    const proven = new Set(evidence?.inclusionProofs.map((proof) => proof.eventId));
    const dossier = caseDossier({
      caseId,
      events: included.map((event) => ({ stored: event, event: this.aggregate.fromStored(event) })),
      state: caseViewFor(state, RECORD_VIEWER) as FullCaseView,
      accessCut,
      accessEvents,
      integrity: {
        verdict,
        evidence,
        checks: verifyEvidenceBundle(bundle).checks,
        unprovenEvents: evidence === null ? 0 : included.filter((event) => !proven.has(event.eventId)).length,
        bundle: {
          name: EVIDENCE_BUNDLE_FILE_NAME,
          sha256: createHash('sha256').update(bundleBytes).digest('hex'),
          bytes: bundleBytes.length,
        },
      },
    });
    return { dossier, bundle, bundleBytes };
  }
}

/**
 * The access events a dossier holds must not grow between two requests for the same dossier (each
 * request is itself an access): those the checkpoint covers, else those recorded by the time the
 * store recorded the dossier's last case event.
 */
function cutAccess(
  accessed: readonly RecordedEvent[],
  last: RecordedEvent,
  evidence: DossierEvidence | null,
): { accessCut: AccessCut; accessEvents: RecordedEvent[] } {
  if (evidence !== null) {
    const proven = new Set(evidence.inclusionProofs.map((proof) => proof.eventId));
    return {
      accessCut: { kind: 'checkpoint', treeSize: evidence.checkpoint.treeSize },
      accessEvents: accessed.filter((event) => proven.has(event.eventId)),
    };
  }
  return {
    accessCut: { kind: 'recorded-by', recordedAt: last.recordedAt.toISOString() },
    accessEvents: accessed.filter((event) => event.recordedAt.getTime() <= last.recordedAt.getTime()),
  };
}
