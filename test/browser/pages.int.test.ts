/**
 * The review console and the applicant's page in a real browser (Debian's Chromium through
 * playwright-core), against the real API, worker and sandboxes:
 *
 * - an applicant opens an account through /apply at 360 px in flow v4 (the purpose and the
 *   declaration, which the page asks for before it sends anything; a mistyped code first); a host
 *   that gives no IP address gets v3;
 * - another applicant's blurred photo opens a case; Alice finds it in the queue and decides it
 *   with the keyboard only (reject); Bob, meanwhile, is blocked by her claim; the applicant
 *   re-uploads through /apply; Alice may not approve (four eyes); Bob approves; the account is
 *   ACTIVE again;
 * - the funnel chart shows this run's numbers, as GET /v1/funnel counts them;
 * - a v4 case shows the applicant's purpose and declaration, the device, how many identities
 *   applied from the device and mobile (counts only), and the risk rating;
 * - Alice proposes to close an account; she and Bob see that a supervisor must confirm it, and
 *   neither is offered the confirmation; Carol, a supervisor, finds it in the queue under 待复核,
 *   confirms it, and the case ends CLOSED with the account closed in core banking.
 *
 * Every page is watched: no CSP violation, no script error, no token in any URL. Screenshots
 * go to a temp folder, or to docs/screenshots with UPDATE_SCREENSHOTS=1 (npm run screenshots).
 */

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import { buildApi } from '../../api/app';
import { Funnel } from '../../api/services/funnel';
import { Reviews } from '../../api/services/reviews';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import type { ApplicationView } from '../../sdk/index';
import { SqliteIdempotencyRecords } from '../../stores/idempotency-records';
import { SqliteSessionStore } from '../../stores/sessions';
import { TEST_COUNTER_HMAC_KEY, tokens } from '../support/api';
import {
  type Harness,
  newApplication,
  readAccount,
  readSmsCode,
  startHarness,
  TEST_DECISION_SIGNING_KEY,
} from '../support/harness';
import { newCard, newPerson, type Person } from '../support/people';
import { eventually, openWithReview } from '../support/review';
import {
  hasChromium,
  launch,
  listen,
  SCREENSHOT_DIR,
  screenshot,
  type Watch,
  watchedContext,
} from './support';

const tokenOf = (id: string) => tokens.find((t) => t.id === id)!.token;
const APP = tokenOf('test-app');
const ALICE = tokenOf('op-alice');
const BOB = tokenOf('op-bob');
const CAROL = tokenOf('sup-carol');

let h: Harness;
let api: FastifyInstance;
let productionApi: FastifyInstance;
let base: string;
let productionBase: string;
let browser: Browser;
const watches: Watch[] = [];
/** vitest's expect.poll gives up after 1 s by default; a page's few API calls may take longer on a busy machine. */
const POLL = { timeout: 15_000, interval: 100 };

beforeAll(async () => {
  h = await startHarness();
  // The queue and the funnel of this file's task queue only: other files' cases stay theirs.
  const deps = {
    tokens,
    sessions: new SqliteSessionStore(':memory:'),
    applications: h.applications,
    reviews: new Reviews(h.client, { taskQueue: h.taskQueue, decisionSigningKey: TEST_DECISION_SIGNING_KEY }),
    funnel: new Funnel(h.client, h.taskQueue),
    documents: h.documents,
    coreBanking: httpCoreBanking(h.coreBankingUrl),
    idempotency: new SqliteIdempotencyRecords(':memory:', TEST_COUNTER_HMAC_KEY),
    audit: h.audit,
  };
  api = await buildApi(deps);
  // The same API served as in production: /apply takes a customer's session and nothing else.
  productionApi = await buildApi({ ...deps, production: true });
  [base, productionBase, browser] = await Promise.all([listen(api), listen(productionApi), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await productionApi?.close();
  await h?.stop();
});

async function context(opts: Parameters<typeof watchedContext>[1] = {}) {
  const { context, watch } = await watchedContext(browser, opts);
  watches.push(watch);
  return context;
}

/** Every session token a host was given: none may show up in a URL. */
const sessionTokens: string[] = [];

/** What the host app's backend does: mints a customer's session for a new application. */
async function mintSession(at = base): Promise<string> {
  const res = await fetch(`${at}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${APP}`, 'content-type': 'application/json' },
    body: JSON.stringify({ applicationId: randomUUID() }),
  });
  if (res.status !== 201) throw new Error(`no session: ${res.status} ${await res.text()}`);
  const { sessionToken } = (await res.json()) as { sessionToken: string };
  sessionTokens.push(sessionToken);
  return sessionToken;
}

