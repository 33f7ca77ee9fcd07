/**
 * The agreement-signing and ID-expiry activities in the SDK's mock activity environment, against
 * sandboxes of this file's own over HTTP (production adapters): the providers sandbox runs on a
 * hand-driven clock so a code can expire without waiting, and core banking's expiry listing
 * holds only the accounts opened here.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import type { RegisterAgreementRequest } from '../../contracts/core-banking-payments';
import { manualClock } from '../sandbox/helpers';
import { testKeyring } from '../security/keys';
import { readSmsCode, sandboxPorts } from '../support/harness';
import { newPerson, type Person } from '../support/people';
import { type OwnSandboxes, startOwnSandboxes } from '../workflows/own-sandboxes';

const OTP_TTL_SECONDS = 120;
const clock = manualClock();
let sandboxes: OwnSandboxes;
let activities: ReturnType<typeof createActivities>;
const env = new MockActivityEnvironment();
/** env.run cannot infer the result type from the activity; this keeps tests typed. */
const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  env.run(fn, ...args) as Promise<R>;

beforeAll(async () => {
  sandboxes = await startOwnSandboxes({
    providers: { now: clock.now, otpTtlSeconds: OTP_TTL_SECONDS },
  });
  const documentsDir = await mkdtemp(path.join(os.tmpdir(), 'documents-'));
  activities = createActivities(
    sandboxPorts(documentsDir, testKeyring(), {
      providersUrl: sandboxes.providersUrl,
      coreBankingUrl: sandboxes.coreBankingUrl,
    }),
  );
});
afterAll(() => sandboxes.close());

async function openFor(
  person: Partial<Person> & Pick<Person, 'name' | 'idNumber'>,
  idValidUntil?: string,
): Promise<string> {
  const opened = await run(activities.openAccount, {
    applicationId: randomUUID(),
    applicant: person,
    channel: 'OWN_APP',
    ...(idValidUntil && { idValidUntil }),
  });
  if (!('accountNumber' in opened)) throw new Error('not opened');
  return opened.accountNumber;
}

const quickPay = (accountNumber: string): RegisterAgreementRequest => ({
  accountNumber,
  institution: 'WECHAT_PAY',
  scope: 'QUICK_PAY',
  perDebitLimitCny: '500',
  dailyLimitCny: '2000',
});

const newAgreementNumber = () => `AGR-${randomUUID().slice(0, 8)}`;

describe('checkAgreementHolder', () => {
  it('answers MATCH, the account status ACTIVE and mobileOnFile for the holder of an open account', async () => {
    const person = newPerson();
    const accountNumber = await openFor(person);
    expect(await run(activities.checkAgreementHolder, { accountNumber, holder: person })).toEqual({
      result: 'MATCH',
      accountStatus: 'ACTIVE',
      mobileOnFile: true,
    });
  });

  it("answers MISMATCH, with the account status, when an element is not the holder's", async () => {
    const person = newPerson();
    const accountNumber = await openFor(person);
    const answer = await run(activities.checkAgreementHolder, {
      accountNumber,
      holder: { ...person, mobile: newPerson().mobile },
    });
    expect(answer).toEqual({ result: 'MISMATCH', accountStatus: 'ACTIVE', mobileOnFile: true });
  });

  it('answers the account status a hold or closing gives it (RECEIVE_ONLY, FROZEN, CLOSED)', async () => {
    const person = newPerson();
    const accountNumber = await openFor(person);
    const status = async () =>
      (await run(activities.checkAgreementHolder, { accountNumber, holder: person })).accountStatus;
    await run(activities.placeHold, { accountNumber, holdId: 'r1', type: 'RECEIVE_ONLY', reason: 'REVIEW' });
    expect(await status()).toBe('RECEIVE_ONLY');
    await run(activities.placeHold, { accountNumber, holdId: 'f1', type: 'FROZEN', reason: 'REVIEW' });
    expect(await status()).toBe('FROZEN');
    await run(activities.liftHold, { accountNumber, holdId: 'f1' });
    await run(activities.liftHold, { accountNumber, holdId: 'r1' });
    await run(activities.closeAccount, { accountNumber, reason: 'CUSTOMER_REQUEST' });
    expect(await status()).toBe('CLOSED');
  });

  it('answers MISMATCH with mobileOnFile false for an account opened without a mobile (flow v2)', async () => {
    const person = newPerson();
    const accountNumber = await openFor({ name: person.name, idNumber: person.idNumber });
    expect(await run(activities.checkAgreementHolder, { accountNumber, holder: person })).toEqual({
      result: 'MISMATCH',
      accountStatus: 'ACTIVE',
      mobileOnFile: false,
    });
  });

  it('answers ACCOUNT_NOT_FOUND, and nothing more, for an unknown account', async () => {
    expect(
      await run(activities.checkAgreementHolder, {
        accountNumber: '6230999999999999999',
        holder: newPerson(),
      }),
    ).toEqual({ result: 'ACCOUNT_NOT_FOUND' });
  });
});

