import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import type { CaseDossier, DossierField, SignatureManifestation } from './case-dossier.js';
import { type DossierFont, dossierFonts } from './dossier-fonts.js';

/** What pdfkit 0.20 accepts beyond its published types: the PDF/A-3 relationship of an associated file. */
type AssociatedFileOptions = PDFKit.Mixins.PDFAttachmentOptions & { relationship: 'Data' | 'Source' };

/** pdfkit's XMP packet, open to one more description (the modification date PDF/A asks for). */
type WithMetadata = { appendXML(xml: string): void };

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 64, bottom: 64, left: 56, right: 56 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const INK = '#1a1a1a';
const MUTED = '#5b6270';
const ACCENT = '#1f3a68';
const RULE = '#9aa3b2';
const HEADER_FILL = '#e6ebf3';
const ZEBRA_FILL = '#f5f6f8';
const GOOD = '#1d6b35';
const BAD = '#a11d1d';

/** The sections, in order: the contents list and the PDF outline name them the same. */
const SECTIONS = [
  'Case summary',
  'Timeline',
  'What each reader was shown',
  'Opinions, adjudication and signatures',
  'RADPEER scores of the prior report',
  'Access log',
  'Integrity',
  'Appendix: event hashes',
] as const;
type Section = (typeof SECTIONS)[number];

/** A field as printed: a verdict is set in its colour. */
type PrintedField = DossierField & { color?: string };

interface Column {
  header: string;
  /** Share of the content width. */
  share: number;
  font?: DossierFont;
}

/** A time as the dossier prints it: UTC, to the millisecond. */
const when = (iso: string): string => (iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '—');

/** Two lines in a narrow column: the date, then the time. */
const whenStacked = (iso: string): string => (iso ? when(iso).replace(' ', '\n') : '—');

function actorText(actor: { id: string; role?: string; onBehalfOf?: string }): string {
  const role = actor.role ? ` (${actor.role})` : '';
  return actor.onBehalfOf ? `${actor.onBehalfOf}\nvia ${actor.id}${role}` : `${actor.id}${role}`;
}

/** PDF/XMP dates carry seconds: both must say the same instant. */
const toSecond = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);
const xmpDate = (date: Date): string => `${date.toISOString().split('.')[0]}Z`;

