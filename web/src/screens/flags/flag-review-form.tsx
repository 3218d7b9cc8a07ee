import { useState } from 'preact/hooks';
import { type ApiError, api, asApiError } from '../../api/client';
import { ProblemMessage } from '../../ui/page';
import { DISPOSITIONS } from './flags.model';

export interface FlagReviewed {
  flagId: string;
  disposition: string;
  status: string;
}

const NOTE_MAX = 4_000;

/** A fresh Idempotency-Key (getRandomValues works outside secure contexts too, unlike randomUUID). */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `flag-review-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The committee's review: a disposition and a note saying why. A retried submission (a lost
 * answer) carries the same Idempotency-Key, so it is recorded once.
 */
export function FlagReviewForm(props: {
  flagId: string;
  onReviewed: (answer: FlagReviewed) => Promise<void>;
}) {
  const [disposition, setDisposition] = useState('');
  const [note, setNote] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<FlagReviewed>(
        `/api/v1/opinion-shopping/flags/${encodeURIComponent(props.flagId)}/review`,
        { method: 'POST', body: { disposition, note }, idempotencyKey: key },
      );
      setDisposition('');
      setNote('');
      setKey(newIdempotencyKey());
      await props.onReviewed(answer);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="review-form card" onSubmit={submit} aria-describedby="review-form-hint">
      <p id="review-form-hint" class="hint">
        A flag is a prompt to look, never an accusation. Every review is kept; the latest decides whether the
        flag stays in the queue.
      </p>
      <label>
        Disposition
        <select
          name="disposition"
          required
          value={disposition}
          onChange={(event) => setDisposition(event.currentTarget.value)}
        >
          <option value="">Choose a disposition…</option>
          {DISPOSITIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Note
        <textarea
          name="note"
          required
          rows={4}
          maxLength={NOTE_MAX}
          value={note}
          placeholder="Why the committee decided so, and what follows."
          onInput={(event) => setNote(event.currentTarget.value)}
        />
      </label>
      <ProblemMessage error={error} context="The review was not recorded" />
      <button type="submit" disabled={busy}>
        {busy ? 'Recording…' : 'Record review'}
      </button>
    </form>
  );
}
