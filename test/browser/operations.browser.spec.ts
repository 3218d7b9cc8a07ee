import { beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, ApiClient } from '../support/api.js';
import { caseSteps } from '../support/case-steps.js';
import { waitFor } from '../support/wait-for.js';
import { browserSuite } from './support/browser-suite.js';

interface Status {
  name: string;
  state: string;
  generation: number | null;
  lagEvents: number;
  rebuild?: unknown;
}

/**
 * The admin's operations screen (/app/operations): every projection with its lag, and a rebuild
 * that happens only after the confirmation step names the projection and is confirmed.
 */
describe('operations screen (Chromium)', () => {
  const suite = browserSuite();
  let api: ApiClient;
  const { requestCase } = caseSteps(() => api);

  const projections = async (): Promise<Status[]> =>
    (await api.get<{ items: Status[] }>('/api/v1/projections', ADMIN)).body.items;
  const worklist = async (): Promise<Status> =>
    (await projections()).find((item) => item.name === 'worklist')!;

  beforeAll(async () => {
    api = new ApiClient(suite.app.baseUrl);
    // Something for the projections to have applied, so that checkpoints and lag mean something.
    await requestCase({ patientRef: 'ops-pt-1' });
    await waitFor('every projection to catch up', projections, {
      until: (items) =>
        items.length > 0 && items.every((item) => item.state === 'running' && item.lagEvents === 0),
      timeoutMs: 20_000,
    });
  }, 90_000);

  it('lists every projection with its lag; cancelling a rebuild sends nothing, confirming starts it', async () => {
    await suite.withTab(async (tab) => {
      const { page } = tab;
      await tab.signInAs('/app/operations', ADMIN);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Operations');
      const table = page.getByRole('table', { name: /^Projections/ });
      await table.waitFor();
      const expected = await projections();
      const rows = table.locator('tbody tr');
      expect(await rows.locator('td:first-child strong').allInnerTexts()).toEqual(
        expected.map((item) => item.name),
      );
      const headers = await table.locator('thead th').allInnerTexts();
      const lagEvents = headers.indexOf('Lag (events)') + 1;
      const lagTime = headers.indexOf('Lag (time)') + 1;
      const generation = headers.indexOf('Generation') + 1;
      expect([lagEvents, lagTime, generation].every((column) => column > 0)).toBe(true);
      expect(await rows.locator(`td:nth-child(${lagEvents})`).allInnerTexts()).toEqual(
        expected.map(() => '0'),
      );
      expect(await rows.locator(`td:nth-child(${lagTime})`).allInnerTexts()).toEqual(
        expected.map(() => '0 s'),
      );
      expect(await rows.locator('td:nth-child(2)').allInnerTexts()).toEqual(expected.map(() => 'running'));
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('operations');

      const worklistRow = rows.filter({
        has: page.locator('td:first-child strong', { hasText: /^worklist$/ }),
      });
      const before = await worklist();
      expect(before).toMatchObject({ state: 'running', generation: 1 });
      expect(before.rebuild).toBeUndefined();

      // The confirmation step names the projection and says what a rebuild does; Cancel sends nothing.
      await worklistRow.getByRole('link', { name: 'Rebuild worklist' }).click();
      const dialog = page.getByRole('dialog', { name: 'Rebuild the worklist projection?' });
      await dialog.waitFor();
      expect(new URL(page.url()).searchParams.get('rebuild')).toBe('worklist');
      const explanation = await dialog.innerText();
      expect(explanation).toContain('builds generation 2 of worklist from the first event');
      expect(explanation).toContain('generation 1 keeps answering every query');
      // Cancel has the focus: Enter on an open dialog does not rebuild.
      expect(
        await dialog
          .getByRole('button', { name: 'Cancel' })
          .evaluate((button) => button === button.ownerDocument.activeElement),
      ).toBe(true);
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('operations-confirm');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(new URL(page.url()).searchParams.has('rebuild')).toBe(false);

      // Escape cancels too.
      await worklistRow.getByRole('link', { name: 'Rebuild worklist' }).click();
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      const untouched = await worklist();
      expect(untouched).toMatchObject({ state: 'running', generation: 1 });
      expect(untouched.rebuild).toBeUndefined();

      // Confirmed: the rebuild starts, the screen says so and follows it until generation 2 serves.
      await worklistRow.getByRole('link', { name: 'Rebuild worklist' }).click();
      await dialog.getByRole('button', { name: 'Rebuild worklist' }).click();
      await page
        .getByRole('status')
        .getByText(/^Rebuild of worklist requested \(state: rebuilding\)\. Generation 2 is being built/)
        .waitFor();
      await dialog.waitFor({ state: 'detached' });
      await worklistRow.locator(`td:nth-child(${generation})`).getByText('2', { exact: true }).waitFor();
      expect(await worklistRow.locator('td:nth-child(2)').innerText()).toBe('running');
      expect(await worklist()).toMatchObject({ state: 'running', generation: 2 });
      expect(tab.errors).toEqual([]);
    });
  }, 90_000);
});
