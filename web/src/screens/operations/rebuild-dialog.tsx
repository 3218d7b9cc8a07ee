import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, api, asApiError } from '../../api/client';
import { ProblemMessage } from '../../ui/page';
import { type ProjectionStatus, type RebuildAccepted, SERVES } from './operations.model';

/**
 * The confirmation step of a rebuild: a modal dialog that names the projection and says what a
 * rebuild does. Cancel (or Escape) sends nothing; only the named button posts the rebuild.
 */
export function RebuildDialog(props: {
  projection: ProjectionStatus;
  onCancel: () => void;
  onRebuilt: (answer: RebuildAccepted) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const { name, generation } = props.projection;
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<RebuildAccepted>(`/api/v1/projections/${encodeURIComponent(name)}/rebuild`, {
        method: 'POST',
      });
      props.onRebuilt(answer);
    } catch (caught) {
      setError(asApiError(caught));
      setBusy(false);
    }
  };
  const next = generation === null ? 'a new generation' : `generation ${generation + 1}`;
  return (
    <dialog
      ref={dialog}
      class="rebuild-dialog"
      aria-labelledby="rebuild-title"
      aria-describedby="rebuild-what"
      // Escape closes a modal dialog: that is a cancel.
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="rebuild-title">Rebuild the {name} projection?</h2>
      <div id="rebuild-what">
        <p>
          {SERVES[name] ? `${SERVES[name]} come from this read model. ` : ''}A rebuild builds {next} of{' '}
          <strong>{name}</strong> from the first event in the store, while{' '}
          {generation === null ? 'the current one' : `generation ${generation}`} keeps answering every query.
          When the new generation has caught up, the engine switches to it and drops the old one.
        </p>
        <p>
          Nothing is lost (read models are derived from the events), but the rebuild reads the whole event log
          and adds load on the database until it has caught up.
        </p>
      </div>
      <ProblemMessage error={error} context="The rebuild was not started" />
      <div class="dialog-actions">
        <button type="button" class="secondary" autoFocus onClick={props.onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={confirm} disabled={busy}>
          {busy ? 'Starting…' : `Rebuild ${name}`}
        </button>
      </div>
    </dialog>
  );
}
