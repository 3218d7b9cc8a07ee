import type { Integrity } from './case-record';
import { chainBreakLabel } from './vocabulary';

/**
 * The hash-chain verdict, first thing on the page: the engine verifies the whole stream as stored
 * now on every history read, whatever point is replayed; what that means for the replayed
 * revisions is said apart (events before the first broken one are still vouched for).
 */
export function IntegrityVerdict(props: { integrity: Integrity; revision: number; replaying: boolean }) {
  const { integrity, revision, replaying } = props;
  const events = `${integrity.lastRevision + 1} event${integrity.lastRevision === 0 ? '' : 's'}`;
  if (integrity.verified) {
    return (
      <section class="verdict ok" aria-labelledby="verdict-title">
        <h2 id="verdict-title">
          <span aria-hidden="true">✓ </span>Integrity verified
        </h2>
        <p>
          The hash chain of all {events} (revisions 0–{integrity.lastRevision}) is intact: no event was
          altered, removed or reordered after it was recorded.
          {replaying && ` Revision ${revision}, replayed here, lies on this verified chain.`}
        </p>
      </section>
    );
  }
  const broken = integrity.firstBrokenRevision;
  return (
    <section class="verdict alarm" aria-labelledby="verdict-title">
      <h2 id="verdict-title">
        <span aria-hidden="true">✗ </span>Integrity check failed
      </h2>
      <p>
        The hash chain breaks at <strong>revision {broken}</strong>, which {chainBreakLabel(integrity.reason)}
        . Events from revision {broken} on cannot be vouched for ({integrity.checked} of {events} checked).
      </p>
      {broken !== undefined && (
        <p>
          {revision < broken
            ? `Everything replayed here (revisions 0–${revision}) precedes the break and is intact.`
            : `This replay includes revision ${broken} or later: treat what it shows as unverified.`}
        </p>
      )}
    </section>
  );
}
