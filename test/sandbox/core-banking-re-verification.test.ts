/**
 * Core banking's side of the account's risk life over real HTTP, through the production adapter:
 * the rating and the next re-verification date kept with the account, and the paged listing of
 * accounts due that the daily sweep reads. A database of this file's own and a hand-driven clock,
 * so the listing holds only the accounts opened here, at known instants.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import type { CoreBanking } from '../../adapters/ports';
import { makeIdNumber } from '../../domain/id-number';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { manualClock, tempDir } from './helpers';

const dir = tempDir();
const clock = manualClock(Date.parse('2025-03-01T08:00:00.000Z'));
let app: FastifyInstance;
let url: string;
let bank: CoreBanking;
let seq = 0;

beforeAll(async () => {
  app = buildCoreBankingSandbox({ dbFile: dir.dbFile('re-verification'), now: clock.now });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  bank = httpCoreBanking(url);
});
afterAll(async () => {
  await app.close();
  dir.remove();
});

async function open(riskRating?: 'LOW' | 'MEDIUM' | 'HIGH'): Promise<string> {
  seq += 1;
  const body = {
    customer: { name: '李娜', idNumber: makeIdNumber('110101', '19880512', String(seq).padStart(3, '0')) },
    accountClass: 'II',
    channel: 'OWN_APP',
    reference: `app-${seq}`,
    ...(riskRating && { riskRating }),
  };
  const answer = await fetch(`${url}/core/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `open-${seq}` },
    body: JSON.stringify(body),
  });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { accountNumber: string }).accountNumber;
}

const put = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const at = (iso: string) => new Date(iso).toISOString();

describe("core banking's re-verification dates", () => {
  it('keeps the rating given at opening and a new one with its date', async () => {
    const n = await open('HIGH');
    expect(await bank.getAccount(n)).toMatchObject({
      riskRating: 'HIGH',
      riskRatedAt: '2025-03-01T08:00:00.000Z',
    });
    clock.advance(1000);
    expect((await put(`/core/v1/accounts/${n}/risk-rating`, { riskRating: 'LOW' })).status).toBe(200);
    expect(await bank.getAccount(n)).toMatchObject({
      riskRating: 'LOW',
      riskRatedAt: '2025-03-01T08:00:01.000Z',
    });
    expect((await put(`/core/v1/accounts/${n}/risk-rating`, { riskRating: 'SEVERE' })).status).toBe(400);
  });

  it('lists the accounts due before an instant, and those without a date by their opening, page by page', async () => {
    clock.advance(60_000);
    const early = await open();
    const late = await open();
    const unscheduled = await open();
    const closedOne = await open();
    await bank.recordReVerificationDue(early, '2025-06-01T00:00:00.000Z');
    await bank.recordReVerificationDue(late, '2025-09-01T00:00:00+08:00');
    await bank.recordReVerificationDue(closedOne, '2025-05-01T00:00:00.000Z');
    expect(await bank.closeAccount(closedOne, 'TEST')).toHaveProperty('closed');
    expect((await bank.getAccount(late))?.reVerificationDueAt).toBe(at('2025-08-31T16:00:00.000Z'));

    const listed = async (before: string, unscheduledOpenedBefore?: string) => {
      const numbers: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await bank.listReVerificationDue(before, {
          limit: 1,
          ...(unscheduledOpenedBefore && { unscheduledOpenedBefore }),
          ...(after && { after }),
        });
        numbers.push(...page.accounts.map((a) => a.accountNumber));
        if (!page.nextCursor) return numbers;
        after = page.nextCursor;
      }
    };
    const mine = (numbers: string[]) =>
      numbers.filter((n) => [early, late, unscheduled, closedOne].includes(n));
    expect(mine(await listed('2025-07-01T00:00:00.000Z'))).toEqual([early]);
    expect(mine(await listed('2025-10-01T00:00:00.000Z'))).toEqual([early, late]);
    // Without a date kept, an account is listed by its opening once the caller asks for those.
    expect(mine(await listed('2025-10-01T00:00:00.000Z', '2025-03-02T00:00:00.000Z'))).toEqual([
      unscheduled,
      early,
      late,
    ]);
    const page = await bank.listReVerificationDue('2025-07-01T00:00:00.000Z', { limit: 500 });
    expect(page.accounts.find((a) => a.accountNumber === early)).toMatchObject({
      reVerificationDueAt: '2025-06-01T00:00:00.000Z',
      status: 'ACTIVE',
      holdIds: [],
    });
  });

  it('refuses a due date that is not an instant, and a cursor it never answered', async () => {
    const n = await open();
    expect((await put(`/core/v1/accounts/${n}/re-verification-due`, { dueAt: '2025-06-01' })).status).toBe(
      400,
    );
    expect((await bank.getAccount(n))?.reVerificationDueAt).toBeUndefined();
    const bad = await fetch(
      `${url}/core/v1/accounts/re-verification-due?before=2025-07-01T00:00:00Z&after=bm9wZQ`,
    );
    expect(bad.status).toBe(400);
  });
});
