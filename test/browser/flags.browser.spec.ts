import { beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, INTEGRATOR, QUALITY } from '../support/api.js';
import { secondsAgo, tokenFor } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';
import { waitFor } from '../support/wait-for.js';
import { browserSuite } from './support/browser-suite.js';

type Json = Record<string, unknown>;
interface Flag {
  flagId: string;
  rule: string;
  patientRef: string;
  status: string;
  reviews: Array<{ reviewedBy: string; disposition: string; note: string }>;
}

const DAY = 86_400_000;
const daysAgo = (days: number): string => new Date(Date.now() - days * DAY).toISOString();

/**
 * The committee's opinion-shopping queue (/app/flags): three patterns imported through the API raise
 * three flags; a reviewer orders the queue, opens one flag's evidence, resolves it, and it leaves
 * the queue with the review in its history.
 */
describe('opinion-shopping flags screen (Chromium)', () => {
  const suite = browserSuite();
  let api: ApiClient;
  const { requestCase } = caseSteps(() => api);
  let uid = 0;

  /** A request imported by the integrator as of `at`, without a prior report. */
  const request = (patientRef: string, at: string, extra: Json = {}): Promise<string> => {
    uid += 1;
    return requestCase(
      {
        patientRef,
        study: {
          studyInstanceUid: `1.2.826.0.41.${uid}`,
          modality: 'XR',
          bodyRegion: 'wrist',
          studyDate: at.slice(0, 10),
        },
        requester: { kind: 'patient', id: 'self', organisation: 'Self-referred' },
        priorReport: undefined,
        occurredAt: at,
        ...extra,
      },
      INTEGRATOR,
    );
  };

  const unresolved = async (): Promise<Flag[]> =>
    (await api.get<{ items: Flag[] }>('/api/v1/opinion-shopping/flags?status=unresolved', QUALITY)).body
      .items;

  beforeAll(async () => {
    api = new ApiClient(suite.app.baseUrl);
    // OS-1 (review): three requests within a year from three organisations, raised 100 days ago.
    await request('fl-repeat', daysAgo(120), {
      requester: { kind: 'insurer', id: 'ins-1', organisation: 'Acme Insurance' },
    });
    await request('fl-repeat', daysAgo(110), {
      requester: { kind: 'legal-counsel', id: 'law-1', organisation: 'Smith LLP' },
    });
    await request('fl-repeat', daysAgo(100), { requester: { kind: 'patient', id: 'fl-self' } });
    // OS-2 (high): five requests within 90 days, raised 40 days ago.
    for (const days of [60, 55, 50, 45, 40]) await request('fl-burst', daysAgo(days));
    // OS-4 (high): the same study under another patient reference, raised 10 days ago.
    const evaded = { studyInstanceUid: '1.2.826.0.41.99', modality: 'XR', bodyRegion: 'wrist' };
    await request('fl-evasion-a', daysAgo(15), { study: { ...evaded, studyDate: daysAgo(15).slice(0, 10) } });
    await request('fl-evasion-b', daysAgo(10), { study: { ...evaded, studyDate: daysAgo(15).slice(0, 10) } });
    // The flags come from a projection: the screen is opened once the API lists all three.
    await waitFor('three open flags', async () => (await unresolved()).map((flag) => flag.rule).sort(), {
      until: (rules) => rules.join() === 'OS-1,OS-2,OS-4',
      timeoutMs: 20_000,
    });
  }, 90_000);

  it('orders the queue, shows a flag’s evidence side by side, and a review takes it out of the queue', async () => {
    await suite.withTab(async (tab) => {
      const { page } = tab;
      await tab.signInAs('/app/flags', QUALITY);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Opinion-shopping flags');
      const queue = page.getByRole('table', { name: /In the queue/ });
      await queue.getByText('3 flags, most severe first, then oldest').waitFor();
      const patients = () => queue.locator('tbody td:nth-child(3) .patient-ref').allInnerTexts();
      // High before review; within a severity, the oldest first.
      expect(await patients()).toEqual(['fl-burst', 'fl-evasion-b', 'fl-repeat']);
      expect(await queue.locator('tbody td:first-child').allInnerTexts()).toEqual(['high', 'high', 'review']);
      expect(await queue.locator('tbody td:nth-child(6)').allInnerTexts()).toEqual([
        '40 days',
        '10 days',
        '100 days',
      ]);
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('flags');

      // Sorting is a link in the column header; the order is in the URL.
      await queue.getByRole('link', { name: 'Raised' }).click();
      await queue.getByText('oldest first').waitFor();
      expect(new URL(page.url()).searchParams.get('sort')).toBe('oldest');
      expect(await patients()).toEqual(['fl-repeat', 'fl-burst', 'fl-evasion-b']);

      // Open the OS-1 flag: its three requests side by side, no review yet.
      await queue.getByRole('link', { name: /fl-repeat/ }).click();
      const panel = page.getByRole('region', { name: /Repeated requests \(OS-1\) — patient fl-repeat/ });
      await panel.waitFor();
      const selected = new URL(page.url()).searchParams;
      expect(selected.get('flag')).toMatch(/^os1-[0-9a-f]{32}$/);
      expect(selected.get('patient')).toBe('fl-repeat');
      const evidence = panel.getByRole('table', { name: /3 cases behind the flag/ });
      expect(await evidence.locator('thead th').allInnerTexts()).toEqual([
        'Evidence',
        'Request 1',
        'Request 2',
        'Request 3',
      ]);
      const requesters = await evidence
        .getByRole('row', { name: /^Requester/ })
        .locator('td')
        .allInnerTexts();
      expect(requesters).toEqual([
        'insurer ins-1 (Acme Insurance)',
        'legal counsel law-1 (Smith LLP)',
        'patient fl-self',
      ]);
      expect(await panel.getByText('Not reviewed yet.').isVisible()).toBe(true);
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);

      // The review: a disposition and a note, both labelled and required.
      await panel.getByLabel('Disposition').selectOption('dismissed');
      await panel.getByLabel('Note').fill('Three payers asked in turn; the clinical reason is documented.');
      await panel.getByRole('button', { name: 'Record review' }).click();
      await panel
        .getByRole('status')
        .getByText('Review recorded (dismissed): it is resolved and has left the queue.')
        .waitFor();
      const history = panel.locator('.review-history li');
      expect(await history.count()).toBe(1);
      expect(await history.first().innerText()).toContain('dismissed by qc-1');
      expect(await history.first().innerText()).toContain('Three payers asked in turn');
      // It has left the queue, which now lists the two others.
      await queue.getByText('2 flags').waitFor();
      expect(await patients()).toEqual(['fl-burst', 'fl-evasion-b']);
      expect(await panel.locator('.flag-badges').innerText()).toContain('resolved');
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('flags-review');

      // The engine recorded it: the flag is resolved, with the review.
      const flagId = selected.get('flag');
      const queueNow = await unresolved();
      expect(queueNow.map((flag) => flag.flagId)).not.toContain(flagId);
      const resolved = (
        await api.get<{ items: Flag[] }>('/api/v1/opinion-shopping/flags?status=resolved', QUALITY)
      ).body.items;
      expect(resolved).toMatchObject([
        { flagId, status: 'resolved', reviews: [{ reviewedBy: 'qc-1', disposition: 'dismissed' }] },
      ]);

      // The status filter (in the URL) finds it among the resolved flags.
      await page.getByLabel('Status').selectOption('resolved');
      await page.getByRole('button', { name: 'Show flags' }).click();
      const resolvedTable = page.getByRole('table', { name: /^Resolved/ });
      await resolvedTable.getByText('1 flag,').waitFor();
      expect(new URL(page.url()).searchParams.get('status')).toBe('resolved');
      expect(await resolvedTable.locator('tbody td:nth-child(3) .patient-ref').allInnerTexts()).toEqual([
        'fl-repeat',
      ]);
      expect(tab.errors).toEqual([]);
    });
  }, 90_000);

  it('a review on a sign-in older than the signing window asks who is signing, keeps the note, then records it', async () => {
    await suite.withTab(async (tab) => {
      const { page } = tab;
      // Signed in ten minutes ago: reading is fine, signing (21 CFR 11.200) needs a fresh sign-in.
      await tab.signInAs('/app/flags', QUALITY, { authTime: secondsAgo(600) });
      const queue = page.getByRole('table', { name: /In the queue/ });
      await queue.getByRole('link', { name: /fl-burst/ }).click();
      const panel = page.getByRole('region', { name: /patient fl-burst/ });
      await panel.waitFor();
      const note = 'Five requests in ninety days; the GP explains each.';
      await panel.getByLabel('Disposition').selectOption('dismissed');
      await panel.getByLabel('Note').fill(note);
      await panel.getByRole('button', { name: 'Record review' }).click();

      // The engine's step-up challenge: still signed in, the form as it was, a way to confirm.
      const alert = panel.getByRole('alert').filter({ hasText: 'needs a sign-in from the last few minutes' });
      await alert.waitFor();
      expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      expect(await panel.getByLabel('Note').inputValue()).toBe(note);
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('flags-step-up');
      expect((await unresolved()).map((flag) => flag.patientRef)).toContain('fl-burst');

      // Someone else's token is refused; the signer's fresh one is taken.
      await alert.getByLabel('Fresh access token').fill(await tokenFor('qc-2', QUALITY.roles));
      await alert.getByRole('button', { name: 'Confirm it is you' }).click();
      await alert.getByText("That token is not qc-1's").waitFor();
      await alert
        .getByLabel('Fresh access token')
        .fill(await tokenFor(QUALITY.sub, QUALITY.roles, { name: QUALITY.name }));
      await alert.getByRole('button', { name: 'Confirm it is you' }).click();
      await panel.getByText('Signed in again: sign once more to record it.').waitFor();
      await panel.getByRole('button', { name: 'Record review' }).click();
      await panel
        .getByRole('status')
        .getByText(/Review recorded \(dismissed\)/)
        .waitFor();
      expect(await panel.locator('.review-history li').first().innerText()).toContain(note);
      expect((await unresolved()).map((flag) => flag.patientRef)).not.toContain('fl-burst');
      // The refused signature's 401 is the one console error the browser logs for it.
      expect(tab.errors.filter((error) => !error.includes('401'))).toEqual([]);
    });
  }, 90_000);
});