/** XMP text: the few characters XML would read as markup. */
const xmlText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Writes the dossier with pdfkit; kept in one place so that the layout reads top to bottom. */
class DossierWriter {
  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly dossier: CaseDossier,
  ) {}

  private get bottom(): number {
    return PAGE.height - MARGIN.bottom;
  }

  private font(font: DossierFont, size: number, color = INK): this {
    this.doc.font(font).fontSize(size).fillColor(color);
    return this;
  }

  /** Room for `height` more points on this page, else a new page. */
  private ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  private paragraph(
    text: string,
    options: { font?: DossierFont; size?: number; color?: string; gap?: number } = {},
  ): void {
    this.font(options.font ?? 'sans', options.size ?? 9, options.color ?? INK);
    this.doc.text(text, MARGIN.left, this.doc.y, { width: CONTENT_WIDTH, lineGap: 1.5 });
    this.doc.y += options.gap ?? 4;
  }

  private section(section: Section): void {
    const number = SECTIONS.indexOf(section) + 1;
    const title = section.startsWith('Appendix') ? section : `${number}. ${section}`;
    this.ensure(80);
    this.doc.y += 6;
    this.doc.outline.addItem(title);
    this.font('bold', 13, ACCENT);
    this.doc.text(title, MARGIN.left, this.doc.y, { width: CONTENT_WIDTH });
    const y = this.doc.y + 2;
    this.doc
      .moveTo(MARGIN.left, y)
      .lineTo(MARGIN.left + CONTENT_WIDTH, y)
      .lineWidth(0.8)
      .strokeColor(ACCENT)
      .stroke();
    this.doc.y = y + 8;
  }

  private subheading(text: string): void {
    this.ensure(60);
    this.font('bold', 10, INK);
    this.doc.text(text, MARGIN.left, this.doc.y, { width: CONTENT_WIDTH });
    this.doc.y += 3;
  }

  /** Label and value side by side; a long value flows on to the next page. */
  private fields(fields: readonly PrintedField[], labelWidth = 118): void {
    const valueX = MARGIN.left + labelWidth;
    const valueWidth = CONTENT_WIDTH - labelWidth;
    for (const { label, value, color } of fields) {
      this.font('sans', 9);
      const height = Math.min(
        this.doc.heightOfString(value || '—', { width: valueWidth, lineGap: 1.5 }),
        200,
      );
      this.ensure(height + 4);
      const top = this.doc.y;
      const page = this.doc.page;
      this.font('bold', 8.5, MUTED);
      this.doc.text(label, MARGIN.left, top, { width: labelWidth - 8 });
      const labelBottom = this.doc.y;
      if (color) this.font('bold', 9, color);
      else this.font('sans', 9);
      this.doc.text(value || '—', valueX, top, { width: valueWidth, lineGap: 1.5 });
      // A value that flowed on to the next page ends there; otherwise below the taller of the two.
      this.doc.y = (this.doc.page === page ? Math.max(this.doc.y, labelBottom) : this.doc.y) + 3;
    }
    this.doc.x = MARGIN.left;
    this.doc.y += 4;
  }

  /**
   * A ruled table, its header repeated on each page it runs on to. A row taller than a page
   * (very long free text) is printed as labelled paragraphs instead, never cut.
   */
  private table(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, size = 7.5): void {
    const pad = 3;
    const widths = columns.map((column) => column.share * CONTENT_WIDTH);
    const xs = widths.map((_, index) => MARGIN.left + widths.slice(0, index).reduce((a, b) => a + b, 0));
    const heightOf = (cells: readonly string[], header: boolean): number =>
      Math.max(
        ...cells.map((cell, index) => {
          this.font(header ? 'bold' : (columns[index]!.font ?? 'sans'), size);
          return this.doc.heightOfString(cell || '—', { width: widths[index]! - 2 * pad });
        }),
      ) +
      2 * pad;
    const drawRow = (cells: readonly string[], header: boolean, fill?: string): void => {
      const height = heightOf(cells, header);
      const top = this.doc.y;
      if (fill) this.doc.rect(MARGIN.left, top, CONTENT_WIDTH, height).fillColor(fill).fill();
      cells.forEach((cell, index) => {
        this.font(header ? 'bold' : (columns[index]!.font ?? 'sans'), size, header ? ACCENT : INK);
        this.doc.text(cell || '—', xs[index]! + pad, top + pad, { width: widths[index]! - 2 * pad });
      });
      const bottom = top + height;
      this.doc
        .moveTo(MARGIN.left, bottom)
        .lineTo(MARGIN.left + CONTENT_WIDTH, bottom)
        .lineWidth(header ? 0.8 : 0.3)
        .strokeColor(RULE)
        .stroke();
      this.doc.y = bottom;
    };
    const headers = columns.map((column) => column.header);
    const header = () => drawRow(headers, true, HEADER_FILL);
    this.ensure(heightOf(headers, true) + 24);
    header();
    const usable = this.bottom - MARGIN.top - heightOf(headers, true);
    rows.forEach((row, index) => {
      const height = heightOf(row, false);
      if (height > usable) {
        // Not a lone first line at the foot of a page.
        this.ensure(120);
        this.doc.y += 4;
        this.fields(row.map((cell, column) => ({ label: headers[column]!, value: cell })));
        return;
      }
      if (this.doc.y + height > this.bottom - 1) {
        this.doc.addPage();
        header();
      }
      drawRow(row, false, index % 2 === 1 ? ZEBRA_FILL : undefined);
    });
    this.doc.x = MARGIN.left;
    this.doc.y += 10;
  }

  private nothing(text: string): void {
    this.paragraph(text, { color: MUTED, gap: 8 });
  }

  private verdictLine(): { text: string; color: string } {
    const { verdict, evidence, checks, unprovenEvents } = this.dossier.integrity;
    const range = `revisions 0–${this.dossier.revision}`;
    if (!verdict.verified) {
      return {
        text: `NOT VERIFIED: the hash chain breaks at revision ${verdict.firstBrokenRevision} (${verdict.reason}).`,
        color: BAD,
      };
    }
    const failed = checks.find((check) => !check.ok);
    if (failed) return { text: `NOT VERIFIED: ${failed.subject}: ${failed.detail}.`, color: BAD };
    const chain = `the hash chain of ${range} is intact (${verdict.checked} events)`;
    if (evidence === null) return { text: `VERIFIED: ${chain}.`, color: GOOD };
    const later = unprovenEvents === 0 ? '' : ` (the last ${unprovenEvents} came after it)`;
    return {
      text: `VERIFIED: ${chain}, and the events are proven in the log's signed checkpoint of tree size ${evidence.checkpoint.treeSize}${later}.`,
      color: GOOD,
    };
  }

  private checkpointLine(): string {
    const { evidence, unprovenEvents } = this.dossier.integrity;
    if (evidence === null) return 'No signed checkpoint of the log existed when this dossier was issued.';
    const { checkpoint, inclusionProofs } = evidence;
    const unproven = unprovenEvents === 0 ? '' : `; ${unprovenEvents} later case events are not yet covered`;
    return (
      `Signed checkpoint of ${checkpoint.origin} at tree size ${checkpoint.treeSize}; ` +
      `${inclusionProofs.length} inclusion proofs${unproven}.`
    );
  }

  titlePage(): void {
    const { dossier, doc } = this;
    const state = dossier.state;
    this.font('bold', 8, MUTED);
    doc.text('X-RAY SECOND-OPINION ENGINE  ·  MEDICO-LEGAL RECORD', MARGIN.left, MARGIN.top, {
      width: CONTENT_WIDTH,
      characterSpacing: 1,
    });
    doc.y += 10;
    this.font('bold', 24, ACCENT);
    doc.text('Case dossier', MARGIN.left, doc.y, { width: CONTENT_WIDTH });
    this.font('mono', 11, INK);
    doc.text(dossier.caseId, MARGIN.left, doc.y + 2, { width: CONTENT_WIDTH });
    const ruleY = doc.y + 10;
    doc
      .moveTo(MARGIN.left, ruleY)
      .lineTo(MARGIN.left + CONTENT_WIDTH, ruleY)
      .lineWidth(1.5)
      .strokeColor(ACCENT)
      .stroke();
    doc.y = ruleY + 14;

    const verdict = this.verdictLine();
    this.fields(
      [
        { label: 'Case', value: dossier.caseId },
        { label: 'Patient reference', value: state.patientRef },
        {
          label: 'Study',
          value: `${state.study.modality} ${state.study.bodyRegion}, ${state.study.studyDate}`,
        },
        {
          label: 'As at',
          value: `revision ${dossier.revision} of the case's event stream, recorded ${when(dossier.recordedAt)}`,
        },
        { label: 'Status', value: `${state.status}${state.outcome ? `; outcome: ${state.outcome}` : ''}` },
        { label: 'Integrity', value: `${verdict.text} ${this.checkpointLine()}`, color: verdict.color },
        {
          label: 'Evidence bundle',
          value:
            `${dossier.integrity.bundle.name}, embedded in this PDF/A-3 file as an associated file ` +
            `(${dossier.integrity.bundle.bytes} bytes), SHA-256 ${dossier.integrity.bundle.sha256}`,
        },
        {
          label: 'Issue',
          value:
            'This document carries no issue date of its own, so that the same case, revision and checkpoint ' +
            'always give the same bytes. The access-log entry that issued it records when, to whom and from ' +
            "where, and this file's SHA-256.",
        },
      ],
      110,
    );

    doc.y += 6;
    this.subheading('Contents');
    SECTIONS.forEach((section, index) => {
      this.font('sans', 9.5);
      const label = section.startsWith('Appendix') ? section : `${index + 1}.  ${section}`;
      doc.text(label, MARGIN.left + 12, doc.y + 1, { width: CONTENT_WIDTH - 12 });
    });
    doc.y += 14;
    this.subheading('How to check this dossier');
    this.paragraph(
      'Every statement in this dossier is taken from the events the engine recorded for the case, which ' +
        `are embedded unchanged in ${dossier.integrity.bundle.name}. Each case event carries the SHA-256 of ` +
        'its content and of the event before it (a hash chain): an event altered or removed after the fact ' +
        "no longer matches. Compare this file's SHA-256 with the one the access log recorded when it was " +
        "issued, then check the embedded bundle offline with the engine's command-line tool:",
    );
    this.paragraph("npm run verify -- --dossier <this file> --key <the engine's verifier key>", {
      font: 'mono',
      size: 9,
      gap: 4,
    });
    this.paragraph(
      'It extracts the bundle, recomputes every event hash and the chain, and, when the bundle holds a ' +
        "signed checkpoint, checks its signature with the engine's key (GET /api/v1/integrity/public-key, or " +
        "a witness's copy; without --key, the key the bundle names) and every inclusion proof against the " +
        'signed root. Exit code 0: verified; 1: something does not match, and it says what. Any PDF tool ' +
        "lists the attachment (for example poppler's pdfdetach -list).",
    );
  }

  summary(): void {
    this.doc.addPage();
    this.section('Case summary');
    this.fields(this.dossier.summary);
    this.subheading('Readers assigned');
    if (this.dossier.readers.length === 0) return this.nothing('No reader was assigned.');
    this.table(
      [
        { header: 'Reader', share: 0.13 },
        { header: 'Assignment', share: 0.16 },
        { header: 'Round', share: 0.08 },
        { header: 'What became of it', share: 0.37 },
        { header: 'Assignment id', share: 0.26, font: 'mono' },
      ],
      this.dossier.readers.map((reader) => [
        reader.readerId,
        reader.assignment,
        String(reader.round),
        reader.outcome,
        reader.assignmentId,
      ]),
    );
  }

  timeline(): void {
    this.doc.addPage();
    this.section('Timeline');
    this.paragraph(
      'Every event of the case up to the dossier\'s revision, in the order recorded. "Occurred" is when it ' +
        'happened (for imported history, the time the integrator gave); "Recorded" is when the event store ' +
        'committed it. The actor is the authenticated caller and the role that allowed the action; when an ' +
        'integrator acted for a person, that person is named first and the integrator after "via".',
      { color: MUTED, size: 8.5, gap: 8 },
    );
    this.table(
      [
        { header: 'Rev.', share: 0.06 },
        { header: 'Occurred', share: 0.13 },
        { header: 'Recorded', share: 0.13 },
        { header: 'Actor (on whose behalf)', share: 0.17 },
        { header: 'Event', share: 0.51 },
      ],
      this.dossier.timeline.map((entry) => [
        String(entry.revision),
        whenStacked(entry.occurredAt),
        whenStacked(entry.recordedAt),
        actorText(entry.actor),
        `${entry.type}\n${entry.summary}`,
      ]),
    );
  }

  shown(): void {
    this.section('What each reader was shown');
    this.paragraph(
      'Blinded primary readers are shown the images and the clinical question only; the prior report is shown ' +
        'to them only after their own opinion is signed (sequential unblinding). Each row is one read started, ' +
        'or the prior report shown for scoring.',
      { color: MUTED, size: 8.5, gap: 8 },
    );
    if (this.dossier.shown.length === 0) return this.nothing('No read was started.');
    this.table(
      [
        { header: 'Rev.', share: 0.06 },
        { header: 'Occurred', share: 0.15 },
        { header: 'Reader', share: 0.16 },
        { header: 'Assignment', share: 0.2 },
        { header: 'Round', share: 0.08 },
        { header: 'Shown', share: 0.35 },
      ],
      this.dossier.shown.map((entry) => [
        String(entry.revision),
        whenStacked(entry.occurredAt),
        entry.readerId,
        entry.assignment,
        String(entry.round),
        entry.shown.join(', '),
      ]),
    );
  }

  private signatureFields(signature: SignatureManifestation): DossierField[] {
    return [
      { label: 'Signed by', value: `${signature.printedName} (${signature.signerId})` },
      { label: 'Date and time', value: when(signature.signedAt) },
      { label: 'Meaning', value: signature.meaning },
      ...(signature.recordedBy
        ? [{ label: 'Submitted by', value: `${signature.recordedBy}, the signer's agent` }]
        : []),
      ...signature.other.map((line) => ({ label: 'Signature', value: line })),
    ];
  }

  decisions(): void {
    this.doc.addPage();
    this.section('Opinions, adjudication and signatures');
    this.paragraph(
      'Each signed record with its signature manifestation (21 CFR 11.50): the printed name of the signer, the ' +
        'date and time of signing, and the meaning of the signature. Free text is printed in full.',
      { color: MUTED, size: 8.5, gap: 8 },
    );
    if (this.dossier.decisions.length === 0) this.nothing('No opinion was submitted.');
    for (const block of this.dossier.decisions) {
      this.subheading(`${block.heading}  ·  revision ${block.revision}`);
      this.fields([
        ...block.fields,
        ...(block.text ? [block.text] : []),
        ...(block.signature ? this.signatureFields(block.signature) : []),
      ]);
    }
    this.subheading('Signature manifestations');
    if (this.dossier.signatures.length === 0) return this.nothing('Nothing was signed.');
    this.table(
      [
        { header: 'Rev.', share: 0.06 },
        { header: 'Record', share: 0.14 },
        { header: 'Printed name (signer)', share: 0.22 },
        { header: 'Date and time', share: 0.16 },
        { header: 'Meaning', share: 0.42 },
      ],
      this.dossier.signatures.map((signature) => [
        String(signature.revision),
        signature.record,
        `${signature.printedName}\n${signature.signerId}${signature.recordedBy ? ` via ${signature.recordedBy}` : ''}`,
        whenStacked(signature.signedAt),
        signature.meaning,
      ]),
    );
  }

  radpeer(): void {
    this.section('RADPEER scores of the prior report');
    this.paragraph(
      'ACR RADPEER: 1 concur; 2 discrepancy not ordinarily expected to be made (understandable miss); 3 ' +
        'discrepancy that should be made most of the time; a = unlikely, b = likely to be clinically significant.',
      { color: MUTED, size: 8.5, gap: 8 },
    );
    if (this.dossier.radpeer.length === 0) return this.nothing('The prior report was not scored.');
    this.table(
      [
        { header: 'Rev.', share: 0.06 },
        { header: 'Reader', share: 0.15 },
        { header: 'Score', share: 0.08 },
        { header: 'Meaning', share: 0.33 },
        { header: 'Comment', share: 0.22 },
        { header: 'Signed', share: 0.16 },
      ],
      this.dossier.radpeer.map((entry) => [
        String(entry.revision),
        entry.readerId,
        entry.score,
        entry.meaning,
        entry.comment ?? '—',
        `${whenStacked(entry.signedAt ?? '')}\n(with ${entry.givenWith === 'opinion' ? 'the opinion' : 'a review'})`,
      ]),
    );
  }

  access(): void {
    this.doc.addPage();
    this.section('Access log');
    const cut = this.dossier.accessCut;
    this.paragraph(
      "Every read of this case's data, and every attempt that was refused (401, 403, 404), as the engine " +
        "recorded it in the case's access stream. " +
        (cut.kind === 'checkpoint'
          ? `It holds the accesses the signed checkpoint of tree size ${cut.treeSize} covers; later ones, this ` +
            "dossier's own issue included, are in the live access log."
          : `It holds the accesses recorded by ${when(cut.recordedAt)}, when the dossier's last case event was ` +
            "recorded; later ones, this dossier's own issue included, are in the live access log."),
      { color: MUTED, size: 8.5, gap: 8 },
    );
    if (this.dossier.access.length === 0) return this.nothing('No access was recorded by then.');
    this.table(
      [
        { header: '#', share: 0.05 },
        { header: 'Accessed', share: 0.14 },
        { header: 'Actor (on whose behalf)', share: 0.18 },
        { header: 'What', share: 0.5 },
        { header: 'Answer', share: 0.13 },
      ],
      this.dossier.access.map((entry) => [
        String(entry.sequence),
        whenStacked(entry.accessedAt),
        actorText(entry.actor),
        entry.summary,
        `${entry.status}${entry.problemCode ? `\n${entry.problemCode}` : ''}`,
      ]),
    );
  }

  integrity(): void {
    this.doc.addPage();
    this.section('Integrity');
    const verdict = this.verdictLine();
    this.font('bold', 11, verdict.color);
    this.doc.text(verdict.text, MARGIN.left, this.doc.y, { width: CONTENT_WIDTH });
    this.doc.y += 6;
    this.paragraph(
      'Each case event is stored with prevHash, the hash of the event before it (64 zeros for the first), and ' +
        "hash = SHA-256 of prevHash followed by the RFC 8785 canonical JSON of the event's type, data and " +
        'metadata (without the hash and what the store itself sets). The verdict above was computed by the ' +
        'engine over the events in this dossier when it was issued; the embedded bundle lets anyone repeat it.',
      { gap: 8 },
    );
    const { evidence, bundle, checks } = this.dossier.integrity;
    this.subheading('What was checked');
    this.table(
      [
        { header: 'Check', share: 0.18 },
        { header: 'Result', share: 0.1 },
        { header: 'Finding', share: 0.72 },
      ],
      checks.map((check) => [check.subject, check.ok ? 'ok' : 'FAILED', check.detail]),
    );
    this.subheading('Signed checkpoint');
    if (evidence === null) {
      this.paragraph(
        'No signed checkpoint of the log existed when this dossier was issued, so it carries no inclusion ' +
          'proofs. The hash chain shows an event altered or removed on its own; it cannot by itself show a ' +
          'chain recomputed by whoever controls the database. A dossier issued once the log has a signed ' +
          'checkpoint carries an inclusion proof of each event against the signed root.',
        { gap: 8 },
      );
    } else {
      const { checkpoint, publicKey, inclusionProofs } = evidence;
      const fingerprint = createHash('sha256').update(publicKey.pem.trim()).digest('hex');
      this.fields([
        { label: 'Log', value: checkpoint.origin },
        { label: 'Tree size', value: String(checkpoint.treeSize) },
        { label: 'Root hash', value: checkpoint.rootHash },
        { label: 'Signing key', value: `${publicKey.verifierKey}\nSHA-256 of its PEM: ${fingerprint}` },
        { label: 'Signed at', value: when(checkpoint.signedAt) },
        { label: 'Not yet covered', value: String(this.dossier.integrity.unprovenEvents) },
      ]);
      this.subheading('Signed note, as signed');
      this.paragraph(checkpoint.note.trim(), { font: 'mono', size: 7.5, gap: 8 });
      this.subheading('Public key');
      this.paragraph(publicKey.pem.trim(), { font: 'mono', size: 7.5, gap: 8 });
      this.subheading('Inclusion proofs');
      const events = new Map(
        this.dossier.timeline.map((entry) => [entry.eventId, `case, revision ${entry.revision}`] as const),
      );
      this.table(
        [
          { header: 'Event', share: 0.2 },
          { header: 'Event id', share: 0.42, font: 'mono' },
          { header: 'Leaf index', share: 0.19 },
          { header: 'Path hashes', share: 0.19 },
        ],
        inclusionProofs.map((proof) => [
          events.get(proof.eventId) ?? 'access',
          proof.eventId,
          String(proof.leafIndex),
          String(proof.proof.length),
        ]),
      );
    }
    this.subheading('Evidence bundle');
    this.fields([
      {
        label: 'Attachment',
        value: `${bundle.name} (application/json, PDF/A-3 associated file, relationship Data)`,
      },
      { label: 'Size', value: `${bundle.bytes} bytes` },
      { label: 'SHA-256', value: bundle.sha256 },
      {
        label: 'Holds',
        value:
          `the ${this.dossier.timeline.length} case events and ${this.dossier.access.length} access events above, ` +
          'each exactly as stored with its canonical bytes; the verdict; and the checkpoint, inclusion proofs ' +
          'and public key when there is one.',
      },
    ]);
  }

  hashes(): void {
    this.doc.addPage();
    this.section('Appendix: event hashes');
    this.paragraph(
      "The hash of each case event as stored; each event's prevHash is the hash of the row above it (64 zeros " +
        'for revision 0).',
      { color: MUTED, size: 8.5, gap: 8 },
    );
    this.table(
      [
        { header: 'Rev.', share: 0.06 },
        { header: 'Event', share: 0.2 },
        { header: 'Event id', share: 0.27, font: 'mono' },
        { header: 'SHA-256 hash', share: 0.47, font: 'mono' },
      ],
      this.dossier.timeline.map((entry) => [String(entry.revision), entry.type, entry.eventId, entry.hash]),
      7,
    );
  }

  /** The running header and footer of every page, once the page count is known. */
  pageFurniture(): void {
    const { doc, dossier } = this;
    const { start, count } = doc.bufferedPageRange();
    for (let index = start; index < start + count; index++) {
      doc.switchToPage(index);
      // Written in the margins: no automatic page break there.
      const margins = doc.page.margins;
      doc.page.margins = { ...margins, top: 0, bottom: 0 };
      this.font('sans', 7, MUTED);
      if (index > start) {
        doc.text(
          `Case dossier  ·  ${dossier.caseId}  ·  as at revision ${dossier.revision}`,
          MARGIN.left,
          32,
          {
            width: CONTENT_WIDTH,
            lineBreak: false,
          },
        );
        doc
          .moveTo(MARGIN.left, 44)
          .lineTo(MARGIN.left + CONTENT_WIDTH, 44)
          .lineWidth(0.4)
          .strokeColor(RULE)
          .stroke();
      }
      const footerY = PAGE.height - 42;
      doc
        .moveTo(MARGIN.left, footerY - 6)
        .lineTo(MARGIN.left + CONTENT_WIDTH, footerY - 6)
        .lineWidth(0.4)
        .strokeColor(RULE)
        .stroke();
      this.font('sans', 7, MUTED);
      doc.text(`Evidence bundle SHA-256 ${dossier.integrity.bundle.sha256}`, MARGIN.left, footerY, {
        width: CONTENT_WIDTH - 80,
        lineBreak: false,
      });
      doc.text(`Page ${index - start + 1} of ${count}`, MARGIN.left + CONTENT_WIDTH - 80, footerY, {
        width: 80,
        align: 'right',
        lineBreak: false,
      });
      doc.page.margins = margins;
    }
  }
}

