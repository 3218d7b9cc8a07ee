import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Locator } from 'playwright-core';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import { ApiClient, MEDICO_LEGAL, radiologist } from '../support/api.js';
import { type CaseHistory, caseSteps } from '../support/case-steps.js';
import { EVENT_TABLE, asSuperuser, setEventField } from '../support/superuser.js';
import { FRACTURE_OPINION, walkThroughCase } from '../support/walk-through.js';
import { SCREENSHOT_DIR } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';

const PENDING_CASE_OPINION = 'Displaced fracture of the distal radius.';
/** Each task runs axe on full pages: 30 s is too little when other suites share the machine's two cores. */
const BROWSER_TASK_TIMEOUT_MS = 90_000;

/** The text of the <dd> that follows the <dt> named `term`, within `scope`. */
const fact = (scope: Locator, term: string): Promise<string> =>
  scope
    .locator('dt', { hasText: new RegExp(`^${term}$`) })
    .locator('xpath=following-sibling::dd[1]')
    .innerText();

/**
 * The lawyer's case timeline, end to end in Chromium against the engine on a fresh database: a case
 * seeded through the REST API from request through discordance, adjudication and closure; its
 * events, the integrity verdict, replay by revision and by moment; and what a blinded reader and
 * an unassigned reader are shown of another reader's pending case.
 */
