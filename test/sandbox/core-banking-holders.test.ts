/**
 * Core banking's holder check and the ID card's validity it keeps, over real HTTP: the sandbox
 * listens on a free port with a database of this file's own (so the expiry listing holds only
 * the accounts opened here), and the calls go through the production adapter (adapters/http),
 * so its mapping of answers is tested too, and through plain fetch where the wire is the point.
 */
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import { REFUSED } from '../../adapters/http/json-client';
import type { CoreBanking } from '../../adapters/ports';
import { accountSchema } from '../../contracts/core-banking';
import { makeIdNumber } from '../../domain/id-number';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { ID_EXPIRING_SQL } from '../../sandbox/core-banking/store';
import { tempDir } from './helpers';

const dir = tempDir();
const dbFile = dir.dbFile('holders');
let app: FastifyInstance;
let url: string;
let bank: CoreBanking;
let seq = 0;

beforeAll(async () => {
  app = buildCoreBankingSandbox({ dbFile });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  bank = httpCoreBanking(url);
});
afterAll(async () => {
  await app.close();
  dir.remove();
});

const holder = () => ({
  name: '李娜',
  idNumber: makeIdNumber('110101', '19880512', String(++seq).padStart(3, '0')),
  mobile: `1380013${String(seq).padStart(4, '0')}`,
});

async function open(
  customer: { name: string; idNumber: string; mobile?: string },
  idValidUntil?: string,
): Promise<string> {
  const answer = await bank.openClassII(
    customer,
    'OWN_APP',
    `app-${++seq}`,
    undefined,
    idValidUntil === undefined ? undefined : { idValidUntil },
  );
  if (!('opened' in answer)) throw new Error('not opened');
  return answer.opened.accountNumber;
}

