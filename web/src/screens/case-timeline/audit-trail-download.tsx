import { useState } from 'preact/hooks';
import { ApiError, type Problem } from '../../api/client';
import { useSession } from '../../auth/session-context';
import { ProblemMessage } from '../../ui/page';

const FILENAME = /filename="?([^";]+)"?/i;

/** Hand `blob` to the browser as a download: a blob: link is navigation, which the app's CSP leaves alone. */
function saveAs(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Long enough for the browser to have read it; the URL would otherwise hold the file until the tab closes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The case's audit trail as the engine's CSV export (every event, and every read of the case's
 * data). A plain link cannot carry the bearer token, so the file is fetched with it and saved.
 */
export function AuditTrailDownload(props: { caseId: string }) {
  const { session } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [truncated, setTruncated] = useState(false);
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch(`/api/v1/cases/${encodeURIComponent(props.caseId)}/audit-trail`, {
        headers: { accept: 'text/csv', authorization: `Bearer ${session?.token ?? ''}` },
        credentials: 'omit',
      });
      if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as Problem;
        setError(new ApiError(response.status, problem));
        return;
      }
      const filename =
        FILENAME.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
        `audit-trail-${props.caseId}.csv`;
      setTruncated(response.headers.has('x-next-cursor'));
      saveAs(await response.blob(), filename);
    } catch (caught) {
      setError(new ApiError(0, { title: 'The download failed', detail: String(caught) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="record-downloads">
      <button
        type="button"
        class="secondary"
        onClick={download}
        disabled={busy}
        aria-describedby="audit-csv-hint"
      >
        {busy ? 'Preparing the audit trail…' : 'Download the audit trail (CSV)'}
      </button>
      <span id="audit-csv-hint" class="hint">
        Every event of this case and every read of its data, safe to open in a spreadsheet.
      </span>
      {truncated && (
        <p class="notice">
          The case has more than 50,000 audit rows: the file holds the first 50,000. Ask an administrator for
          the rest (the API's <code>X-Next-Cursor</code>).
        </p>
      )}
      <ProblemMessage error={error} context="Audit trail" />
    </div>
  );
}
