/**
 * The console's risk-life lists over HTTP on the real dev server (GET /v1/re-verifications/due and
 * an account's open, claim and release): DUE and OVERDUE apart, paged, the holder's name masked;
 * staff only; bad queries a 400 naming the field; claims held by one operator at a time, each
 * open, claim and release in the audit log. The core-banking sandbox is shared with other test
 * files, so each test looks for its own accounts in the pages it reads. APPEALED: accounts whose
 * bank restriction's appeal passed its re-verification, listed from visibility (this file's task
 * queue only), claimed as the others, and off the list once an operator decides.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import { maskName } from '../../domain/masking';
import type { RiskLifeListItem } from '../../domain/re-verification-outcomes';
import { reVerificationHoldId } from '../../domain/risk-life';
import { apiPerFile, bearer } from '../support/api';
import { type AppealedAccount, openAppealed } from '../support/appealed';
import { openCleanly } from '../support/harness';
import { eventually } from '../support/review';

const t = apiPerFile();
const DAY = 24 * 3600_000;

interface Opened {
  accountNumber: string;
  applicationId: string;
  name: string;
}

async function openDue(dueAt: Date, held = false): Promise<Opened> {
  const { h } = t;
  const { req, accountNumber } = await openCleanly(h);
  const base = `${h.coreBankingUrl}/core/v1/accounts/${accountNumber}`;
  const put = await fetch(`${base}/re-verification-due`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dueAt: dueAt.toISOString() }),
  });
  expect(put.status).toBe(200);
  if (held) {
    // The sweep's hold, as it places it (its own kind, idempotent by id).
    const holdId = reVerificationHoldId(dueAt.toISOString());
    const placed = await fetch(`${base}/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `${accountNumber}:${holdId}` },
      body: JSON.stringify({ holdId, type: 'RECEIVE_ONLY', reason: 'RE_VERIFICATION_OVERDUE' }),
    });
    expect(placed.status).toBeLessThan(300);
  }
  return { accountNumber, applicationId: req.applicationId, name: req.applicant.name };
}

const get = (url: string, role: 'operator' | 'supervisor' = 'operator', id?: string) =>
  t.api.inject({ method: 'GET', url, headers: bearer(role, id) });

/** Every page of a list, `limit` at a time. */
async function wholeList(
  status: string,
  limit: number,
): Promise<{ items: RiskLifeListItem[]; pages: number }> {
  const items: RiskLifeListItem[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await get(
      `/v1/re-verifications/due?status=${status}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.statusCode).toBe(200);
    const page = res.json() as { accounts: RiskLifeListItem[]; nextCursor?: string };
    items.push(...page.accounts);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

let due: Opened[];
let overdue: Opened;
const now = Date.now();

beforeAll(async () => {
  // Three within the default 30-day grace period, oldest first; one past it and held.
  due = [];
  for (const hoursAgo of [3, 2, 1]) due.push(await openDue(new Date(now - hoursAgo * 3600_000)));
  overdue = await openDue(new Date(now - 40 * DAY), true);
}, 120_000);

describe('the re-verification lists', () => {
  it('page DUE accounts oldest due first, one per page, apart from OVERDUE ones, with the name masked', async () => {
    const dueList = await wholeList('DUE', 1);
    const mine = dueList.items.filter((i) => due.some((d) => d.accountNumber === i.accountNumber));
    expect(mine.map((i) => i.accountNumber)).toEqual(due.map((d) => d.accountNumber));
    expect(dueList.pages).toBeGreaterThanOrEqual(3);
    expect(dueList.items.some((i) => i.accountNumber === overdue.accountNumber)).toBe(false);
    const bank = httpCoreBanking(t.h.coreBankingUrl);
    for (const [i, item] of mine.entries()) {
      const account = await bank.getAccount(item.accountNumber);
      expect(item).toMatchObject({
        list: 'DUE',
        applicationId: due[i]!.applicationId,
        held: false,
        holderName: maskName(due[i]!.name),
        accountStatus: 'ACTIVE',
      });
      expect(item.riskRating).toBe(account?.riskRating);
      expect(JSON.stringify(item)).not.toContain(due[i]!.name);
      expect(Date.parse(item.restrictFrom ?? '') - Date.parse(item.dueAt)).toBe(30 * DAY);
      expect(item.overdue).toBe(false);
    }

    const overdueList = await wholeList('OVERDUE', 50);
    const held = overdueList.items.find((i) => i.accountNumber === overdue.accountNumber);
    expect(held).toMatchObject({ list: 'OVERDUE', held: true, overdue: true, accountStatus: 'RECEIVE_ONLY' });
    expect(overdueList.items.some((i) => due.some((d) => d.accountNumber === i.accountNumber))).toBe(false);
  });

  it('answer operators and supervisors, refuse an app (403) and no token (401)', async () => {
    expect((await get('/v1/re-verifications/due?status=DUE')).statusCode).toBe(200);
    expect((await get('/v1/re-verifications/due?status=OVERDUE', 'supervisor')).statusCode).toBe(200);
    const app = await t.api.inject({ url: '/v1/re-verifications/due?status=DUE', headers: bearer('app') });
    expect(app.statusCode).toBe(403);
    expect((await t.api.inject({ url: '/v1/re-verifications/due?status=DUE' })).statusCode).toBe(401);
  });

  it('answer a bad query with a 400 naming the field', async () => {
    const field = async (url: string) => {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      return (res.json() as { errors: { field: string }[] }).errors.map((e) => e.field);
    };
    expect(await field('/v1/re-verifications/due')).toContain('querystring.status');
    expect(await field('/v1/re-verifications/due?status=RE_VERIFYING')).toContain('querystring.status');
    expect(await field('/v1/re-verifications/due?status=DUE&limit=0')).toContain('querystring.limit');
    expect(await field('/v1/re-verifications/due?status=DUE&cursor=not!base64')).toContain(
      'querystring.cursor',
    );
    // A DUE page's cursor does not page OVERDUE.
    const first = (await get('/v1/re-verifications/due?status=DUE&limit=1')).json() as {
      nextCursor?: string;
    };
    expect(first.nextCursor).toBeDefined();
    expect(await field(`/v1/re-verifications/due?status=OVERDUE&cursor=${first.nextCursor}`)).toContain(
      'querystring.cursor',
    );
    expect(await field('/v1/re-verifications/due/not-a-number')).toContain('params.accountNumber');
  });

  it('let one operator claim an account at a time, a supervisor release it, each step audited', async () => {
    const { accountNumber } = due[0]!;
    const url = `/v1/re-verifications/due/${accountNumber}`;
    const as = (role: 'operator' | 'supervisor', id: string, method: 'POST' | 'DELETE') =>
      t.api.inject({ method, url: `${url}/claim`, headers: bearer(role, id) });

    const opened = await get(url, 'operator', 'op-alice');
    expect(opened.statusCode).toBe(200);
    expect(opened.json()).toMatchObject({ list: 'DUE', holderName: maskName(due[0]!.name), holds: [] });
    expect((await as('operator', 'op-alice', 'POST')).json()).toMatchObject({ claimedBy: 'op-alice' });
    const taken = await as('operator', 'op-bob', 'POST');
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'CLAIMED', claimedBy: 'op-alice' });
    const listed = (await wholeList('DUE', 200)).items.find((i) => i.accountNumber === accountNumber);
    expect(listed?.claim?.claimedBy).toBe('op-alice');
    expect((await as('operator', 'op-bob', 'DELETE')).statusCode).toBe(403);
    expect((await as('supervisor', 'sup-carol', 'DELETE')).statusCode).toBe(204);
    expect((await as('operator', 'op-bob', 'POST')).json()).toMatchObject({ claimedBy: 'op-bob' });

    const audit = await t.api.inject({
      url: `/v1/audit?accountNumber=${accountNumber}`,
      headers: bearer('supervisor'),
    });
    const entries = (audit.json() as { entries: { action: string; actor: string; reason?: string }[] })
      .entries;
    expect(
      entries
        .filter((e) => e.action.startsWith('ACCOUNT_'))
        .map((e) => [e.action, e.actor, e.reason ?? null]),
    ).toEqual([
      ['ACCOUNT_VIEWED', 'op-alice', 'DUE'],
      ['ACCOUNT_CLAIMED', 'op-alice', 'DUE'],
      ['ACCOUNT_CLAIM_RELEASED', 'sup-carol', null],
      ['ACCOUNT_CLAIMED', 'op-bob', 'DUE'],
    ]);
    expect(audit.body).not.toContain(accountNumber);
  });

  it('refuse a claim on an account on no list (409) and open it without a list', async () => {
    const notDue = await openDue(new Date(now + 100 * DAY));
    const url = `/v1/re-verifications/due/${notDue.accountNumber}`;
    const claim = await t.api.inject({ method: 'POST', url: `${url}/claim`, headers: bearer('operator') });
    expect(claim.statusCode).toBe(409);
    expect(claim.json()).toMatchObject({ code: 'NOT_CLAIMABLE' });
    const opened = (await get(url)).json() as Record<string, unknown>;
    expect(opened.list).toBeUndefined();
    expect(opened.applicationId).toBe(notDue.applicationId);
  });
});

describe('the APPEALED list', () => {
  let appealed: AppealedAccount[];

  beforeAll(async () => {
    appealed = [await openAppealed(t.h, t.api), await openAppealed(t.h, t.api)];
    // Visibility publishes a case's status a moment after it changes.
    await eventually(
      () => wholeList('APPEALED', 50),
      (l) => appealed.every((a) => l.items.some((i) => i.accountNumber === a.accountNumber)),
    );
  }, 180_000);

  it('pages the appealed accounts one per page with the case, its decision deadline, the name masked and the rating; on no other list', async () => {
    const list = await wholeList('APPEALED', 1);
    expect(list.pages).toBeGreaterThanOrEqual(2);
    const bank = httpCoreBanking(t.h.coreBankingUrl);
    for (const a of appealed) {
      const item = list.items.find((i) => i.accountNumber === a.accountNumber);
      expect(item).toMatchObject({
        list: 'APPEALED',
        applicationId: a.applicationId,
        caseId: a.case.caseId,
        dueAt: a.case.appeal?.decisionDueAt,
        overdue: false,
        holderName: maskName(a.name),
        accountStatus: 'RECEIVE_ONLY',
      });
      expect(item?.restrictFrom).toBeUndefined();
      expect(item?.riskRating).toBe((await bank.getAccount(a.accountNumber))?.riskRating);
      expect(JSON.stringify(item)).not.toContain(a.name);
    }
    const dueList = await wholeList('DUE', 200);
    expect(dueList.items.some((i) => appealed.some((a) => a.accountNumber === i.accountNumber))).toBe(false);
  });

  it('answers staff only, and refuses a cursor of another list (400 naming cursor) both ways', async () => {
    expect((await get('/v1/re-verifications/due?status=APPEALED', 'supervisor')).statusCode).toBe(200);
    const app = await t.api.inject({
      url: '/v1/re-verifications/due?status=APPEALED',
      headers: bearer('app'),
    });
    expect(app.statusCode).toBe(403);
    const firstOf = async (status: string) =>
      ((await get(`/v1/re-verifications/due?status=${status}&limit=1`)).json() as { nextCursor?: string })
        .nextCursor;
    const [appealedCursor, dueCursor] = [await firstOf('APPEALED'), await firstOf('DUE')];
    expect(appealedCursor).toBeDefined();
    expect(dueCursor).toBeDefined();
    for (const url of [
      `/v1/re-verifications/due?status=DUE&cursor=${appealedCursor}`,
      `/v1/re-verifications/due?status=APPEALED&cursor=${dueCursor}`,
    ]) {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      expect((res.json() as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(
        'querystring.cursor',
      );
    }
  });

  it("claims an appealed account for one operator, audited as APPEALED; another's decision refused while claimed; decided, it is on no list and not claimable", async () => {
    const a = appealed[0]!;
    const url = `/v1/re-verifications/due/${a.accountNumber}`;
    const claim = (id: string) =>
      t.api.inject({ method: 'POST', url: `${url}/claim`, headers: bearer('operator', id) });
    const opened = await get(url, 'operator', 'op-alice');
    expect(opened.json()).toMatchObject({
      list: 'APPEALED',
      caseId: a.case.caseId,
      overdue: false,
      bankRestriction: { caseId: a.case.caseId, status: 'APPEALED', category: 'SUSPECTED_ACCOUNT_TRADING' },
    });
    expect((await claim('op-alice')).json()).toMatchObject({ claimedBy: 'op-alice' });
    const taken = await claim('op-bob');
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'CLAIMED', claimedBy: 'op-alice' });

    const decide = (id: string) =>
      t.api.inject({
        method: 'POST',
        url: `/v1/accounts/${a.accountNumber}/restrictions/${a.case.caseId}/decision`,
        headers: bearer('operator', id),
        payload: { decision: 'LIFT', note: 're-verified, credits explained' },
      });
    // The claim holder decides: another operator's decision is refused, and changes nothing.
    const byBob = await decide('op-bob');
    expect(byBob.statusCode).toBe(409);
    expect(byBob.json()).toMatchObject({ code: 'CLAIMED', claimedBy: 'op-alice' });
    expect((await get(url, 'operator', 'op-alice')).json().bankRestriction).toMatchObject({
      status: 'APPEALED',
    });
    const decided = await decide('op-alice');
    expect(decided.statusCode).toBe(200);
    expect((await get(url, 'operator', 'op-alice')).json().list).toBeUndefined();
    await t.api.inject({ method: 'DELETE', url: `${url}/claim`, headers: bearer('operator', 'op-alice') });
    const after = await claim('op-bob');
    expect(after.statusCode).toBe(409);
    expect(after.json()).toMatchObject({ code: 'NOT_CLAIMABLE' });

    const audit = await t.api.inject({
      url: `/v1/audit?accountNumber=${a.accountNumber}`,
      headers: bearer('supervisor'),
    });
    const entries = (audit.json() as { entries: { action: string; actor: string; reason?: string }[] })
      .entries;
    expect(
      entries
        .filter((e) => e.action === 'ACCOUNT_VIEWED' || e.action === 'ACCOUNT_CLAIMED')
        .map((e) => [e.action, e.actor, e.reason ?? null]),
    ).toEqual([
      ['ACCOUNT_VIEWED', 'op-alice', 'APPEALED'],
      ['ACCOUNT_CLAIMED', 'op-alice', 'APPEALED'],
      ['ACCOUNT_VIEWED', 'op-alice', 'APPEALED'],
      ['ACCOUNT_VIEWED', 'op-alice', 'NOT_DUE'],
    ]);
  });
});
