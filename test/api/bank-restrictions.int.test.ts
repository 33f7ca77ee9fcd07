/**
 * POST /v1/accounts/{accountNumber}/restrictions and .../restrictions/{caseId}/decision on the real
 * dev server: malformed bodies are a 400 naming the field and start nothing; an unknown account is
 * a 404; apps and sessions are refused (403); a second proposal while a case is open, or a
 * confirmation of another category, is a 409; the holder's session never reads the category, the
 * note or who proposed, while staff read the whole case.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { bankRestrictionWorkflowId } from '../../domain/workflow-ids';
import { apiPerFile, bearer } from '../support/api';
import { openCleanly, readAccount } from '../support/harness';

const t = apiPerFile();

const open = () => openCleanly(t.h);

async function sessionOf(accountNumber: string): Promise<Record<string, string>> {
  const minted = await t.api.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: bearer('app'),
    payload: { accountNumber },
  });
  expect(minted.statusCode).toBe(201);
  return { authorization: `Bearer ${minted.json().sessionToken}` };
}

const body = { category: 'SUSPECTED_FRAUD', note: 'reported by a payer as a scam' };

const propose = (accountNumber: string, headers: Record<string, string>, payload: object = body) =>
  t.api.inject({ method: 'POST', url: `/v1/accounts/${accountNumber}/restrictions`, headers, payload });

/** Whether any restriction case of the application was ever started. */
async function started(applicationId: string): Promise<boolean> {
  try {
    await t.h.client.workflow.getHandle(bankRestrictionWorkflowId(applicationId)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

describe('restriction requests', () => {
  it('bodies that are not a restriction get a 400 naming the field, and no case starts', async () => {
    const { req, accountNumber } = await open();
    const cases: [object, string][] = [
      [{ category: 'MONEY_MULE', note: 'x' }, 'category'],
      [{ note: 'x' }, 'category'],
      [{ category: 'OTHER' }, 'note'],
      [{ category: 'OTHER', note: '   ' }, 'note'],
      [{ ...body, severity: 'HIGH' }, 'severity'],
    ];
    for (const [payload, field] of cases) {
      const res = await propose(accountNumber, bearer('operator'), payload);
      expect(res.statusCode, field).toBe(400);
      expect(JSON.stringify(res.json()), field).toContain(field);
    }
    expect(await started(req.applicationId)).toBe(false);
    expect((await readAccount(t.h.coreBankingUrl, accountNumber)).holds).toEqual([]);
  });

  it('an unknown account is a 404; apps, partners and sessions are refused with 403; no case starts', async () => {
    expect((await propose('9000000000000001', bearer('operator'))).statusCode).toBe(404);
    const { req, accountNumber } = await open();
    expect((await propose(accountNumber, bearer('app'))).statusCode).toBe(403);
    expect((await propose(accountNumber, bearer('app', 'partner-x'))).statusCode).toBe(403);
    expect((await propose(accountNumber, await sessionOf(accountNumber))).statusCode).toBe(403);
    expect((await propose(accountNumber, bearer('institution', 'WECHAT_PAY'))).statusCode).toBe(403);
    expect(await started(req.applicationId)).toBe(false);
  });

  it('a second proposal while a case is open, or a confirmation of another category, is a 409 and changes nothing', async () => {
    const { accountNumber } = await open();
    const first = await propose(accountNumber, bearer('operator', 'op-alice'));
    expect(first.statusCode).toBe(202);
    expect((await propose(accountNumber, bearer('operator', 'op-bob'))).statusCode).toBe(409);
    const other = await propose(accountNumber, bearer('supervisor'), { ...body, category: 'OTHER' });
    expect(other.statusCode).toBe(409);
    expect((await readAccount(t.h.coreBankingUrl, accountNumber)).holds).toEqual([]);
    const staff = await t.api.inject({
      method: 'GET',
      url: `/v1/accounts/${accountNumber}`,
      headers: bearer('operator'),
    });
    expect(staff.json().bankRestriction).toMatchObject({ caseId: first.json().caseId, status: 'PROPOSED' });
  });

  it('a decision names an existing case of the account (404 otherwise) and is LIFT or UPHOLD with a note (400 otherwise)', async () => {
    const { accountNumber } = await open();
    const caseId = (await propose(accountNumber, bearer('operator', 'op-alice'))).json().caseId as string;
    const decide = (id: string, payload: object) =>
      t.api.inject({
        method: 'POST',
        url: `/v1/accounts/${accountNumber}/restrictions/${id}/decision`,
        headers: bearer('operator', 'op-bob'),
        payload,
      });
    const bad = await decide(caseId, { decision: 'REVOKE', note: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('decision');
    const noNote = await decide(caseId, { decision: 'LIFT' });
    expect(noNote.statusCode).toBe(400);
    expect(JSON.stringify(noNote.json())).toContain('note');
    expect(
      (await decide('00000000-0000-4000-8000-000000000000', { decision: 'LIFT', note: 'x' })).statusCode,
    ).toBe(404);
    // Proposed, not in force: nothing to lift yet.
    expect((await decide(caseId, { decision: 'LIFT', note: 'x' })).statusCode).toBe(409);
  });

  it('staff read the whole case; the holder’s session reads BANK_REVIEW / RE_VERIFY only, never the category, note or names', async () => {
    const { accountNumber } = await open();
    expect((await propose(accountNumber, bearer('operator', 'op-alice'))).statusCode).toBe(202);
    const confirmed = await propose(accountNumber, bearer('supervisor'), { ...body, note: 'agreed' });
    expect(confirmed.statusCode).toBe(201);
    const staff = (
      await t.api.inject({
        method: 'GET',
        url: `/v1/accounts/${accountNumber}`,
        headers: bearer('supervisor'),
      })
    ).json();
    expect(staff.bankRestriction).toMatchObject({
      status: 'IN_FORCE',
      category: 'SUSPECTED_FRAUD',
      note: body.note,
      proposedBy: 'op-alice',
      confirmedBy: 'sup-carol',
      confirmationNote: 'agreed',
    });
    for (const headers of [await sessionOf(accountNumber), bearer('app')]) {
      const seen = await t.api.inject({ method: 'GET', url: `/v1/accounts/${accountNumber}`, headers });
      expect(seen.statusCode).toBe(200);
      expect(seen.json()).not.toHaveProperty('bankRestriction');
      expect(seen.json().restrictions).toEqual([
        { kind: 'BANK_REVIEW', since: expect.any(String), action: 'RE_VERIFY' },
      ]);
      expect(seen.body).not.toMatch(/SUSPECTED|FRAUD|scam|op-alice|sup-carol|bank-restriction/);
    }
  });

  it("a re-verification by another account's session stays a 404 while the account is restricted, and starts nothing", async () => {
    const mine = await open();
    const other = await open();
    await propose(mine.accountNumber, bearer('operator', 'op-alice'));
    expect((await propose(mine.accountNumber, bearer('supervisor'))).statusCode).toBe(201);
    const res = await t.api.inject({
      method: 'POST',
      url: `/v1/accounts/${mine.accountNumber}/re-verifications`,
      headers: await sessionOf(other.accountNumber),
      payload: {
        documents: { idFront: 'a'.repeat(64), idBack: 'b'.repeat(64) },
        intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true },
      },
    });
    expect(res.statusCode).toBe(404);
    const staff = await t.api.inject({
      method: 'GET',
      url: `/v1/accounts/${mine.accountNumber}`,
      headers: bearer('operator'),
    });
    expect(staff.json().bankRestriction).toMatchObject({ status: 'IN_FORCE' });
    expect(staff.json().bankRestriction).not.toHaveProperty('appeal');
  });
});
