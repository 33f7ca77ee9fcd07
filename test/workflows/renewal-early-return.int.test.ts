/**
 * Issue 20 (a) on the real dev server: a renewal of the holder's ID card answers its decision
 * as soon as it is known, while the ID_RENEWED webhook waits for an app whose receiver is down;
 * and that undelivered webhook does not keep the next renewal of the account out.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewalWorkflowId } from '../../domain/workflow-ids';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { bearer, startApi } from '../support/api';
import { type Harness, OWN_APP_TENANT, openCleanly, readAccount, startHarness } from '../support/harness';
import { eventually, newPhotos } from '../support/review';

let h: Harness;
let api: FastifyInstance;
const renewals: string[] = [];
beforeAll(async () => {
  // Nothing listens there: every webhook to the app stays undelivered (retried for a day).
  h = await startHarness({}, { appWebhookUrl: 'http://127.0.0.1:9/nowhere' });
  api = await startApi(h);
});
afterAll(async () => {
  // Their deliveries would go on retrying for a day.
  for (const id of renewals)
    await h?.client.workflow
      .getHandle(id)
      .terminate()
      .catch(() => undefined);
  await api?.close();
  await h?.stop();
});

async function openAccount() {
  const opened = await openCleanly(h);
  renewals.push(renewalWorkflowId(opened.req.applicationId));
  return opened;
}

const renew = (accountNumber: string, payload: object) =>
  api.inject({
    method: 'POST',
    url: `/v1/accounts/${accountNumber}/id-renewal`,
    headers: bearer('app'),
    payload,
  });

describe('a renewal with the app webhook down', () => {
  it('answers the decision while its ID_RENEWED webhook is still undelivered', async () => {
    const { req, accountNumber } = await openAccount();
    const renewed = await renew(accountNumber, await newPhotos(h, req.applicant));
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json()).toMatchObject({ accepted: true, idValidUntil: '2041-02-03', lifted: [] });
    const run = await h.client.workflow.getHandle(renewalWorkflowId(req.applicationId)).describe();
    expect(run.status.name).toBe('RUNNING');
  });

  it("a later renewal of the account is checked and applied while the earlier one's webhook is undelivered", async () => {
    const { req, accountNumber } = await openAccount();
    // Not awaited: the earlier renewal is only known to be decided once core banking has its date.
    const first = renew(accountNumber, await newPhotos(h, req.applicant));
    await eventually(
      () => readAccount(h.coreBankingUrl, accountNumber),
      (a) => a.idValidUntil === '2041-02-03',
    );
    const idFront = await h.documents.put(
      makeIdCardImage({ side: 'FRONT', name: req.applicant.name, idNumber: req.applicant.idNumber }),
      OWN_APP_TENANT,
    );
    const idBack = await h.documents.put(
      makeIdCardImage({ side: 'BACK', validUntil: '2042-03-04' }),
      OWN_APP_TENANT,
    );
    const later = await renew(accountNumber, { idFront, idBack });
    expect(later.statusCode).toBe(200);
    expect(later.json()).toMatchObject({ accepted: true, idValidUntil: '2042-03-04' });
    expect((await readAccount(h.coreBankingUrl, accountNumber)).idValidUntil).toBe('2042-03-04');
    expect((await first).json()).toMatchObject({ accepted: true, idValidUntil: '2041-02-03' });
  });
});
