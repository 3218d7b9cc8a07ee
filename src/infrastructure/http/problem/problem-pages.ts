import { createHash } from 'node:crypto';
import {
  PROBLEM_SECTIONS,
  type ProblemSection,
  type ProblemTypeEntry,
  problemTypeUri,
} from './problem-catalogue.js';
import { STATUS_TITLES } from './problem-details.js';

/** What `GET /problems/{code}` answers as JSON: the catalogue entry with its code and type. */
export interface ProblemType extends ProblemTypeEntry {
  code: string;
  type: string;
}

const SECTION_HEADINGS: Record<ProblemSection, string> = {
  request: 'Request and transport errors',
  domain: 'Domain errors (a broken business rule; nothing is written)',
  webhooks: 'Webhook subscription errors',
  fhir: 'FHIR facade errors (answered as an OperationOutcome carrying the code)',
};

export const problemTypeOf = (code: string, entry: ProblemTypeEntry): ProblemType => ({
  code,
  type: problemTypeUri(code),
  ...entry,
});

export const allProblemTypes = (): ProblemType[] =>
  Object.values(PROBLEM_SECTIONS).flatMap((section) =>
    Object.entries(section).map(([code, entry]) => problemTypeOf(code, entry)),
  );

/** The pages' only style: inline, allowed by its hash (PROBLEM_PAGE_STYLE_HASH); they run no script. */
const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}' +
  'code{font-family:ui-monospace,monospace;background:#f2f2f2;padding:0 .2em}' +
  'table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #ddd}' +
  'dt{font-weight:600}dd{margin:0 0 .5rem}';

/** For the pages' Content-Security-Policy `style-src`. */
export const PROBLEM_PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Catalogue text to HTML: escaped, with its `quoted names` as code. */
const prose = (text: string): string =>
  escapeHtml(text).replace(/`([^`]+)`/g, (_, quoted: string) => `<code>${quoted}</code>`);

const page = (title: string, body: string): string =>
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
  `<body><main>${body}</main></body></html>\n`;

const statusLine = (status: number): string => `${status} ${STATUS_TITLES[status] ?? ''}`.trim();

/**
 * One problem type. Links are relative (`../problems`), so they hold behind a proxy that serves the
 * engine under a path prefix.
 */
export function problemTypePage(problemType: ProblemType): string {
  return page(
    `${problemType.title} (${problemType.code}) · Problem types`,
    `<p><a href="../problems">All problem types</a></p>` +
      `<h1>${escapeHtml(problemType.title)}</h1>` +
      `<dl><dt>Code</dt><dd><code>${escapeHtml(problemType.code)}</code></dd>` +
      `<dt>HTTP status</dt><dd>${statusLine(problemType.status)}</dd></dl>` +
      `<h2>What it means</h2><p>${prose(problemType.meaning)}</p>` +
      `<h2>What to do</h2><p>${prose(problemType.action)}</p>` +
      "<p>Program against the code, not against the answer's <code>detail</code>: a sentence for people.</p>",
  );
}

/** The index of every problem type, grouped as the API guide's tables. */
export function problemIndexPage(): string {
  const sections = (Object.keys(PROBLEM_SECTIONS) as ProblemSection[]).map((section) => {
    const rows = Object.entries(PROBLEM_SECTIONS[section])
      .map(
        ([code, entry]: [string, ProblemTypeEntry]) =>
          `<tr><td><a href="problems/${escapeHtml(code)}"><code>${escapeHtml(code)}</code></a></td>` +
          `<td>${entry.status}</td><td>${escapeHtml(entry.title)}</td></tr>`,
      )
      .join('');
    return (
      `<h2>${escapeHtml(SECTION_HEADINGS[section])}</h2>` +
      `<table><thead><tr><th>code</th><th>status</th><th>title</th></tr></thead><tbody>${rows}</tbody></table>`
    );
  });
  return page(
    'Problem types',
    '<h1>Problem types</h1><p>Every error of this engine is <code>application/problem+json</code> ' +
      '(RFC 9457) whose <code>type</code> is one of these pages and whose <code>code</code> is stable.</p>' +
      sections.join(''),
  );
}

/** docs/api.md's table of one section, rendered from the catalogue (a test holds the guide to it). */
export function problemTable(section: ProblemSection): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = Object.entries(PROBLEM_SECTIONS[section]).map(
    ([code, entry]: [string, ProblemTypeEntry]) =>
      `| \`${code}\` | ${entry.status} | ${cell(entry.meaning)} | ${cell(entry.action)} |`,
  );
  return ['| code | status | meaning | what to do |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
