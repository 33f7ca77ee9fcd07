/**
 * The console's re-verification list in a real browser (Debian's Chromium through playwright-core)
 * against the real API, worker and sandboxes: Alice finds an account due for re-verification
 * beside the queue, the holder's name masked, moves to it with j and opens it with Enter pressed at
 * once after the j, which claims it; Bob, opening the same account, sees her claim; q takes Alice
 * back to the list and releases it. An appealed account under 申诉 is opened the same way and its claim holder lifts
 * the restriction with a note. No CSP violation or script error on any page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskName } from '../../domain/masking';
import { apiPerFile, tokens } from '../support/api';
import { openAppealed } from '../support/appealed';
import { openCleanly } from '../support/harness';
import { launch, listen, screenshot, type Watch, watchedContext } from './support';

const t = apiPerFile();
const tokenOf = (id: string) => tokens.find((x) => x.id === id)!.token;
const POLL = { timeout: 15_000, interval: 100 };
let base: string;
let browser: Browser;
const watches: Watch[] = [];

beforeAll(async () => {
  [base, browser] = await Promise.all([listen(t.api), launch()]);
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(token: string): Promise<Page> {
  const { context, watch } = await watchedContext(browser);
  watches.push(watch);
  const page = await context.newPage();
  await page.goto(`${base}/console`);
  await page.getByLabel('审核员或主管令牌').fill(token);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '审核队列' }).waitFor();
  await page.getByRole('link', { name: '复核名单' }).click();
  await page.getByRole('heading', { name: '复核名单' }).waitFor();
  return page;
}

/** An account opened cleanly and made due for re-verification `hoursAgo` hours ago. */
async function openDue(hoursAgo: number) {
  const { req, accountNumber } = await openCleanly(t.h);
  const put = await fetch(`${t.h.coreBankingUrl}/core/v1/accounts/${accountNumber}/re-verification-due`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dueAt: new Date(Date.now() - hoursAgo * 3600_000).toISOString() }),
  });
  expect(put.status).toBe(200);
  return { req, accountNumber };
}

describe('the re-verification list beside the queue', () => {
  it('opens a due account from the keyboard (Enter right after j opens the row j moved to), claimed against a second operator, released on leaving', async () => {
    // Two accounts fall due before it, so the list puts it below them and j has rows to move over.
    await openDue(3);
    await openDue(2);
    const { req, accountNumber } = await openDue(1);

    const alice = await signedIn(tokenOf('op-alice'));
    const row = alice.locator(`tr[data-application="${req.applicationId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(maskName(req.applicant.name));
    expect(await row.textContent()).not.toContain(req.applicant.name);
    await alice.evaluate('document.activeElement?.blur()');
    // Step to the row above it with j/k in the rows' order (stepping back with k when past it),
    // until the selection holds still there.
    const ids = await Promise.all(
      (await alice.locator('tr[data-application]').all()).map((r) => r.getAttribute('data-application')),
    );
    const target = ids.indexOf(req.applicationId);
    expect(target).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 120; i++) {
      const at = ids.indexOf(await alice.locator('tr.selected').getAttribute('data-application'));
      if (at === target - 1) break;
      await alice.keyboard.press(at < target - 1 ? 'j' : 'k');
    }
    await expect
      .poll(() => alice.locator('tr.selected').getAttribute('data-application'), POLL)
      .toBe(ids[target - 1]);
    // j and Enter in one go, before the page can re-render between them: Enter opens the row j
    // moved to (a listener bound to the last render's selection opened the row above).
    await alice.evaluate(
      "for (const key of ['j', 'Enter']) dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }))",
    );
    // Every test applicant has the same masked name: the heading tells which account opened.
    await alice.getByRole('heading', { name: `账户 ${accountNumber}` }).waitFor();
    await alice.getByText('已由你认领').waitFor();
    await expect
      .poll(() => alice.locator('[data-field="holderName"] dd').textContent(), POLL)
      .toBe(maskName(req.applicant.name));
    await screenshot(alice, 'console-re-verification-account');

    const bob = await signedIn(tokenOf('op-bob'));
    await bob.locator(`tr[data-application="${req.applicationId}"]`).click();
    await bob.getByText('本账户正由 op-alice 处理').waitFor();

    await alice.keyboard.press('q');
    await alice.getByRole('heading', { name: '复核名单' }).waitFor();
    await expect
      .poll(async () => {
        // Refresh only when no load is running: a click during a load would drop that load's answer.
        const table = alice.locator('table');
        if ((await table.getAttribute('aria-busy')) === 'false')
          await alice.getByRole('button', { name: '刷新' }).click();
        await alice.locator('table[aria-busy="false"]').waitFor();
        return row.locator('td').last().textContent();
      }, POLL)
      .toBe('—');
    expect(watches.flatMap((w) => w.problems)).toEqual([]);
  });

  it('lists an appealed account under 申诉, and its claim holder lifts the restriction with a note', async () => {
    const appealed = await openAppealed(t.h, t.api);
    const alice = await signedIn(tokenOf('op-alice'));
    await alice.locator('button[data-list="APPEALED"]').click();
    const row = alice.locator(`tr[data-application="${appealed.applicationId}"]`);
    // Visibility lists the case a moment after it is APPEALED: refresh until it does.
    await expect
      .poll(async () => {
        if ((await alice.locator('table').getAttribute('aria-busy')) === 'false')
          await alice.getByRole('button', { name: '刷新' }).click();
        await alice.locator('table[aria-busy="false"]').waitFor();
        return row.count();
      }, POLL)
      .toBe(1);
    await row.click();
    await alice.getByText('已由你认领').waitFor();
    await alice.getByLabel('解除限制').check();
    await alice.getByLabel('说明（必填）').fill('re-verified at a branch');
    await alice.getByRole('button', { name: '提交决定' }).click();
    await alice.getByText('已决定：解除限制').waitFor();
    expect(watches.flatMap((w) => w.problems)).toEqual([]);
  });
});