/** What the sample host hands the page about the phone: the address its backend saw (RFC 5737). */
const HOST_DEVICE = { ip: '203.0.113.7', platform: 'ANDROID', appVersion: '5.2.0' };

/**
 * The applicant's page at phone width, in a WebView whose host hands it a customer's session
 * token and the device (`hostDevice: null`: a host that gives none).
 */
async function applicantPage(
  at = base,
  hostToken?: string,
  hostDevice: typeof HOST_DEVICE | null = HOST_DEVICE,
): Promise<Page> {
  const ctx = await context({
    viewport: { width: 360, height: 780 },
    hostToken: hostToken ?? (await mintSession(at)),
    ...(hostDevice && { hostDevice }),
  });
  const page = await ctx.newPage();
  await page.goto(`${at}/apply`);
  return page;
}

const png = (name: string, buffer: Buffer) => ({ name, mimeType: 'image/png', buffer });

async function fillApplication(
  page: Page,
  person: Person,
  opts: { blurred?: boolean; v3?: boolean; declare?: boolean } = {},
) {
  await page.getByLabel('姓名', { exact: true }).fill(person.name);
  await page.getByLabel('身份证号', { exact: true }).fill(person.idNumber);
  await page.getByLabel('银行预留手机号').fill(person.mobile);
  await page.getByLabel('绑定的银行卡号').fill(newCard());
  await page.getByLabel('身份证人像面', { exact: true }).setInputFiles(
    png(
      'front.png',
      makeIdCardImage({
        side: 'FRONT',
        name: person.name,
        idNumber: person.idNumber,
        quality: opts.blurred ? ['BLURRED'] : [],
      }),
    ),
  );
  await page
    .getByLabel('身份证国徽面', { exact: true })
    .setInputFiles(png('back.png', makeIdCardImage({ side: 'BACK', validUntil: '2040-01-01' })));
  if (opts.v3) return;
  await page.getByRole('radio', { name: '储蓄' }).check();
  if (opts.declare !== false) await page.getByRole('checkbox', { name: /不出租、出借、出售/ }).check();
}

/** The application as staff read it (flow v4's intent and device included). */
async function staffView(applicationId: string) {
  const res = await fetch(`${base}/v1/applications/${applicationId}`, {
    headers: { authorization: `Bearer ${ALICE}` },
  });
  return {
    status: res.status,
    view: res.status === 200 ? ((await res.json()) as ApplicationView) : undefined,
  };
}

/** Submits the filled form and the SMS code; answers the account number shown. */
async function submitAndEnterCode(
  page: Page,
  person: Person,
  opts: { typoFirst?: boolean; shots?: string } = {},
) {
  await page.getByRole('button', { name: '提交并获取验证码' }).click();
  const codeInput = page.getByLabel('6 位验证码');
  await codeInput.waitFor();
  const code = await readSmsCode(h.providersUrl, person.mobile);
  if (opts.typoFirst) {
    await codeInput.fill(code.slice(0, 5) + ((Number(code[5]) + 1) % 10));
    await page.getByRole('button', { name: '确认开户' }).click();
    await expect
      .poll(() => page.locator('#code-message').textContent(), POLL)
      .toBe('验证码不正确，还可以再试 2 次。');
    if (opts.shots) await screenshot(page, `${opts.shots}-wrong-code`);
    // A new code, or the API's "too early" (429 with Retry-After), said on the page.
    await page.getByRole('button', { name: '没收到？重发验证码' }).click();
    await page.getByText(/新的验证码已发送|秒后再重发/).waitFor();
  }
  await codeInput.fill(await readSmsCode(h.providersUrl, person.mobile));
  await page.getByRole('button', { name: '确认开户' }).click();
  await page.getByRole('heading', { name: '账户已开立' }).waitFor();
  return (await page.locator('[data-account]').getAttribute('data-account'))!;
}

