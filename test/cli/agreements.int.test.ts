/**
 * The operator CLI's agreement commands in-process, over real HTTP to the API on the real stack:
 * agreements signed through the SDK as an institution, then listed and cancelled from the CLI.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChina } from '../../domain/china-time';
import { type AgreementSummary, ApiClient, type SigningRequestInput } from '../../sdk/client';
import { openAccount, reference } from '../support/agreements';
import { type Harness, readSmsCode, startHarness } from '../support/harness';
import { listenApi, runOperatorAt, tokenOf } from './http-api';

let h: Harness;
let api: FastifyInstance;
let url: string;
beforeAll(async () => {
  h = await startHarness();
  ({ api, url } = await listenApi(h));
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

const operator = (args: string[], env?: NodeJS.ProcessEnv) => runOperatorAt(url, args, env);

/** Signs as WeChat Pay with the code from the holder's inbox. */
async function sign(req: SigningRequestInput) {
  const wechat = new ApiClient({ baseUrl: url, token: tokenOf('WECHAT_PAY') });
  const { agreementId } = await wechat.startAgreement(req);
  const signed = await wechat.submitAgreementCode(
    agreementId,
    await readSmsCode(h.providersUrl, req.holder.mobile),
  );
  if (signed.status !== 'SIGNED') throw new Error(`not signed: ${signed.status}`);
  return { agreementId, agreementNumber: signed.agreementNumber };
}

describe('agreements', () => {
  it("lists an account's agreements as a table: id, number, institution, scope, status, limits and an entrusted one's payee and term; --json answers what the API does", async () => {
    const account = await openAccount(h);
    const base = { accountNumber: account.accountNumber, holder: account.holder, dailyLimitCny: '1500' };
    const quick = await sign({
      ...base,
      scope: 'QUICK_PAY',
      perDebitLimitCny: '1000',
      reference: reference('cli'),
    });
    const from = todayInChina();
    const entrusted = await sign({
      ...base,
      scope: 'ENTRUSTED',
      payee: 'STATE-GRID-BEIJING',
      period: { from },
      perDebitLimitCny: '300',
      reference: reference('cli'),
    });

    const listed = await operator(['agreements', account.accountNumber]);
    expect(listed).toMatchObject({ code: 0, err: '' });
    const [head, ...rows] = listed.out.trimEnd().split('\n');
    expect(head?.split(/\s{2,}/)).toEqual([
      'AGREEMENT',
      'NUMBER',
      'INSTITUTION',
      'SCOPE',
      'STATUS',
      'PER DEBIT',
      'DAILY',
      'PAYEE',
    ]);
    expect(rows.map((r) => r.split(/\s{2,}/))).toEqual([
      [
        quick.agreementId,
        quick.agreementNumber,
        'WECHAT_PAY',
        'QUICK_PAY',
        'ACTIVE',
        '1000.00',
        '1500.00',
        '-',
      ],
      [
        entrusted.agreementId,
        entrusted.agreementNumber,
        'WECHAT_PAY',
        'ENTRUSTED',
        'ACTIVE',
        '300.00',
        '1500.00',
        `STATE-GRID-BEIJING (${from} to cancelled)`,
      ],
    ]);

    const asJson = await operator(['agreements', account.accountNumber, '--json']);
    const staff = new ApiClient({ baseUrl: url, token: tokenOf('op-alice') });
    expect(JSON.parse(asJson.out) as AgreementSummary[]).toEqual(
      await staff.listAgreements(account.accountNumber),
    );
  });

  it('says an account has no agreements, and refuses an unknown account with 404 and a malformed number naming <accountNumber>, exit code 2', async () => {
    const account = await openAccount(h);
    expect(await operator(['agreements', account.accountNumber])).toEqual({
      code: 0,
      out: `account ${account.accountNumber} has no agreements\n`,
      err: '',
    });
    const unknown = await operator(['agreements', '9999999999999999']);
    expect(unknown).toMatchObject({ code: 2, out: '' });
    expect(unknown.err).toBe('error: 404 Not Found: no account with this number [NOT_FOUND]\n');
    const malformed = await operator(['agreements', '62-30']);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain(
      'params.accountNumber (<accountNumber>): must be the digits of an account number',
    );
  });
});

