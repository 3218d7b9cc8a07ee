import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import type { Caller } from '../../support/api.js';
import { type TokenOptions, tokenFor } from '../../support/app.js';
import { CHROMIUM_PATH } from './prerequisites.js';

/** Where every browser suite writes its screenshots (ignored by git): open them to see each screen. */
export const SCREENSHOT_DIR = resolve(
  process.env.SCREENSHOT_DIR ?? join(process.cwd(), 'test-output', 'screenshots'),
);

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Debian's Chromium, headless. This machine's network is closed: without the background-networking
 * flags Chromium fills its log with refused connections to Google's hosts.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface TabOptions {
  /** How long a page action waits before it fails (default 15 s). */
  defaultTimeoutMs?: number;
}

/** A fresh browser tab (its own storage: no session carries over) that records every console error. */
export class AppTab {
  /** Console errors and uncaught exceptions of the app's own pages: every test expects none. */
  readonly errors: string[] = [];
  /** Console errors of other origins' pages the tab passed through, kept for a failing test's eyes. */
  readonly otherOrigins: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Another origin's page (the OpenID provider's login form) is not the app under test.
      const origin = URL.canParse(message.location().url)
        ? new URL(message.location().url).origin
        : undefined;
      if (origin !== undefined && origin !== new URL(baseUrl).origin) this.otherOrigins.push(message.text());
      else this.errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.errors.push(`page error: ${error.message}`));
  }

  static async open(browser: Browser, baseUrl: string, options: TabOptions = {}): Promise<AppTab> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(options.defaultTimeoutMs ?? 15_000);
    return new AppTab(context, page, baseUrl);
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`);
  }

  /** Open `path` and sign in on the form with a bearer token; the screen asked for opens after. */
  async signInWithToken(path: string, token: string): Promise<void> {
    await this.goto(path);
    await this.page.getByLabel('Access token', { exact: true }).fill(token);
    await this.page.getByRole('button', { name: 'Sign in with token' }).click();
    await this.page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** Open `path` and sign in as `caller` with a token of its own: a fresh sign-in unless `token` says otherwise. */
  async signInAs(path: string, caller: Caller, token: TokenOptions = {}): Promise<void> {
    await this.signInWithToken(
      path,
      await tokenFor(caller.sub, caller.roles, { name: caller.name, ...token }),
    );
  }

  /** The page's serious and critical axe-core violations (none is the expectation on every screen). */
  async seriousAccessibilityViolations(): Promise<string[]> {
    // Evaluated through the DevTools protocol, which the page's CSP does not govern.
    const violations = await this.page.evaluate(
      async ([source]) => {
        (0, eval)(source);
        const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } })
          .axe;
        const result = await axe.run();
        return result.violations
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map(
            (violation) =>
              `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes
                .slice(0, 3)
                .map((node) => node.target.join(' '))
                .join(' | ')}`,
          );
      },
      [AXE_SOURCE] as const,
    );
    return violations;
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** A fresh tab on `baseUrl` for `use`, closed afterwards whether `use` passes or throws. */
export async function withTab<T>(
  browser: Browser,
  baseUrl: string,
  use: (tab: AppTab) => Promise<T>,
  options: TabOptions = {},
): Promise<T> {
  const tab = await AppTab.open(browser, baseUrl, options);
  try {
    return await use(tab);
  } finally {
    await tab.close();
  }
}

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}
