/**
 * A real browser for the page tests: Debian's Chromium (`/usr/bin/chromium`, which .ci/run
 * installs with apt-get when missing) driven by playwright-core, headless, no browser download.
 * The API listens on a free port on a harness's worker, as in production; pages are watched for
 * Content-Security-Policy violations, script errors and tokens in URLs.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** `UPDATE_SCREENSHOTS=1` (npm run screenshots) writes the README's screenshots to docs/screenshots/. */
export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? path.join(ROOT, 'docs/screenshots')
  : path.join(process.env.TMPDIR ?? '/tmp', 'account-opening-screenshots');

export async function listen(api: FastifyInstance): Promise<string> {
  await api.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in a container: Chromium's sandbox needs user namespaces it may not have.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
}

/** What a page did wrong: CSP violations, uncaught errors, console errors, tokens in URLs. */
export interface Watch {
  problems: string[];
  urls: string[];
}

export async function watchedContext(
  browser: Browser,
  opts: {
    viewport?: { width: number; height: number };
    hostToken?: string;
    /**
     * What the host puts on the bridge about the device (docs/console.md): the phone's address as
     * its backend saw it, the platform, the app's version. Without an `ip` the page runs v3.
     */
    hostDevice?: { ip?: string; platform?: string; appVersion?: string; deviceId?: string };
  } = {},
): Promise<{ context: BrowserContext; watch: Watch }> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1360, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
  });
  const watch: Watch = { problems: [], urls: [] };
  // The partner app's JavaScript bridge hands the page its token (injected before any page script,
  // as a WebView's host does); CSP does not govern what the host injects.
  if (opts.hostToken) {
    const bridge = { token: opts.hostToken, ...(opts.hostDevice && { device: opts.hostDevice }) };
    await context.addInitScript({ content: `window.AccountOpeningHost = ${JSON.stringify(bridge)};` });
  }
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
  });
  context.on('page', (page) => observe(page, watch));
  context.on('request', (req) => watch.urls.push(req.url()));
  return { context, watch };
}

function observe(page: Page, watch: Watch): void {
  page.on('pageerror', (err) => watch.problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // A refused call is answered on the page; the browser still logs the 4xx it saw.
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) {
      watch.problems.push(`console: ${msg.text()}`);
    }
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