describe('cancel-agreement', () => {
  it("cancels with an operator's token, and again with the account app's and the institution's, each answering CANCELLED; agreements shows it CANCELLED", async () => {
    const account = await openAccount(h);
    const { agreementId } = await sign({
      accountNumber: account.accountNumber,
      holder: account.holder,
      scope: 'QUICK_PAY',
      perDebitLimitCny: '100',
      dailyLimitCny: '100',
      reference: reference('cli'),
    });

    const asStaff = await operator(['cancel-agreement', agreementId]);
    expect(asStaff).toEqual({ code: 0, out: `${agreementId}: CANCELLED\n`, err: '' });
    const asApp = await operator(['cancel-agreement', agreementId, '--token', tokenOf('test-app')]);
    expect(asApp).toEqual({ code: 0, out: `${agreementId}: CANCELLED\n`, err: '' });
    const again = await operator(['cancel-agreement', agreementId, '--json'], {
      OPERATOR_TOKEN: tokenOf('WECHAT_PAY'),
    });
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(again.out)).toEqual({ status: 'CANCELLED' });

    const listed = await operator(['agreements', account.accountNumber]);
    expect(listed.out.split('\n')[1]?.split(/\s{2,}/)[4]).toBe('CANCELLED');
  });

  it("answers 404 with a hint for an agreement the token may not cancel (another app's, or none), and refuses a malformed id naming <agreementId>", async () => {
    const account = await openAccount(h);
    const { agreementId } = await sign({
      accountNumber: account.accountNumber,
      holder: account.holder,
      scope: 'QUICK_PAY',
      perDebitLimitCny: '100',
      dailyLimitCny: '100',
      reference: reference('cli'),
    });
    const hint =
      "  no agreement with this id that this token may cancel: check the id (`operator agreements <accountNumber>`); another institution's or another app's agreement answers 404 too\n";
    const otherApp = await operator(['cancel-agreement', agreementId, '--token', tokenOf('partner-x')]);
    expect(otherApp).toEqual({
      code: 2,
      out: '',
      // The API titles this 404 "Not found" (its error mapping), the list's "Not Found".
      err: `error: 404 Not found: no agreement with this agreementId [NOT_FOUND]\n${hint}`,
    });
    const otherInstitution = await operator(['cancel-agreement', agreementId, '--token', tokenOf('JD_PAY')]);
    expect(otherInstitution.err).toContain(hint);
    const none = await operator([
      'cancel-agreement',
      `agr-${'0'.repeat(32)}`,
      '--token',
      tokenOf('test-app'),
    ]);
    expect(none.err).toContain(hint);

    const malformed = await operator(['cancel-agreement', 'agr-xyz', '--token', tokenOf('test-app')]);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain(
      'params.agreementId (<agreementId>): must be an agreementId as POST /v1/agreements answered it',
    );
  });
});

describe('help', () => {
  it('agreements and cancel-agreement give examples, and cancel-agreement says which tokens may cancel; both are listed in the top-level help', async () => {
    const list = await operator(['agreements', '--help']);
    expect(list.code).toBe(0);
    expect(list.out).toContain('$ operator agreements 6230580000000001 --json');
    const cancel = await operator(['cancel-agreement', '--help']);
    expect(cancel.out).toContain('$ operator cancel-agreement agr-3f1c...');
    expect(cancel.out).toContain('recorded in the audit log under their name');
    const top = await operator(['--help']);
    expect(top.out).toMatch(
      /^\s+agreements \[options\] <accountNumber>\s+List an account's payment agreements/m,
    );
    expect(top.out).toMatch(/^\s+cancel-agreement \[options\] <agreementId>\s+Cancel a payment agreement/m);
  });
});