/**
 * The case dossier as PDF/A-3b (ISO 19005-3, level B): fonts embedded from the repository, sRGB
 * output intent, XMP metadata, and the evidence bundle as an associated file. Reproducible: the
 * document's dates are the dossier's last recorded event, and its ID is derived from its metadata,
 * which names the bundle's SHA-256, so the same dossier gives the same bytes.
 */
export function renderDossierPdf(dossier: CaseDossier, bundleBytes: Buffer): Promise<Buffer> {
  const date = toSecond(new Date(dossier.recordedAt));
  const fonts = dossierFonts();
  const title = `Case dossier ${dossier.caseId}`;
  const doc = new PDFDocument({
    pdfVersion: '1.7',
    subset: 'PDF/A-3b',
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    lang: 'en',
    displayTitle: true,
    // No default font: pdfkit's would be a standard font, which PDF/A cannot embed.
    font: null as unknown as string,
    info: {
      Title: title,
      Author: 'X-ray second-opinion engine',
      Subject: `Case ${dossier.caseId} as at revision ${dossier.revision}; evidence bundle SHA-256 ${dossier.integrity.bundle.sha256}`,
      Keywords: 'case dossier; second opinion; medico-legal; evidence bundle; hash chain',
      Creator: 'xray-second-opinion-engine',
      Producer: 'PDFKit',
      CreationDate: date,
      ModDate: date,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('sans', fonts.sans);
  doc.registerFont('bold', fonts.bold);
  doc.registerFont('mono', fonts.mono);
  (doc as unknown as WithMetadata).appendXML(`
        <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
            <xmp:ModifyDate>${xmlText(xmpDate(date))}</xmp:ModifyDate>
            <xmp:MetadataDate>${xmlText(xmpDate(date))}</xmp:MetadataDate>
        </rdf:Description>
        `);

  const writer = new DossierWriter(doc, dossier);
  writer.titlePage();
  writer.summary();
  writer.timeline();
  writer.shown();
  writer.decisions();
  writer.radpeer();
  writer.access();
  writer.integrity();
  writer.hashes();
  writer.pageFurniture();

  const attachment: AssociatedFileOptions = {
    name: dossier.integrity.bundle.name,
    type: 'application/json',
    description:
      'Evidence bundle: the case events as stored, their hash chain, and the checkpoint and inclusion proofs',
    relationship: 'Data',
    creationDate: date,
    modifiedDate: date,
  };
  doc.file(bundleBytes, attachment);
  doc.end();
  return done;
}
