import { useState } from 'preact/hooks';
import { type ApiError, asApiError, request } from '../../api/client';
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
 * A file the engine exports (the audit-trail CSV): a plain link cannot carry the bearer token, so
 * the button fetches it through the API client and saves it under the name the engine gives it.
 */
export function RecordDownload(props: {
  id: string;
  path: string;
  accept: string;
  label: string;
  hint: string;
  fallbackName: string;
  /** What to say when the engine cut the export short (it sends `X-Next-Cursor`). */
  truncatedNote?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [truncated, setTruncated] = useState(false);
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const response = await request(props.path, { accept: props.accept });
      const filename =
        FILENAME.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? props.fallbackName;
      setTruncated(response.headers.has('x-next-cursor'));
      saveAs(await response.blob(), filename);
    } catch (caught) {
      setError(asApiError(caught, 'The download failed'));
    } finally {
      setBusy(false);
    }
  };
  const hintId = `${props.id}-hint`;
  return (
    <div class="record-downloads">
      <button type="button" class="secondary" onClick={download} disabled={busy} aria-describedby={hintId}>
        {busy ? 'Preparing the file…' : props.label}
      </button>
      <span id={hintId} class="hint">
        {props.hint}
      </span>
      {truncated && props.truncatedNote && <p class="notice">{props.truncatedNote}</p>}
      <ProblemMessage error={error} context={props.label} />
    </div>
  );
}

/** The case's audit trail as the engine's CSV export: every event, and every read of the case's data. */
export function AuditTrailDownload(props: { caseId: string }) {
  return (
    <RecordDownload
      id="audit-trail-csv"
      path={`/api/v1/cases/${encodeURIComponent(props.caseId)}/audit-trail`}
      accept="text/csv"
      label="Download the audit trail (CSV)"
      hint="Every event of this case and every read of its data, safe to open in a spreadsheet."
      fallbackName={`audit-trail-${props.caseId}.csv`}
      truncatedNote="The case has more than 50,000 audit rows: the file holds the first 50,000 (the API's X-Next-Cursor goes on from there)."
    />
  );
}

/**
 * The case dossier a lawyer files: a PDF/A-3 of the case as at the revision shown, with its
 * machine-readable evidence embedded (`npm run verify -- --dossier` checks it offline).
 */
export function DossierDownload(props: { caseId: string; revision: number }) {
  const { caseId, revision } = props;
  return (
    <RecordDownload
      id="case-dossier"
      path={`/api/v1/cases/${encodeURIComponent(caseId)}/dossier?revision=${revision}`}
      accept="application/pdf"
      label={`Download the case dossier (PDF, revision ${revision})`}
      hint="The case as at this revision, with signatures, access log and integrity evidence; its SHA-256 is recorded in the access log."
      fallbackName={`case-${caseId}-revision-${revision}-dossier.pdf`}
    />
  );
}