describe('case timeline screen (Chromium)', () => {
  const suite = browserSuite();
  let api: ApiClient;
  let closedCase: string;
  let full: CaseHistory;
  let pendingCase: string;
  let pendingOpinionId: string;
  const steps = caseSteps(() => api);
  const { requestCase, assign, startRead, submitOpinion, history } = steps;

  beforeAll(async () => {
    api = new ApiClient(suite.app.baseUrl);
    // Two blinded primaries disagree on a significant finding; the adjudicator decides; the coordinator closes.
    ({ caseId: closedCase } = await walkThroughCase(steps, { request: { patientRef: 'pt-3f9a' } }));
    full = await history(closedCase);

    // rad-a has submitted; rad-b's blinded read is pending.
    pendingCase = await requestCase({ patientRef: 'pt-77c1', clinicalQuestion: 'Distal radius fracture?' });
    const a = await assign(pendingCase, 'rad-a');
    const b = await assign(pendingCase, 'rad-b');
    await startRead(pendingCase, a, 'rad-a');
    const opinion = await submitOpinion(pendingCase, a, 'rad-a', {
      findings: [{ code: 'fracture', presence: 'present', location: 'distal radius' }],
      impression: PENDING_CASE_OPINION,
    });
    pendingOpinionId = opinion.opinionId as string;
    await startRead(pendingCase, b, 'rad-b');
    // The audit-trail CSV is a projection: it holds the case once the projections caught up.
    await suite.app.app.get(ProjectionRunner).waitUntilCaughtUp({ timeoutMs: 10_000 });
  }, 60_000);

  it(
    'the lawyer reads every event with actors and times, the verdict, and replays revision k by slider, bookmark and moment',
    async () => {
      expect(full.events).toHaveLength(16);
      await suite.withTab(async (tab) => {
        const page = tab.page;
        await tab.signInAs(`/app/cases/${closedCase}`, MEDICO_LEGAL);
        await page.getByRole('heading', { level: 1, name: 'Case timeline' }).waitFor();
        const stateRegion = page.getByRole('region', { name: 'Current state (revision 15)' });
        await stateRegion.waitFor();

        // The verdict, prominently: the whole chain of 16 events verified.
        const verdict = page.getByRole('region', { name: /Integrity verified/ });
        expect(await verdict.innerText()).toContain('all 16 events (revisions 0–15) is intact');

        // Every event in order, with who did it (and the engine's follow-ups), when it occurred and was recorded.
        const events = page.getByRole('table', { name: /Events, in the order they were recorded/ });
        const rows = events.locator('tbody tr');
        expect(await rows.count()).toBe(16);
        const eventNames = await rows.locator('td:nth-child(2) strong').allInnerTexts();
        expect(eventNames).toEqual([
          'Second opinion requested',
          'Reader assigned',
          'Reader assigned',
          'Read started',
          'Opinion submitted',
          'Prior report scored',
          'Read started',
          'Opinion submitted',
          'Prior report scored',
          'Discordance detected',
          'Case escalated',
          'Reader assigned',
          'Read started',
          'Adjudication decided',
          'Consensus reached',
          'Case closed',
        ]);
        const row = (revision: number) => rows.nth(revision);
        expect(await row(0).innerText()).toMatch(/coord-1\s+coordinator/);
        expect(await row(3).innerText()).toContain('rad-a was shown: images, clinical question');
        const opinionRow = await row(4).innerText();
        expect(opinionRow).toMatch(/rad-a\s+radiologist/);
        expect(opinionRow).toContain(FRACTURE_OPINION);
        expect(opinionRow).toContain('Signed by Dr rad-a, meaning authorship — the signer wrote it');
        // Occurred and recorded, both in UTC.
        expect(opinionRow.match(/\d{4}, \d{2}:\d{2}:\d{2} UTC/g)?.length).toBeGreaterThanOrEqual(2);
        expect(await row(5).innerText()).toContain('was shown the prior report and scored it RADPEER 3b');
        expect(await row(9).innerText()).toMatch(/Engine\s+automatic, following revision 8/);
        expect(await row(9).innerText()).toContain('major disagreement in round 1');
        expect(await row(10).innerText()).toContain('To adjudication, because the readers disagreed');
        const adjudicationRow = await row(13).innerText();
        expect(adjudicationRow).toContain('selected rad-a’s opinion');
        expect(adjudicationRow).toContain('meaning approval — the signer decided it');
        expect(await row(15).innerText()).toContain('Requester informed.');

        expect(await fact(stateRegion, 'Status')).toBe('Closed');
        expect(await fact(stateRegion, 'Outcome')).toBe('Overturned (the prior report was wrong)');
        expect(await tab.seriousAccessibilityViolations()).toEqual([]);
        await tab.screenshot('case-timeline');
        // The top of the page, the size a README shows (docs/case-timeline.png is a copy of it).
        await page.screenshot({
          path: join(SCREENSHOT_DIR, 'case-timeline-overview.png'),
          clip: { x: 0, y: 0, width: 1280, height: 1700 },
          fullPage: true,
        });

        // The slider, by keyboard and by value: revision 10, where the case awaited adjudication.
        const slider = page.getByRole('slider', { name: 'By revision' });
        expect(await slider.inputValue()).toBe('15');
        await slider.fill('12');
        await page.getByRole('region', { name: 'State at revision 12' }).waitFor();
        await slider.focus();
        await page.keyboard.press('ArrowLeft');
        await page.getByRole('region', { name: 'State at revision 11' }).waitFor();
        await page.keyboard.press('ArrowLeft');
        const atRevision = page.getByRole('region', { name: 'State at revision 10' });
        await atRevision.waitFor();
        expect(new URL(page.url()).search).toBe('?revision=10');
        expect(await fact(atRevision, 'Status')).toBe('Awaiting adjudication');
        expect(await fact(atRevision, 'Outcome')).toBe('none yet');
        expect(await atRevision.innerText()).toContain('to adjudication, because the readers disagreed');
        expect(await rows.count()).toBe(11);
        expect(await page.getByRole('heading', { name: 'Events up to revision 10 of 15' }).count()).toBe(1);
        expect(await verdict.innerText()).toContain(
          'Revision 10, replayed here, lies on this verified chain.',
        );
        expect(await tab.seriousAccessibilityViolations()).toEqual([]);
        await tab.screenshot('case-timeline-revision');

        // Back returns to the previous revision.
        await page.goBack();
        await page.getByRole('region', { name: 'State at revision 11' }).waitFor();
        expect(new URL(page.url()).search).toBe('?revision=11');

        // The bookmark opens the same replay.
        await tab.goto(`/app/cases/${closedCase}?revision=10`);
        const bookmarked = page.getByRole('region', { name: 'State at revision 10' });
        await bookmarked.waitFor();
        expect(await fact(bookmarked, 'Status')).toBe('Awaiting adjudication');
        expect(await page.getByRole('slider', { name: 'By revision' }).inputValue()).toBe('10');

        // The moment picker: as recorded when the escalation was recorded, then as occurred by rad-a's opinion.
        const escalatedAt = full.events[10]!.recordedAt;
        await page.getByLabel('By a moment').selectOption('asOf');
        await page.getByLabel('Moment (UTC)').fill(escalatedAt.slice(0, 23));
        await page.getByRole('button', { name: 'Replay', exact: true }).click();
        const asOf = page.getByRole('region', { name: /^State as recorded at .* UTC \(revision 10\)$/ });
        await asOf.waitFor();
        expect(new URL(page.url()).searchParams.get('asOf')).toBe(escalatedAt);
        expect(await fact(asOf, 'Status')).toBe('Awaiting adjudication');
        expect(await tab.seriousAccessibilityViolations()).toEqual([]);

        const opinionOccurredAt = full.events[4]!.occurredAt;
        await page.getByLabel('By a moment').selectOption('asOccurredBy');
        await page.getByLabel('Moment (UTC)').fill(opinionOccurredAt.slice(0, 23));
        await page.getByRole('button', { name: 'Replay', exact: true }).click();
        const asOccurred = page.getByRole('region', { name: /^State as occurred by .* \(revision 4\)$/ });
        await asOccurred.waitFor();
        expect(new URL(page.url()).searchParams.get('asOccurredBy')).toBe(opinionOccurredAt);
        expect(await fact(asOccurred, 'Status')).toBe('In review');
        expect(await asOccurred.innerText()).toContain(FRACTURE_OPINION);
        expect(await asOccurred.innerText()).not.toContain('No fracture seen.');

        // The audit trail as CSV, fetched with the token and saved by the browser.
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Download the audit trail (CSV)' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe(`audit-trail-${closedCase}.csv`);
        const csv = await readFile(await download.path(), 'utf8');
        expect(csv).toContain('AdjudicationDecided');
        expect(csv).toContain('CaseClosed');

        // The dossier of the revision on screen, a PDF the lawyer can file.
        const [dossier] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Download the case dossier (PDF, revision 4)' }).click(),
        ]);
        expect(dossier.suggestedFilename()).toBe(`case-${closedCase}-revision-4-dossier.pdf`);
        expect((await readFile(await dossier.path())).subarray(0, 5).toString('latin1')).toBe('%PDF-');

        expect(tab.errors).toEqual([]);
      });
    },
    BROWSER_TASK_TIMEOUT_MS,
  );

  it(
    'a reader with a pending blinded read sees only its own assignment; an unassigned reader sees the refusal',
    async () => {
      await suite.withTab(async (readerB) => {
        const page = readerB.page;
        await readerB.signInAs(`/app/cases/${pendingCase}`, radiologist('rad-b'));
        await page.getByRole('heading', { name: 'Your assignment' }).waitFor();
        const text = await page.locator('main').innerText();
        expect(text).toContain('Your read on this case is not submitted yet');
        expect(text).toContain('Distal radius fracture?');
        expect(text).toMatch(/Shown so far\s+images, clinical question/);
        // Nothing of rad-a's opinion, nor the prior report a blinded read does not show.
        for (const hidden of [
          PENDING_CASE_OPINION,
          'distal radius',
          'rad-a',
          pendingOpinionId,
          'rad-ext-9',
        ]) {
          expect(text).not.toContain(hidden);
        }
        expect(await page.getByRole('table').count()).toBe(0);
        expect(await readerB.seriousAccessibilityViolations()).toEqual([]);
        await readerB.screenshot('case-timeline-blinded-reader');
        // A replay URL asks the engine for nothing more: the same view.
        await readerB.goto(`/app/cases/${pendingCase}?revision=4`);
        await page.getByRole('heading', { name: 'Your assignment' }).waitFor();
        expect(await page.locator('main').innerText()).not.toContain(PENDING_CASE_OPINION);
        expect(readerB.errors).toEqual([]);
      });

      await suite.withTab(async (outsider) => {
        const page = outsider.page;
        await outsider.signInAs(`/app/cases/${pendingCase}`, { sub: 'rad-z', roles: ['radiologist'] });
        const alert = page.getByRole('alert');
        await alert.waitFor();
        expect(await alert.innerText()).toContain('(403)');
        expect(await alert.innerText()).toContain('holds no assignment on case');
        const text = await page.locator('main').innerText();
        for (const hidden of ['Distal radius fracture?', PENDING_CASE_OPINION, 'pt-77c1']) {
          expect(text).not.toContain(hidden);
        }
        expect(await outsider.seriousAccessibilityViolations()).toEqual([]);
        // The refused request is the one console error a browser logs for it.
        expect(outsider.errors).toEqual([expect.stringContaining('403')]);
      });
    },
    BROWSER_TASK_TIMEOUT_MS,
  );

  it(
    'a chain broken after the fact is the first thing the lawyer sees, with what it means for the replayed revision',
    async () => {
      // What a superuser could do: switch the append-only trigger off and change the adjudication's rationale.
      const altered = await asSuperuser(suite.app.database.url, [EVENT_TABLE], (sql) =>
        setEventField(sql, { streamId: `case-${closedCase}`, revision: 13 }, 'rationale', 'No fracture.'),
      );
      expect(altered).toBe(1);

      await suite.withTab(async (tab) => {
        const page = tab.page;
        await tab.signInAs(`/app/cases/${closedCase}?revision=10`, MEDICO_LEGAL);
        await page.getByRole('region', { name: 'State at revision 10' }).waitFor();
        const verdict = page.getByRole('region', { name: /Integrity check failed/ });
        const said = await verdict.innerText();
        expect(said).toContain('The hash chain breaks at revision 13, which does not match its hash');
        expect(said).toContain('Everything replayed here (revisions 0–10) precedes the break and is intact.');
        expect(await tab.seriousAccessibilityViolations()).toEqual([]);
        await tab.screenshot('case-timeline-broken-chain');

        await page.getByRole('link', { name: 'Back to the current state' }).click();
        await page.getByRole('region', { name: 'Current state (revision 15)' }).waitFor();
        expect(await verdict.innerText()).toContain('This replay includes revision 13 or later');
        expect(tab.errors).toEqual([]);
      });
    },
    BROWSER_TASK_TIMEOUT_MS,
  );
});