async function signIn(page: Page, token: string) {
  await page.goto(`${base}/console`);
  await page.getByLabel('审核员或主管令牌').fill(token);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '审核队列' }).waitFor();
}

describe('the applicant opens an account through /apply', () => {
  it('at 360 px: five elements, both photos, the purpose and the declaration (asked for before anything is sent), a mistyped code (tries left), then the right one', async () => {
    const page = await applicantPage();
    const sent: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && sent.push(new URL(r.url()).pathname));
    const person = newPerson('欧阳·娜娜');
    await fillApplication(page, person, { declare: false });
    await expect
      .poll(() => page.getByRole('checkbox', { name: /不出租、出借、出售/ }).isChecked())
      .toBe(false);
    await page.getByRole('button', { name: '提交并获取验证码' }).click();
    await page.getByText('开立账户须本人阅读并勾选以上承诺').waitFor();
    expect(sent).toEqual([]);
    await page.getByRole('checkbox', { name: /不出租、出借、出售/ }).check();
    await screenshot(page, 'apply-form');
    const accountNumber = await submitAndEnterCode(page, person, { typoFirst: true, shots: 'apply' });
    await expect.poll(() => page.locator('[data-status]').getAttribute('data-status'), POLL).toBe('ACTIVE');
    await screenshot(page, 'apply-opened');
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');
    const { view } = await staffView(await applicationIdOf(accountNumber));
    expect(view).toMatchObject({
      flowVersion: 'v4',
      intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true },
      device: { platform: 'ANDROID', appVersion: '5.2.0' },
    });
    // No horizontal scrolling at phone width.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
  });

  it('in v3 when the host gives no IP address: no purpose or declaration asked, none sent', async () => {
    const page = await applicantPage(base, undefined, null);
    const person = newPerson();
    await fillApplication(page, person, { v3: true });
    expect(await page.getByRole('checkbox', { name: /不出租、出借、出售/ }).count()).toBe(0);
    const accountNumber = await submitAndEnterCode(page, person);
    const { view } = await staffView(await applicationIdOf(accountNumber));
    expect(view?.flowVersion).toBe('v3');
    expect(view?.intent).toBeUndefined();
    expect(view?.device).toBeUndefined();
  });

  it('in production: refuses the tenant token a host hands it, and runs on a session', async () => {
    const refused = await applicantPage(productionBase, APP);
    await expect
      .poll(() => refused.getByRole('alert').textContent(), POLL)
      .toContain('只接受宿主 App 为本次申请提供的会话令牌');
    expect(await refused.getByLabel('姓名', { exact: true }).count()).toBe(0);
    const page = await applicantPage(productionBase);
    await page.getByLabel('姓名', { exact: true }).waitFor();
    expect(await page.getByLabel('应用令牌').count()).toBe(0);
  });

  it('serves both pages with a strict CSP and no inline script', async () => {
    for (const url of ['/console', '/apply']) {
      const res = await fetch(`${base}${url}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\sstyle=|<style/);
    }
  });
});

describe('a blurred photo: claimed, rejected from the keyboard, re-uploaded, approved by another operator', () => {
  it('goes from the applicant to two operators and back to ACTIVE', async () => {
    // The applicant: a blurred front photo opens the account with a review.
    const applicant = await applicantPage();
    const person = newPerson('李小龙');
    await fillApplication(applicant, person, { blurred: true });
    const accountNumber = await submitAndEnterCode(applicant, person);
    await applicant.getByText('您的资料需要人工复核').waitFor();
    const applicationId = await applicationIdOf(accountNumber);
    const reviewId = reviewWorkflowId(applicationId);

    // Alice: the queue, with the keyboard only (j until the case is selected, Enter opens it).
    const alice = await (await context()).newPage();
    await signIn(alice, ALICE);
    const row = alice.locator(`tr[data-review="${reviewId}"]`);
    await expect
      .poll(
        async () => {
          if (await row.count()) return true;
          await alice.getByRole('button', { name: '刷新' }).click();
          return false;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await screenshot(alice, 'console-queue');
    // Off the refresh button (Enter there would refresh): the queue's keys work from the page itself.
    await alice.evaluate('document.activeElement?.blur()');
    for (
      let i = 0;
      i < 60 && (await alice.locator('tr.selected').getAttribute('data-review')) !== reviewId;
      i++
    ) {
      await alice.keyboard.press('j');
    }
    await alice.keyboard.press('Enter');
    await alice.getByText('已由你认领').waitFor();
    await expect.poll(() => alice.locator('figure.photo img').count(), POLL).toBe(2);
    expect(await alice.locator('[data-field="idNumber"]').textContent()).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
    await alice.getByRole('button', { name: '显示完整姓名（记入审计日志）' }).click();
    await expect.poll(() => alice.locator('[data-field="name"]').textContent(), POLL).toBe(person.name);
    await alice.getByRole('button', { name: '放大' }).first().click();
    await screenshot(alice, 'console-case');

    // Bob opens the same case: he sees who holds it and cannot decide.
    const bob = await (await context()).newPage();
    await signIn(bob, BOB);
    await bob.goto(`${base}/console#/case/${reviewId}`);
    await bob.getByText('本案正由 op-alice 处理').waitFor();
    expect(await bob.locator('.decide button[type=submit]').isDisabled()).toBe(true);
    await screenshot(bob, 'console-claimed');

    // Alice rejects: r (reject, focus on the note), the note, Ctrl+Enter. Then the next case.
    await alice.keyboard.press('r');
    await alice.keyboard.type('身份证号码模糊，无法辨认');
    await alice.keyboard.press('Control+Enter');
    await alice.getByRole('heading', { name: '审核队列' }).waitFor();
    const rejected = await h.reviews.get(reviewId);
    expect(rejected.status).toBe('AWAITING_RESUBMISSION');
    expect(rejected.decisions.map((d) => [d.operator, d.decision, d.reasonCode, d.note])).toEqual([
      ['op-alice', 'REJECT', 'DOCUMENT_ILLEGIBLE', '身份证号码模糊，无法辨认'],
    ]);

    // The applicant is asked for new photos and sends them.
    const resubmit = applicant.getByRole('heading', { name: '请重新上传身份证' });
    await expect
      .poll(
        async () => {
          await applicant.getByRole('button', { name: '刷新账户状态' }).click();
          return resubmit.isVisible();
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(await applicant.locator('[data-status]').getAttribute('data-status')).toBe('RECEIVE_ONLY');
    await screenshot(applicant, 'apply-resubmit');
    await applicant
      .getByLabel('身份证人像面', { exact: true })
      .setInputFiles(
        png('front2.png', makeIdCardImage({ side: 'FRONT', name: person.name, idNumber: person.idNumber })),
      );
    await applicant
      .getByLabel('身份证国徽面', { exact: true })
      .setInputFiles(png('back2.png', makeIdCardImage({ side: 'BACK', validUntil: '2045-06-30' })));
    await applicant.getByRole('button', { name: '提交新照片' }).click();
    await applicant.getByText('照片已提交，正在等待复核').waitFor();

    // Alice may not approve the round after her rejection: the API's four-eyes refusal, shown.
    await alice.goto(`${base}/console#/case/${reviewId}`);
    await alice.getByText('已由你认领').waitFor();
    await alice.getByRole('heading', { name: '决定第 2 轮' }).waitFor();
    await alice.keyboard.press('a');
    await alice.keyboard.press('Control+Enter');
    await alice.getByText('四眼原则不允许').waitFor();
    await alice.getByRole('button', { name: '返回队列 (q)' }).click(); // releases her claim

    // Bob approves round 2 with the mouse; the hold is lifted.
    await bob.goto(`${base}/console#/queue`);
    await bob.goto(`${base}/console#/case/${reviewId}`);
    await expect
      .poll(
        async () => {
          if (await bob.getByText('已由你认领').isVisible()) return true;
          const retry = bob.getByRole('button', { name: '重试认领' });
          if (await retry.isVisible()) await retry.click();
          return false;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    await bob.getByLabel('批准 (a)').check();
    await bob.getByRole('button', { name: /批准并进入下一件/ }).click();
    await bob.getByRole('heading', { name: '审核队列' }).waitFor();
    expect((await h.reviews.get(reviewId)).status).toBe('CLEARED');
    await expect
      .poll(
        async () => {
          await applicant.getByRole('button', { name: '刷新账户状态' }).click();
          return applicant.locator('[data-status]').getAttribute('data-status');
        },
        { timeout: 15_000 },
      )
      .toBe('ACTIVE');
  });
});

describe('the funnel chart', () => {
  it("shows this run's applications as GET /v1/funnel counts them", async () => {
    const page = await (await context()).newPage();
    await signIn(page, ALICE);
    await page.getByRole('link', { name: '转化漏斗' }).click();
    await page.getByLabel('申请开始于').selectOption('1h');
    const expected = await eventually(
      async () =>
        (await new Funnel(h.client, h.taskQueue).rows()).find(
          (r) => r.flowVersion === 'v4' && r.channel === 'OWN_APP',
        )!,
      (row) => row.started === 2 && row.steps.find((s) => s.step === 'OPEN_ACCOUNT')!.passed === 2,
    );
    expect(expected.started).toBe(2);
    const chart = page.locator('[data-funnel="v4-OWN_APP"]');
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: '刷新' }).click();
          return chart
            .locator('tr[data-step="OPEN_ACCOUNT"] td[data-col="passed"]')
            .textContent({ timeout: 2000 })
            .catch(() => '');
        },
        { timeout: 15_000 },
      )
      .toBe('2');
    for (const step of expected.steps) {
      const cells = chart.locator(`tr[data-step="${step.step}"]`);
      for (const col of ['reached', 'passed', 'rejected', 'abandoned', 'waiting'] as const) {
        expect(await cells.locator(`td[data-col="${col}"]`).textContent(), `${step.step} ${col}`).toBe(
          String(step[col]),
        );
      }
    }
    expect(await chart.locator('svg rect.bar').count()).toBeGreaterThan(0);
    await screenshot(page, 'console-funnel');
  });
});

