/** The reconciliation's comparison (domain/reconciliation.ts), pure: no server, no sandbox. */
import { describe, expect, it } from 'vitest';
import { type AccountRecord, type ApplicationRecord, findMismatches } from '../../domain/reconciliation';

const from = new Date('2025-03-01T08:00:00Z');
const to = new Date('2025-03-01T09:00:00Z');
const inside = '2025-03-01T08:30:00.000Z';
const account = (reference: string, over: Partial<AccountRecord> = {}): AccountRecord => ({
  accountNumber: `6230${reference.length}`,
  reference,
  channel: 'OWN_APP',
  status: 'ACTIVE',
  openedAt: inside,
  ...over,
});
const application = (applicationId: string, over: Partial<ApplicationRecord> = {}): ApplicationRecord => ({
  applicationId,
  execution: 'COMPLETED',
  status: 'OPENED',
  startedAt: inside,
  ...over,
});
const kinds = (accounts: AccountRecord[], applications: ApplicationRecord[]) =>
  findMismatches({ accounts, applications, from, to }).map((m) => [m.applicationId, m.kind]);

describe('findMismatches', () => {
  it('finds nothing when every account has its opened application', () => {
    expect(
      kinds([account('a'), account('b')], [application('a'), application('b', { execution: 'RUNNING' })]),
    ).toEqual([]);
  });

  it('an account without an application, or whose application did not finish as OPENED', () => {
    const accounts = ['none', 'rejected', 'terminated', 'stuck'].map((r) => account(r));
    const applications = [
      application('rejected', { status: 'REJECTED' }),
      application('terminated', { execution: 'TERMINATED', status: 'AWAITING_SMS_CODE' }),
      application('stuck', { execution: 'RUNNING', status: 'CHECKING' }),
    ];
    expect(kinds(accounts, applications)).toEqual([
      ['none', 'ACCOUNT_WITHOUT_APPLICATION'],
      ['rejected', 'ACCOUNT_WITHOUT_FINISHED_APPLICATION'],
      ['terminated', 'ACCOUNT_WITHOUT_FINISHED_APPLICATION'],
      ['stuck', 'ACCOUNT_WITHOUT_FINISHED_APPLICATION'],
    ]);
  });

  it("a FAILED application's account must be restricted", () => {
    const applications = [
      application('held', { status: 'FAILED' }),
      application('open', { status: 'FAILED' }),
    ];
    const accounts = [account('held', { status: 'FROZEN' }), account('open')];
    expect(kinds(accounts, applications)).toEqual([['open', 'FAILED_APPLICATION_ACCOUNT_NOT_RESTRICTED']]);
  });

  it('an OPENED application started in the period whose account is missing', () => {
    const applications = [application('gone'), application('before', { startedAt: '2025-03-01T07:00:00Z' })];
    expect(kinds([], applications)).toEqual([['gone', 'APPLICATION_ACCOUNT_MISSING']]);
  });

  it("leaves out other channels' accounts and accounts opened outside the period", () => {
    const accounts = [
      account('branch', { channel: 'BRANCH' }),
      account('late', { openedAt: '2025-03-01T09:00:00.000Z' }),
      account('early', { openedAt: '2025-03-01T07:59:59.999Z' }),
    ];
    expect(kinds(accounts, [])).toEqual([]);
  });

  it('an account opened after the period still counts for an application started in it', () => {
    const accounts = [account('slow', { openedAt: '2025-03-01T09:10:00.000Z' })];
    expect(kinds(accounts, [application('slow')])).toEqual([]);
  });
});
