import { afterAll, beforeAll, jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { type RunningApp, type StartTestAppOptions, startTestApp } from '../../support/app.js';
import { type AppTab, type TabOptions, launchChromium, withTab } from './browser.js';

/** Starting Chromium (and the engine beside it) takes a while on a machine whose two cores are shared. */
const START_TIMEOUT_MS = 60_000;
/** A screen's task in a real browser, beside the other suites on two cores: each test's default. */
const TASK_TIMEOUT_MS = 90_000;

export interface ChromiumSuite {
  /** The suite's Chromium: read it in a test or a later hook, once the suite's beforeAll has run. */
  readonly browser: Browser;
  /** A fresh tab on `baseUrl` for `use`, closed afterwards whether `use` passes or throws. */
  withTab<T>(baseUrl: string, use: (tab: AppTab) => Promise<T>, options?: TabOptions): Promise<T>;
}

export interface BrowserSuite {
  /** The suite's engine, on a database of its own. */
  readonly app: RunningApp;
  readonly browser: Browser;
  /** A fresh tab on the suite's engine for `use`, closed afterwards whether `use` passes or throws. */
  withTab<T>(use: (tab: AppTab) => Promise<T>, options?: TabOptions): Promise<T>;
}

/** What the suite's beforeAll sets, read through a getter that says so when read too early. */
function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not started yet: read it in a test or a later hook`);
  return value;
}

/** Registers the describe block's Chromium: launched in a beforeAll, closed in an afterAll. */
export function chromiumSuite(): ChromiumSuite {
  jest.setTimeout(TASK_TIMEOUT_MS);
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, START_TIMEOUT_MS);
  afterAll(async () => browser?.close());
  return {
    get browser() {
      return started(browser, 'Chromium');
    },
    withTab: (baseUrl, use, options) => withTab(started(browser, 'Chromium'), baseUrl, use, options),
  };
}

/**
 * Registers the describe block's engine (`startTestApp(env, options)`) and Chromium, started
 * together in a beforeAll and closed in an afterAll. A suite's own seeding goes in a beforeAll
 * registered after this call, which jest runs once both are up.
 */
export function browserSuite(
  env: Record<string, string> = {},
  options: StartTestAppOptions = {},
): BrowserSuite {
  jest.setTimeout(TASK_TIMEOUT_MS);
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(env, options), launchChromium()]);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  return {
    get app() {
      return started(app, 'The engine');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    withTab: (use, tabOptions) =>
      withTab(started(browser, 'Chromium'), started(app, 'The engine').baseUrl, use, tabOptions),
  };
}