describe('sendAgreementCode and verifyAgreementCode', () => {
  it('a retried send of the same attempt answers the same otp and sends one SMS; the next attempt a new one', async () => {
    const { mobile } = newPerson();
    const agreementId = randomUUID();
    const first = await run(activities.sendAgreementCode, { agreementId, mobile, attempt: 1 });
    expect(Date.parse(first.expiresAt) - clock.now().getTime()).toBe(OTP_TTL_SECONDS * 1000);
    const sms = await fetch(`${sandboxes.providersUrl}/sandbox/sms?mobile=${mobile}`).then((r) => r.json());
    clock.advance(1_000);
    expect(await run(activities.sendAgreementCode, { agreementId, mobile, attempt: 1 })).toEqual(first);
    expect(
      await fetch(`${sandboxes.providersUrl}/sandbox/sms?mobile=${mobile}`).then((r) => r.json()),
    ).toEqual(sms);
    const second = await run(activities.sendAgreementCode, { agreementId, mobile, attempt: 2 });
    expect(second.otpId).not.toBe(first.otpId);
  });

  it('keys the send by agreement id and attempt (<agreementId>:otp:<attempt>): the gateway answers that key with the same otp', async () => {
    const { mobile } = newPerson();
    const agreementId = randomUUID();
    const sent = await run(activities.sendAgreementCode, { agreementId, mobile, attempt: 3 });
    const res = await fetch(`${sandboxes.providersUrl}/sms/v1/otp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `${agreementId}:otp:3` },
      body: JSON.stringify({ mobile, purpose: 'AGREEMENT_SIGNING' }),
    });
    expect(await res.json()).toEqual(sent);
  });

  it('verifies the code sent as MATCH (again on a retry), a wrong one as MISMATCH', async () => {
    const { mobile } = newPerson();
    const { otpId } = await run(activities.sendAgreementCode, {
      agreementId: randomUUID(),
      mobile,
      attempt: 1,
    });
    const code = await readSmsCode(sandboxes.providersUrl, mobile);
    const wrong = code === '111111' ? '222222' : '111111';
    expect(await run(activities.verifyAgreementCode, { otpId, code: wrong })).toEqual({ result: 'MISMATCH' });
    expect(await run(activities.verifyAgreementCode, { otpId, code })).toEqual({ result: 'MATCH' });
    expect(await run(activities.verifyAgreementCode, { otpId, code })).toEqual({ result: 'MATCH' });
  });

  it("verifies the right code as EXPIRED once the code's lifetime has passed", async () => {
    const { mobile } = newPerson();
    const { otpId } = await run(activities.sendAgreementCode, {
      agreementId: randomUUID(),
      mobile,
      attempt: 1,
    });
    const code = await readSmsCode(sandboxes.providersUrl, mobile);
    clock.advance(OTP_TTL_SECONDS * 1000);
    expect(await run(activities.verifyAgreementCode, { otpId, code })).toEqual({ result: 'EXPIRED' });
  });
});

describe('registerAgreement and cancelAgreement', () => {
  it("registers under the bank's number, a retry answers registered again, and core banking holds one agreement", async () => {
    const accountNumber = await openFor(newPerson());
    const agreementNumber = newAgreementNumber();
    const input = { agreementNumber, ...quickPay(accountNumber) };
    expect(await run(activities.registerAgreement, input)).toEqual({ registered: true });
    expect(await run(activities.registerAgreement, input)).toEqual({ registered: true });
    const listed = await fetch(
      `${sandboxes.coreBankingUrl}/core/v1/accounts/${accountNumber}/agreements`,
    ).then((r) => r.json() as Promise<{ agreements: { agreementNumber: string; status: string }[] }>);
    expect(listed.agreements.map((a) => [a.agreementNumber, a.status])).toEqual([
      [agreementNumber, 'ACTIVE'],
    ]);
  });

  it('answers refused ACCOUNT_CLOSED for a closed account and ACCOUNT_NOT_FOUND for an unknown one', async () => {
    const accountNumber = await openFor(newPerson());
    await run(activities.closeAccount, { accountNumber, reason: 'CUSTOMER_REQUEST' });
    expect(
      await run(activities.registerAgreement, {
        agreementNumber: newAgreementNumber(),
        ...quickPay(accountNumber),
      }),
    ).toEqual({ refused: 'ACCOUNT_CLOSED' });
    expect(
      await run(activities.registerAgreement, {
        agreementNumber: newAgreementNumber(),
        ...quickPay('6230999999999999999'),
      }),
    ).toEqual({ refused: 'ACCOUNT_NOT_FOUND' });
  });

  it('cancels an agreement (CANCELLED, again CANCELLED on a retry) and answers NOT_FOUND for an unknown number', async () => {
    const accountNumber = await openFor(newPerson());
    const agreementNumber = newAgreementNumber();
    await run(activities.registerAgreement, { agreementNumber, ...quickPay(accountNumber) });
    expect(await run(activities.cancelAgreement, { agreementNumber })).toEqual({ status: 'CANCELLED' });
    expect(await run(activities.cancelAgreement, { agreementNumber })).toEqual({ status: 'CANCELLED' });
    expect(await run(activities.cancelAgreement, { agreementNumber: newAgreementNumber() })).toEqual({
      status: 'NOT_FOUND',
    });
  });
});

describe('recordIdValidity and listIdExpiring', () => {
  it('openAccount keeps the idValidUntil it is given; recordIdValidity replaces it', async () => {
    const accountNumber = await openFor(newPerson(), '1985-06-01');
    const read = async () =>
      (
        (await fetch(`${sandboxes.coreBankingUrl}/core/v1/accounts/${accountNumber}`).then((r) =>
          r.json(),
        )) as {
          idValidUntil?: string;
        }
      ).idValidUntil;
    expect(await read()).toBe('1985-06-01');
    await run(activities.recordIdValidity, { accountNumber, validUntil: 'LONG' });
    expect(await read()).toBe('LONG');
    await run(activities.recordIdValidity, { accountNumber, validUntil: 'LONG' });
    expect(await read()).toBe('LONG');
  });

  it('pages through the expiring accounts in (validity, account) order, leaving out LONG and renewed ones', async () => {
    const dates = ['1980-01-03', '1980-01-01', '1980-01-02'];
    const opened: { accountNumber: string; idValidUntil: string }[] = [];
    for (const idValidUntil of dates)
      opened.push({ accountNumber: await openFor(newPerson(), idValidUntil), idValidUntil });
    await openFor(newPerson(), 'LONG');
    const renewed = await openFor(newPerson(), '1980-01-01');
    await run(activities.recordIdValidity, { accountNumber: renewed, validUntil: '2050-01-01' });

    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await run(activities.listIdExpiring, {
        before: '1980-02-01',
        limit: 2,
        ...(after && { after }),
      });
      for (const account of page.accounts) {
        expect(account).toMatchObject({
          status: 'ACTIVE',
          channel: 'OWN_APP',
          reference: expect.any(String),
        });
        seen.push(`${account.idValidUntil} ${account.accountNumber}`);
      }
      after = page.nextCursor;
    } while (after);
    expect(seen).toEqual(opened.map((a) => `${a.idValidUntil} ${a.accountNumber}`).sort());
  });
});