// After the funnel test: this case's application would count in its numbers.
describe("closing an account takes an operator's proposal and a supervisor's confirmation", () => {
  it('shows the proposal to all, offers the confirmation to the supervisor only, and ends CLOSED', async () => {
    const { reviewId, accountNumber } = await openWithReview(h);

    // Alice proposes to close it: the form offers the decision with its reasons and wants a note.
    const alice = await (await context()).newPage();
    await signIn(alice, ALICE);
    await alice.goto(`${base}/console#/case/${reviewId}`);
    await alice.getByText('已由你认领').waitFor();
    await alice.getByLabel('销户', { exact: true }).check();
    await alice.getByText('销户须经主管确认才生效').waitFor();
    expect(await alice.getByLabel('原因代码').locator('option').allTextContents()).toEqual([
      '无法联系客户（CUSTOMER_UNREACHABLE）',
      '无法确认身份（IDENTITY_NOT_ESTABLISHED）',
      '客户申请销户（CUSTOMER_REQUESTED）',
      '冻结逾期未补件（FROZEN_PAST_DEADLINE）',
    ]);
    await alice.getByLabel('原因代码').selectOption('CUSTOMER_UNREACHABLE');
    expect(await alice.getByLabel(/^备注 \(n\)，销户时必填/).getAttribute('required')).not.toBeNull();
    await alice.getByLabel(/^备注 \(n\)/).fill('三次致电无人接听');
    await alice.getByRole('button', { name: '销户并进入下一件 (Ctrl+Enter)' }).click();
    await alice.getByRole('heading', { name: '审核队列' }).waitFor();
    expect(await h.reviews.get(reviewId)).toMatchObject({
      status: 'AWAITING_SECOND_DECISION',
      proposal: { decision: 'CLOSE_ACCOUNT', operator: 'op-alice', stage: 'FIRST' },
    });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('ACTIVE');

    // Back on the case, Alice reads her proposal; the page does not claim it, and she may not decide.
    await alice.goto(`${base}/console#/case/${reviewId}`);
    const aliceProposal = alice.locator('section.proposal');
    await aliceProposal.getByText('这是你的提议').waitFor();
    expect(await aliceProposal.textContent()).toContain('op-alice');
    expect(await aliceProposal.textContent()).toContain('须由主管发送相同的决定（销户）确认后生效');
    await alice.getByText('你已提出本轮的决定').waitFor();
    expect(await alice.locator('.decide button[type=submit]').isDisabled()).toBe(true);

    // Bob, an operator, sees the proposal but no confirmation; leaving the case releases his claim.
    const bob = await (await context()).newPage();
    await signIn(bob, BOB);
    await bob.goto(`${base}/console#/case/${reviewId}`);
    await bob.getByText('已由你认领').waitFor();
    await bob.getByText('你不是主管，不能确认此提议').waitFor();
    expect(await bob.getByRole('button', { name: /^确认销户/ }).count()).toBe(0);
    expect(await bob.getByLabel('销户', { exact: true }).count()).toBe(0);
    await bob.getByRole('button', { name: '返回队列 (q)' }).click();

    // Carol, a supervisor: the queue's 待复核 and v3 filters list the case; she confirms it with her note.
    const carol = await (await context()).newPage();
    await signIn(carol, CAROL);
    await carol.getByLabel('状态').selectOption('AWAITING_SECOND_DECISION');
    // The flow filter offers every flow the service runs; this case's (v3) keeps it listed.
    expect(await carol.getByLabel('流程版本').locator('option').allTextContents()).toEqual([
      '全部',
      'v1',
      'v2',
      'v3',
      'v4',
    ]);
    await carol.getByLabel('流程版本').selectOption('v3');
    const row = carol.locator(`tr[data-review="${reviewId}"]`);
    await expect
      .poll(
        async () => {
          if (await row.count()) return true;
          await carol.getByRole('button', { name: '刷新' }).click();
          return false;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(await row.textContent()).toContain('待复核');
    await row.getByRole('link').click();
    await expect
      .poll(
        async () => {
          if (await carol.getByText('已由你认领').isVisible()) return true;
          const retry = carol.getByRole('button', { name: '重试认领' });
          if (await retry.isVisible()) await retry.click();
          return false;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    const proposal = carol.locator('section.proposal');
    expect(await proposal.textContent()).toMatch(
      /op-alice.*提议销户：无法联系客户（CUSTOMER_UNREACHABLE）三次致电无人接听/,
    );
    await screenshot(carol, 'console-proposal');
    await proposal.getByLabel('复核备注（必填）').fill('已核实通话记录，同意销户');
    await proposal.getByRole('button', { name: '确认销户（主管）' }).click();
    await carol.getByRole('heading', { name: '审核队列' }).waitFor();

    const closed = await h.reviews.get(reviewId);
    expect(closed.status).toBe('CLOSED');
    expect(closed.decisions.map((d) => [d.operator, d.decision, d.stage, d.supervisor ?? false])).toEqual([
      ['op-alice', 'CLOSE_ACCOUNT', 'FIRST', false],
      ['sup-carol', 'CLOSE_ACCOUNT', 'SECOND', true],
    ]);
    expect((await readAccount(h.coreBankingUrl, accountNumber)).status).toBe('CLOSED');

    // The closed case reads as such: its status, and both decisions in the timeline.
    await carol.goto(`${base}/console#/case/${reviewId}`);
    await carol.getByText('已销户 · 第 1 轮').waitFor();
    // An ended case is not claimed (its workflow takes no more updates): the page says why, no error.
    await carol.getByText('本案为「已销户」（CLOSED），没有待决定的轮次。').waitFor();
    expect(await carol.locator('[role=alert]').count()).toBe(0);
    const timeline = carol.locator('ol.timeline');
    expect(await timeline.locator('li').allTextContents()).toEqual([
      expect.stringMatching(
        /op-alice 提议销户第 1 轮：无法联系客户（CUSTOMER_UNREACHABLE）三次致电无人接听$/,
      ),
      expect.stringMatching(
        /sup-carol（主管） 确认销户第 1 轮：无法联系客户（CUSTOMER_UNREACHABLE）已核实通话记录，同意销户$/,
      ),
    ]);
    expect(await carol.locator('section.proposal').count()).toBe(0);
    await screenshot(carol, 'console-closed');
  });
});

// After the funnel test, whose v4 numbers these applications would change.
describe('a v4 case', () => {
  it('shows the purpose, the declaration, the device, the counts of identities on the device and mobile, and the rating', async () => {
    // Three people apply from one phone: the third opens with a review (LINKED_APPLICANTS).
    const deviceId = `browser-${randomUUID()}`;
    const v4 = async (person = newPerson()) => ({
      ...(await newApplication(h.documents, { person })),
      flowVersion: 'v4' as const,
      intent: { purpose: 'WEALTH' as const, declaresNoRentOrSale: true },
      device: { deviceId, platform: 'HARMONY' as const, ip: '198.51.100.20', appVersion: '7.0.1' },
    });
    const others = [newPerson(), newPerson()];
    for (const person of others) await h.applications.start(await v4(person));
    const third = await v4();
    expect((await h.applications.start(third)).status).toBe('AWAITING_SMS_CODE');
    const opened = await h.applications.submitSmsCode(
      third.applicationId,
      await readSmsCode(h.providersUrl, third.applicant.mobile),
    );
    expect(opened).toMatchObject({ status: 'OPENED', review: 'PENDING' });
    const { view } = await staffView(third.applicationId);
    expect(view?.links?.identitiesOnDevice).toBe(3);
    expect(view?.riskRating).toBeDefined();

    const page = await (await context()).newPage();
    await signIn(page, ALICE);
    await page.goto(`${base}/console#/case/${reviewWorkflowId(third.applicationId)}`);
    const risk = page.locator('section[aria-labelledby="risk-title"]');
    await risk.waitFor();
    await expect.poll(() => risk.locator('[data-purpose]').textContent(), POLL).toBe('理财 (WEALTH)');
    expect(await risk.locator('[data-declared]').textContent()).toBe('已承诺');
    expect(await risk.locator('[data-platform]').textContent()).toBe('鸿蒙 · App 7.0.1');
    expect(await risk.locator('[data-links-device]').textContent()).toBe('3 个身份申请（含本人）');
    expect(await risk.locator('[data-links-mobile]').textContent()).toBe(
      `${view!.links!.identitiesOnMobile} 个身份申请（含本人）`,
    );
    expect(await risk.locator('[data-risk-rating]').getAttribute('data-risk-rating')).toBe(view!.riskRating);
    // Counts only: nothing of the device's other applicants, nor the device's id or address.
    const text = (await page.locator('main').textContent()) ?? '';
    for (const shown of [
      deviceId,
      '198.51.100.20',
      ...others.flatMap((p) => [p.name, p.idNumber, p.mobile]),
    ]) {
      expect(text).not.toContain(shown);
    }
    await screenshot(page, 'console-case-v4');
  });
});

describe('across every page of this run', () => {
  it('had no CSP violation or script error, and no token in any URL', () => {
    const problems = watches.flatMap((w) => w.problems);
    expect(problems).toEqual([]);
    const urls = watches.flatMap((w) => w.urls);
    expect(urls.length).toBeGreaterThan(10);
    for (const token of [APP, ALICE, BOB, CAROL, ...sessionTokens])
      expect(urls.filter((u) => u.includes(token))).toEqual([]);
    console.log(`[browser] screenshots in ${path.relative(process.cwd(), SCREENSHOT_DIR) || SCREENSHOT_DIR}`);
  });
});

/** The application behind an account, as core banking records it. */
async function applicationIdOf(accountNumber: string): Promise<string> {
  return (await readAccount(h.coreBankingUrl, accountNumber)).reference;
}

if (!hasChromium) {
  throw new Error(
    'Chromium is not installed at /usr/bin/chromium: apt-get install -y chromium fonts-noto-cjk (.ci/run does)',
  );
}