const post = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const put = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('holder check', () => {
  it("answers MATCH with mobileOnFile when name, ID number and mobile are all the holder's", async () => {
    const person = holder();
    const accountNumber = await open(person);
    expect(await bank.checkHolder(accountNumber, person)).toEqual({ result: 'MATCH', mobileOnFile: true });
  });

  it("reads an ID number's lower-case x as X and ignores spaces around the elements", async () => {
    const person = { ...holder(), idNumber: makeIdNumber('110101', '19900307', '002') };
    expect(person.idNumber.endsWith('X')).toBe(true);
    const accountNumber = await open(person);
    const answer = await bank.checkHolder(accountNumber, {
      name: ` ${person.name} `,
      idNumber: person.idNumber.toLowerCase(),
      mobile: `${person.mobile} `,
    });
    expect(answer?.result).toBe('MATCH');
  });

  for (const element of ['name', 'idNumber', 'mobile'] as const) {
    it(`answers MISMATCH with mobileOnFile and nothing else when only the ${element} differs`, async () => {
      const person = holder();
      const accountNumber = await open(person);
      const other = {
        name: '李娜娜',
        idNumber: makeIdNumber('110101', '19880512', '999'),
        mobile: '13900000000',
      };
      const res = await post(`/core/v1/accounts/${accountNumber}/holder-check`, {
        ...person,
        [element]: other[element],
      });
      expect(res.status).toBe(200);
      // Nothing in the answer names the element: a prober learns only "not the holder".
      expect(await res.json()).toEqual({ result: 'MISMATCH', mobileOnFile: true });
    });
  }

  it('answers mobileOnFile false, and MISMATCH whatever mobile is sent, for an account opened without a mobile (flow v2)', async () => {
    const person = holder();
    const accountNumber = await open({ name: person.name, idNumber: person.idNumber });
    expect(await bank.checkHolder(accountNumber, person)).toEqual({
      result: 'MISMATCH',
      mobileOnFile: false,
    });
  });

  it('answers 404 ACCOUNT_NOT_FOUND for an unknown account, which the adapter answers as undefined', async () => {
    const res = await post('/core/v1/accounts/6230999999999999999/holder-check', holder());
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('ACCOUNT_NOT_FOUND');
    expect(await bank.checkHolder('6230999999999999999', holder())).toBeUndefined();
  });

  it('answers 400 naming the field for a missing element, and needs no Idempotency-Key', async () => {
    const person = holder();
    const accountNumber = await open(person);
    const res = await post(`/core/v1/accounts/${accountNumber}/holder-check`, {
      name: person.name,
      idNumber: person.idNumber,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('body.mobile');
  });
});

describe('ID card validity', () => {
  it('is kept from the opening and answered with the account', async () => {
    const accountNumber = await open(holder(), '2031-05-01');
    expect((await bank.getAccount(accountNumber))?.idValidUntil).toBe('2031-05-01');
    const long = await open(holder(), 'LONG');
    expect((await bank.getAccount(long))?.idValidUntil).toBe('LONG');
  });

  it('is absent from an account opened without one', async () => {
    const accountNumber = await open(holder());
    const account = await bank.getAccount(accountNumber);
    expect(account).toBeDefined();
    expect(account).not.toHaveProperty('idValidUntil');
  });

  it('PUT id-validity replaces it, and the same value again answers the same account', async () => {
    const accountNumber = await open(holder(), '2020-01-01');
    const first = await put(`/core/v1/accounts/${accountNumber}/id-validity`, { validUntil: '2040-01-01' });
    expect(first.status).toBe(200);
    const again = await put(`/core/v1/accounts/${accountNumber}/id-validity`, { validUntil: '2040-01-01' });
    expect(again.status).toBe(200);
    const [a, b] = [accountSchema.parse(await first.json()), accountSchema.parse(await again.json())];
    expect(a.idValidUntil).toBe('2040-01-01');
    expect(b).toEqual(a);
    await bank.recordIdValidity(accountNumber, 'LONG');
    expect((await bank.getAccount(accountNumber))?.idValidUntil).toBe('LONG');
  });

  it('PUT id-validity answers 400 for anything but a real date or LONG, and 404 for an unknown account', async () => {
    const accountNumber = await open(holder());
    for (const validUntil of ['2040-02-30', '长期', '20400101', '']) {
      const res = await put(`/core/v1/accounts/${accountNumber}/id-validity`, { validUntil });
      expect(res.status, validUntil).toBe(400);
    }
    const unknown = await put('/core/v1/accounts/6230999999999999999/id-validity', { validUntil: 'LONG' });
    expect(unknown.status).toBe(404);
  });

  it('opening refuses an idValidUntil that is neither a date nor LONG (400)', async () => {
    const res = await fetch(`${url}/core/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `bad-validity-${++seq}` },
      body: JSON.stringify({
        customer: holder(),
        accountClass: 'II',
        channel: 'OWN_APP',
        reference: 'bad-validity',
        idValidUntil: '2040.01.01',
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('body.idValidUntil');
  });
});

describe('id-expiring', () => {
  // Dates of this block only: the other tests of this file open accounts valid until other days.
  let expected: { accountNumber: string; idValidUntil: string }[];
  let closed: string;
  let frozen: string;

  beforeAll(async () => {
    const dated = ['1990-03-02', '1990-03-01', '1990-03-03', '1990-03-01', '1990-03-02'];
    const opened = [];
    for (const validUntil of dated)
      opened.push({ accountNumber: await open(holder(), validUntil), idValidUntil: validUntil });
    await open(holder(), 'LONG');
    await open(holder());
    closed = await open(holder(), '1990-03-01');
    const answer = await bank.closeAccount(closed, 'CUSTOMER_REQUEST');
    expect('closed' in answer).toBe(true);
    // A restricted account is still open: the sweep must see it to restore or restrict it further.
    frozen = await open(holder(), '1990-03-04');
    await bank.placeHold(frozen, { holdId: 'review-1', type: 'FROZEN', reason: 'REVIEW' });
    // The first day after the block's dates sits outside `before`: a card valid until `before` is still valid.
    await open(holder(), '1990-03-05');
    expected = [...opened, { accountNumber: frozen, idValidUntil: '1990-03-04' }].sort((x, y) =>
      x.idValidUntil === y.idValidUntil
        ? x.accountNumber.localeCompare(y.accountNumber)
        : x.idValidUntil.localeCompare(y.idValidUntil),
    );
  });

  it('lists open accounts with a dated validity before `before`, by (validity, account number), in pages', async () => {
    const seen: { accountNumber: string; idValidUntil: string }[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await bank.listIdExpiring('1990-03-05', { ...(after && { after }), limit: 2 });
      expect(page.accounts.length).toBeLessThanOrEqual(2);
      seen.push(...page.accounts.map(({ accountNumber, idValidUntil }) => ({ accountNumber, idValidUntil })));
      after = page.nextCursor;
      pages += 1;
    } while (after);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
  });

  it("answers each account's status, channel and reference, and leaves out LONG, unknown and CLOSED ones", async () => {
    const { accounts, nextCursor } = await bank.listIdExpiring('1990-03-05', { limit: 500 });
    expect(nextCursor).toBeUndefined();
    expect(accounts.map((a) => a.accountNumber)).not.toContain(closed);
    expect(accounts.every((a) => a.idValidUntil !== 'LONG' && a.channel === 'OWN_APP')).toBe(true);
    expect(accounts.find((a) => a.accountNumber === frozen)).toMatchObject({
      status: 'FROZEN',
      reference: expect.stringMatching(/^app-\d+$/),
    });
    expect(accounts).toHaveLength(expected.length);
  });

  it('gives no nextCursor on a page that ends exactly at the last account', async () => {
    const page = await bank.listIdExpiring('1990-03-05', { limit: expected.length });
    expect(page.accounts).toHaveLength(expected.length);
    expect(page.nextCursor).toBeUndefined();
  });

  it("moves an account out of the listing once a new card's validity is recorded", async () => {
    const renewed = await open(holder(), '1990-02-01');
    expect(
      (await bank.listIdExpiring('1990-02-02', { limit: 10 })).accounts.map((a) => a.accountNumber),
    ).toEqual([renewed]);
    await bank.recordIdValidity(renewed, '2045-01-01');
    expect((await bank.listIdExpiring('1990-02-02', { limit: 10 })).accounts).toEqual([]);
  });

  it('answers 400 for a cursor it did not give, a missing or bad date, or a limit out of 1 to 500', async () => {
    for (const query of [
      'before=1990-03-05&after=bm90LWEtY3Vyc29y',
      'before=1990-03-05&after=%%%',
      'before=1990-02-30',
      'before=tomorrow',
      'before=1990-03-05&limit=0',
      'before=1990-03-05&limit=501',
      '',
    ]) {
      const res = await fetch(`${url}/core/v1/accounts/id-expiring?${query}`);
      expect(res.status, query).toBe(400);
    }
  });

  it('pages with the partial index, neither scanning the accounts table nor sorting', () => {
    const db = new Database(dbFile, { readonly: true });
    try {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${ID_EXPIRING_SQL}`)
        .all({ before: '1990-03-05', afterValid: '1990-03-01', afterAccount: '6230', limit: 3 }) as {
        detail: string;
      }[];
      const details = plan.map((row) => row.detail).join('\n');
      expect(details).toMatch(/^SEARCH accounts USING (COVERING )?INDEX accounts_by_id_expiry/);
      expect(details).not.toContain('SCAN');
      expect(details).not.toContain('TEMP B-TREE');
    } finally {
      db.close();
    }
  });
});

describe('files made before the validity was kept', () => {
  it('open with the column and index added: old accounts answer no idValidUntil and can be given one', async () => {
    const oldFile = dir.dbFile();
    const before = buildCoreBankingSandbox({ dbFile: oldFile });
    const opened = await before.inject({
      method: 'POST',
      url: '/core/v1/accounts',
      headers: { 'idempotency-key': 'old' },
      payload: { customer: holder(), accountClass: 'II', channel: 'OWN_APP', reference: 'old' },
    });
    const { accountNumber } = accountSchema.parse(opened.json());
    await before.close();
    const db = new Database(oldFile);
    db.exec('DROP INDEX accounts_by_id_expiry; ALTER TABLE accounts DROP COLUMN id_valid_until');
    db.close();

    const after = buildCoreBankingSandbox({ dbFile: oldFile });
    try {
      const read = await after.inject({ method: 'GET', url: `/core/v1/accounts/${accountNumber}` });
      expect(accountSchema.parse(read.json())).not.toHaveProperty('idValidUntil');
      await after.inject({
        method: 'PUT',
        url: `/core/v1/accounts/${accountNumber}/id-validity`,
        payload: { validUntil: '1970-01-01' },
      });
      const listed = await after.inject({
        method: 'GET',
        url: '/core/v1/accounts/id-expiring?before=1970-01-02',
      });
      expect(listed.json().accounts.map((a: { accountNumber: string }) => a.accountNumber)).toEqual([
        accountNumber,
      ]);
    } finally {
      await after.close();
    }
  });
});

describe('faults', () => {
  it("a refused recordIdValidity is the adapter's refusal for good, never retried", async () => {
    const accountNumber = await open(holder());
    // No operation of its own to refuse: a 422 REFUSED from a hook stands for core banking's refusal.
    const own = buildCoreBankingSandbox({ dbFile: dir.dbFile() });
    own.addHook('onRequest', async (_request, reply) => reply.status(422).send({ error: 'REFUSED' }));
    await own.listen({ host: '127.0.0.1', port: 0 });
    try {
      const refusing = httpCoreBanking(`http://127.0.0.1:${(own.server.address() as AddressInfo).port}`);
      const failure = await refusing.recordIdValidity(accountNumber, 'LONG').catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).type).toBe(REFUSED);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('a failing core banking is a retryable failure of checkHolder and listIdExpiring', async () => {
    await fetch(`${url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 1 }),
    });
    try {
      for (const call of [
        () => bank.checkHolder('6230999999999999999', holder()),
        () => bank.listIdExpiring('1990-03-05', { limit: 1 }),
      ]) {
        const failure = await call().catch((err: unknown) => err);
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect((failure as ApplicationFailure).nonRetryable).toBe(false);
      }
    } finally {
      await fetch(`${url}/sandbox/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    }
  });
});
