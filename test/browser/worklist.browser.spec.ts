import { beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, COORDINATOR } from '../support/api.js';
import { caseSteps } from '../support/case-steps.js';
import { waitFor } from '../support/wait-for.js';
import { browserSuite } from './support/browser-suite.js';

const study = (uid: string, bodyRegion: string) => ({
  studyInstanceUid: uid,
  modality: 'DX',
  bodyRegion,
  studyDate: '2026-03-01',
});

/** The coordinator's worklist (/app/cases): find a case by patient reference and open its timeline. */
describe('worklist screen (Chromium)', () => {
  const suite = browserSuite();
  let api: ApiClient;
  const { requestCase } = caseSteps(() => api);
  const cases: Record<string, string> = {};

  beforeAll(async () => {
    api = new ApiClient(suite.app.baseUrl);
    cases.wrist = await requestCase({ patientRef: 'wl-pt-1', study: study('1.2.826.0.31.1', 'wrist') });
    cases.ankle = await requestCase({
      patientRef: 'wl-pt-2',
      study: study('1.2.826.0.31.2', 'ankle'),
      priority: 'stat',
      requester: { kind: 'insurer', id: 'wl-ins-1', organisation: 'Acme Insurance' },
    });
    cases.chest = await requestCase({
      patientRef: 'wl-pt-3',
      study: study('1.2.826.0.31.3', 'chest'),
      priority: 'urgent',
    });
    // The worklist is a projection: the screen is opened once it lists every seeded case.
    await waitFor(
      'the worklist to list the seeded cases',
      async () => (await api.get<{ items: unknown[] }>('/api/v1/cases', COORDINATOR)).body.items.length,
      { until: (count) => count === 3, timeoutMs: 20_000 },
    );
  }, 90_000);

  it('finds a case by patient reference, keeps the search in the URL, and opens its timeline', async () => {
    await suite.withTab(async (tab) => {
      const { page } = tab;
      await tab.signInAs('/app/cases', COORDINATOR);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Cases');
      const table = page.getByRole('table');
      await table.getByText('All cases — 3 cases').waitFor();
      const rows = table.locator('tbody tr');
      expect(await rows.count()).toBe(3);
      // Oldest request first; each row names its patient, study and priority.
      expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual([
        'wl-pt-1',
        'wl-pt-2',
        'wl-pt-3',
      ]);
      expect(await rows.nth(1).textContent()).toContain('ankle');
      expect(await rows.nth(1).textContent()).toContain('stat');
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('worklist');

      await page.getByLabel('Patient reference').fill('wl-pt-2');
      await page.getByRole('button', { name: 'Search' }).click();
      await table.getByText('Cases: patient wl-pt-2 — 1 case').waitFor();
      expect(await rows.count()).toBe(1);
      expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual(['wl-pt-2']);
      const url = new URL(page.url());
      expect(url.pathname).toBe('/app/cases');
      expect(url.searchParams.get('patientRef')).toBe('wl-pt-2');
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);

      // A search that matches nothing says so, and Back returns to the one before, its field refilled.
      await page.getByLabel('Status').selectOption('closed');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('No case matches this search.').waitFor();
      expect(new URL(page.url()).searchParams.get('status')).toBe('closed');
      await page.goBack();
      await table.getByText('Cases: patient wl-pt-2 — 1 case').waitFor();
      expect(await page.getByLabel('Status').inputValue()).toBe('');
      expect(await page.getByLabel('Patient reference').inputValue()).toBe('wl-pt-2');

      // The row's link (its accessible name is the whole case id) opens the case's timeline.
      await rows.getByRole('link', { name: cases.ankle }).click();
      await page.waitForURL(`**/app/cases/${cases.ankle}`);
      expect(new URL(page.url()).pathname).toBe(`/app/cases/${cases.ankle}`);
      expect(tab.errors).toEqual([]);
    });
  }, 90_000);
});
