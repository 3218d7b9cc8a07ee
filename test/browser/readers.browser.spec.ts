import { beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, type Caller } from '../support/api.js';
import { type ReaderStudySeed, seedReaderStudy } from '../support/reader-study-seed.js';
import type { AppTab } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';

const OUTLIER = 'rad-outlier';
const COMMITTEE: Caller = { sub: 'qc-1', roles: ['quality-committee'], name: 'Quinn Committee' };

/**
 * Reader performance (/app/readers, /app/readers/{readerId}) in a real Chromium, on a reader study
 * seeded through the REST API with one planted outlier: the committee finds the outlier on the
 * funnel plot and reaches one of its discordant cases in three clicks.
 */
describe('reader performance screens (Chromium)', () => {
  const suite = browserSuite();
  let seed: ReaderStudySeed;

  beforeAll(async () => {
    seed = await seedReaderStudy(new ApiClient(suite.app.baseUrl), {
      readers: 5,
      cases: 40,
      outlierReaderId: OUTLIER,
    });
    // About 10 s on an idle machine; more when other suites share its two cores.
  }, 120_000);

  // The machine's two cores are shared with other suites: a page may take longer than the default to answer.
  const withTab = (use: (tab: AppTab) => Promise<void>) => suite.withTab(use, { defaultTimeoutMs: 30_000 });

  it('finds the outlier on the funnel plot, then its discordant cases, then a case timeline: three clicks', async () => {
    await withTab(async (tab) => {
      const { page } = tab;
      await tab.signInAs('/app/readers', COMMITTEE);
      const outside = page.getByRole('region', { name: 'Outside the limits' });
      await outside.getByRole('link', { name: OUTLIER }).waitFor();
      expect(await outside.textContent()).toMatch(
        new RegExp(`${OUTLIER}\\s*Above the 99\\.8% limit 50\\.0%`),
      );
      // The other readers read too few cases to be judged, and the page says so.
      expect(await outside.textContent()).toContain('4 readers have fewer than 30 compared reads');
      expect(await page.getByText('Minimum-n rule:').textContent()).toBeTruthy();
      const table = page.getByRole('table', { name: 'Readers by status: major-discordance rate' });
      const firstRow = await table.getByRole('row').nth(1).allInnerTexts();
      expect(firstRow.join(' ')).toMatch(
        new RegExp(`${OUTLIER}\\s+30\\s+${seed.outlierDiscordantCaseIds.length}\\s+50\\.0%`),
      );
      expect(
        await page.getByRole('img', { name: /^Major-discordance rate against the consensus/ }).count(),
      ).toBe(1);
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('readers-funnel');

      // The outlier's dot is a link the keyboard reaches: Tab from the last filter lands on it.
      const point = page
        .locator('.funnel-points')
        .getByRole('link', { name: new RegExp(`^Reader ${OUTLIER}:`) });
      expect(await point.getAttribute('aria-label')).toContain('above the 99.8% limit');
      await page.getByRole('combobox', { name: 'Period' }).focus();
      let reached = false;
      for (let presses = 0; presses < 5 && !reached; presses += 1) {
        await page.keyboard.press('Tab');
        // The test's own TypeScript has no DOM types: the element's document, typed as much as is used.
        reached = await point.evaluate(
          (element: { ownerDocument: { activeElement: unknown } }) =>
            element === element.ownerDocument.activeElement,
        );
      }
      expect(reached).toBe(true);

      // Click 1: the dot opens the reader.
      await point.click();
      await page.getByRole('heading', { level: 1, name: `Reader ${OUTLIER}` }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/app/readers/${OUTLIER}`);
      const discordant = seed.outlierDiscordantCaseIds.length;
      const accuracy = page.getByRole('table', { name: 'Against the reference standard' });
      await accuracy.waitFor();
      // Every fracture missed: 0 true positives, every positive a false negative, with its interval and kappa.
      expect((await accuracy.getByRole('row').nth(1).allInnerTexts()).join(' ')).toMatch(
        new RegExp(
          `All findings\\s+30\\s+0\\s+0\\s+${discordant}\\s+${30 - discordant}\\s+0\\s+0\\.0% \\(0\\.0%–`,
        ),
      );
      expect(await page.getByRole('region', { name: 'At a glance' }).textContent()).toContain(
        'Above the 99.8% limit',
      );
      expect(await page.getByRole('heading', { name: 'RADPEER scores' }).count()).toBe(1);
      expect(await page.getByRole('heading', { name: 'Turnaround' }).count()).toBe(1);
      expect(await page.getByRole('img', { name: /^Sensitivity and specificity by month/ }).count()).toBe(1);
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('reader-detail');

      // Click 2: the discordant count lists the cases behind it, on the same screen.
      await page.getByRole('link', { name: `${discordant} major discordances with the consensus` }).click();
      const list = page.getByRole('region', { name: `Cases behind ${discordant} major discordances` });
      await list.waitFor();
      expect(new URL(page.url()).searchParams.get('measure')).toBe('major-discordance');
      const caseLinks = list.getByRole('link', { name: /^Case .*: timeline$/ });
      await caseLinks.first().waitFor();
      const shown = (await caseLinks.allTextContents()).sort();
      expect(shown).toEqual([...seed.outlierDiscordantCaseIds].sort());
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('reader-cases');

      // Click 3: a case opens its timeline.
      const caseId = shown[0]!;
      await list.getByRole('link', { name: `Case ${caseId}: timeline` }).click();
      await page.waitForURL((url) => url.pathname === `/app/cases/${caseId}`);
      await page.getByRole('heading', { level: 1, name: /^Case/ }).waitFor();

      // Back returns to the cases behind the count.
      await page.goBack();
      await list.waitFor();
      expect(tab.errors).toEqual([]);
    });
  }, 90_000);

  it('changes the measure to sensitivity through the select: the URL, the plot and the table follow', async () => {
    await withTab(async (tab) => {
      const { page } = tab;
      await tab.signInAs('/app/readers', COMMITTEE);
      await page.getByRole('table', { name: 'Readers by status: major-discordance rate' }).waitFor();

      await page.getByRole('combobox', { name: 'Measure' }).selectOption('sensitivity');
      await page.waitForURL((url) => url.searchParams.get('measure') === 'sensitivity');
      const table = page.getByRole('table', { name: 'Readers by status: sensitivity' });
      await table.waitFor();
      expect(
        await page.getByRole('img', { name: /^Sensitivity against the reference standard/ }).count(),
      ).toBe(1);
      expect(await page.getByRole('combobox', { name: 'Compared with' }).inputValue()).toBe(
        'reference-standard',
      );
      expect(await table.getByRole('columnheader').allTextContents()).toContain('True positives');
      // The outlier found no fracture: 0 of its positives, below the limits.
      expect((await table.getByRole('row').nth(1).allInnerTexts()).join(' ')).toMatch(
        new RegExp(`${OUTLIER}\\s+\\d+\\s+0\\s+0\\.0%\\s+Below the 99\\.8% limit`),
      );
      expect(await page.getByRole('region', { name: 'Outside the limits' }).textContent()).toContain(
        'Below the 99.8% limit',
      );
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);

      // Against the consensus, then Back to the reference standard: each state is its own URL.
      await page.getByRole('combobox', { name: 'Compared with' }).selectOption('consensus');
      await page.waitForURL((url) => url.searchParams.get('reference') === 'consensus');
      await page.getByRole('img', { name: /^Sensitivity against the consensus/ }).waitFor();
      await page.goBack();
      await page.getByRole('img', { name: /^Sensitivity against the reference standard/ }).waitFor();
      expect(tab.errors).toEqual([]);
    });
  }, 90_000);
});
