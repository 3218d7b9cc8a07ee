import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { query } from '../../api/client';
import { hasRole } from '../../auth/session';
import { useSession } from '../../auth/session-context';
import { Loading, Page, ProblemMessage } from '../../ui/page';
import { EvidenceCases, FlagFacts, ReviewHistory } from './flag-evidence';
import { FlagQueue } from './flag-queue';
import { type FlagReviewed, FlagReviewForm } from './flag-review-form';
import {
  DEFAULT_STATUS,
  type Flag,
  RULES,
  SEVERITY_BADGE,
  STATUS_BADGE,
  STATUS_FILTERS,
  ruleName,
  sortFlags,
  sortOf,
  statusFilterOf,
} from './flags.model';
import { useFlagList, useSelectedFlag } from './use-flags';

const WHERE_REVIEW_LEAVES: Readonly<Record<string, string>> = {
  resolved: 'it is resolved and has left the queue',
  'needs-follow-up': 'it stays in the queue, marked for follow-up',
  open: 'it is open',
};

/**
 * The quality committee's opinion-shopping queue: flags by severity and age,
 * one flag's evidence cases side by side, its review history and the review form. The filter, the
 * order and the selected flag live in the URL (`status`, `rule`, `sort`, `flag` with its `patient`).
 */
export function FlagsScreen() {
  const { query: params } = useRoute();
  const { route } = useLocation();
  const { session } = useSession();
  const status = statusFilterOf(params.status);
  const rule = params.rule && RULES[params.rule] ? params.rule : undefined;
  const sort = sortOf(params.sort);
  const list = useFlagList({ status: status === 'all' ? undefined : status, rule });
  const selected = useSelectedFlag(params.flag, params.patient);
  const [reviewed, setReviewed] = useState<string>();
  const canReview = hasRole(session, 'quality-committee');

  // What every link of the screen keeps; defaults are left out of the URL.
  const kept = {
    status: status === DEFAULT_STATUS ? undefined : status,
    rule,
    sort: sort === 'severity' ? undefined : sort,
    flag: params.flag,
    patient: params.patient,
  };

  const applyFilters = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const nextStatus = String(form.get('status') ?? '');
    route(
      `/app/flags${query({
        ...kept,
        status: nextStatus === DEFAULT_STATUS ? undefined : nextStatus,
        rule: String(form.get('rule') ?? ''),
      })}`,
    );
  };

  const onReviewed = async (answer: FlagReviewed) => {
    const before = selected.flag?.reviews.length ?? 0;
    await selected.refresh((flag) => (flag?.reviews.length ?? 0) > before);
    list.reload();
    setReviewed(
      `Review recorded (${answer.disposition}): ${WHERE_REVIEW_LEAVES[answer.status] ?? answer.status}.`,
    );
  };

  useEffect(() => setReviewed(undefined), [params.flag]);

  const statusLabel = STATUS_FILTERS.find((filter) => filter.value === status)?.label ?? status;
  const flags = list.flags ? sortFlags(list.flags, sort) : undefined;
  return (
    <Page
      title="Opinion-shopping flags"
      lead="Patterns in who asks for second opinions, raised for the quality committee to look at: prompts, never accusations."
    >
      <form class="filters flags-filters" onSubmit={applyFilters} key={`${status}|${rule ?? ''}`}>
        <label>
          Status
          <select name="status" defaultValue={status}>
            {STATUS_FILTERS.map((filter) => (
              <option key={filter.value} value={filter.value}>
                {filter.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rule
          <select name="rule" defaultValue={rule ?? ''}>
            <option value="">Any rule</option>
            {Object.entries(RULES).map(([code, { name }]) => (
              <option key={code} value={code}>
                {code} — {name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Show flags</button>
      </form>

      <ProblemMessage error={list.error} context="The flags could not be read" />
      {list.loading && !flags && <Loading what="the flags" />}
      {flags && (
        <>
          <FlagQueue
            flags={flags}
            caption={`${statusLabel}${rule ? `, ${rule}` : ''}: ${flags.length} ${flags.length === 1 ? 'flag' : 'flags'}, ${
              sort === 'severity'
                ? 'most severe first, then oldest'
                : sort === 'oldest'
                  ? 'oldest first'
                  : 'newest first'
            }`}
            sort={sort}
            selected={params.flag}
            params={kept}
          />
          {list.truncated && (
            <p class="notice">
              More flags match than this screen reads at once (2,000): narrow the list by rule or status.
            </p>
          )}
        </>
      )}

      {params.flag && (
        <FlagPanel
          flagId={params.flag}
          flag={selected.flag}
          loading={selected.loading}
          error={selected.error}
          canReview={canReview}
          reviewed={reviewed}
          onReviewed={onReviewed}
          closeHref={`/app/flags${query({ ...kept, flag: undefined, patient: undefined })}`}
        />
      )}
    </Page>
  );
}

function FlagPanel(props: {
  flagId: string;
  flag: Flag | undefined;
  loading: boolean;
  error: ReturnType<typeof useSelectedFlag>['error'];
  canReview: boolean;
  reviewed: string | undefined;
  onReviewed: (answer: FlagReviewed) => Promise<void>;
  closeHref: string;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { flag } = props;
  // Opening a flag takes keyboard and screen-reader users to it.
  useEffect(() => {
    if (flag) heading.current?.focus();
  }, [flag?.flagId]);
  if (props.error) return <ProblemMessage error={props.error} context="The flag could not be read" />;
  if (props.loading) return <Loading what="the flag" />;
  if (!flag) {
    return (
      <p class="notice">
        There is no flag {props.flagId} for this patient. <a href={props.closeHref}>Back to the list</a>.
      </p>
    );
  }
  return (
    <section class="flag-panel" aria-labelledby="flag-title">
      <h2 id="flag-title" ref={heading} tabIndex={-1}>
        {ruleName(flag.rule)} ({flag.rule}) — patient {flag.patientRef}
      </h2>
      <p class="flag-badges">
        <span class={`badge ${SEVERITY_BADGE[flag.severity] ?? 'neutral'}`}>severity {flag.severity}</span>{' '}
        <span class={`badge ${STATUS_BADGE[flag.status] ?? 'neutral'}`}>{flag.status}</span>{' '}
        <a href={props.closeHref}>Close</a>
      </p>
      <div role="status">{props.reviewed && <p class="notice">{props.reviewed}</p>}</div>
      <FlagFacts flag={flag} />
      <h3>Evidence</h3>
      <EvidenceCases flag={flag} />
      <div class="split">
        <div>
          <h3>Review history</h3>
          <ReviewHistory flag={flag} />
        </div>
        <div>
          <h3>Record a review</h3>
          {props.canReview ? (
            <FlagReviewForm flagId={flag.flagId} onReviewed={props.onReviewed} />
          ) : (
            <p class="hint">Only the quality committee records reviews.</p>
          )}
        </div>
      </div>
    </section>
  );
}
