import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '@stowage/testing';
import { REPO_ROOT } from '../processes';

/**
 * Debian's Chromium, headless, driven by playwright-core. The flags keep it from calling home
 * (this machine's network is closed to everything but loopback) and let it run as root.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Where the tests write their screenshots; CI keeps the folder. */
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'web-ui');

/**
 * A browser tab on the instance, recording what must never happen on any page: a script error, a
 * console error other than the browser's note about a refused request (the pages show those
 * answers), or a server error (5xx) from the API.
 */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Script errors, console errors and 5xx answers seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser, base: string): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL: base, viewport: DESKTOP });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium notes every 4xx answer to fetch() in the console; the page shows them itself.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
    problems.push(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500)
      problems.push(`${response.status()} from ${response.request().method()} ${response.url()}`);
  });
  return { page, context, problems, close: () => context.close() };
}

// axe-core's browser build, evaluated in the page through the DevTools protocol, which the page's
// Content-Security-Policy (no inline scripts) does not apply to.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** The serious and critical accessibility violations axe-core finds on the page as it is now. */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    // Written as text: the test's TypeScript has no DOM types, and this runs in the page.
    `axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)`,
  )) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
}

/**
 * Screenshots the page at desktop and phone width (`<name>-desktop.png`, `<name>-phone.png`) and
 * checks accessibility at both; resolves with the violations found.
 */
export async function screenshotAndCheck(page: Page, name: string): Promise<string[]> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const violations: string[] = [];
  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
    violations.push(
      ...(await seriousAccessibilityViolations(page)).map((violation) => `${label}: ${violation}`),
    );
  }
  await page.setViewportSize(DESKTOP);
  return violations;
}
