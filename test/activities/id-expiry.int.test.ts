/**
 * The ID-expiry sweep's page activity (issue 20) in the SDK's mock activity environment, against
 * sandboxes of this file's own over HTTP (production adapters, measured as the worker measures
 * them). Core banking gets a hook of the test's: it records each hold's Idempotency-Key as sent,
 * and refuses for good (`422 {"error": "REFUSED"}`, as its `refuse` knob answers) the holds of
 * the accounts the test names: the sandbox's own knob refuses every account's.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import type { SweepPageResult } from '../../activities/id-expiry';
import { ProjectMetrics } from '../../config/metrics';
import type { AppEvent } from '../../contracts/providers';
import { addDays } from '../../domain/china-time';
import { defaultIdExpiryPolicy } from '../../domain/id-expiry';
import { instrumentPorts } from '../../worker/metrics';
import { testKeyring } from '../security/keys';
import { readAccount, sandboxPorts } from '../support/harness';
import { newPerson } from '../support/people';
import { type OwnSandboxes, startOwnSandboxes } from '../workflows/own-sandboxes';

let sandboxes: OwnSandboxes;
let activities: ReturnType<typeof createActivities>;
const metrics = new ProjectMetrics('id-expiry-test', { defaultMetrics: false });
const env = new MockActivityEnvironment();
const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  env.run(fn, ...args) as Promise<R>;

/** Accounts whose holds core banking refuses for good. */
const refused = new Set<string>();
/** Every hold request core banking received: the account and the Idempotency-Key sent. */
const holdRequests: { accountNumber: string; key: string | undefined }[] = [];
/** What the ops team heard. */
const opsEvents: AppEvent[] = [];

beforeAll(async () => {
  sandboxes = await startOwnSandboxes({
    beforeListen: ({ coreBanking }) =>
      coreBanking.addHook('onRequest', async (request, reply) => {
        const match = /^\/core\/v1\/accounts\/([^/]+)\/holds$/.exec(request.url.split('?')[0] ?? '');
        if (request.method !== 'POST' || !match?.[1]) return;
        const accountNumber = decodeURIComponent(match[1]);
        const key = request.headers['idempotency-key'];
        holdRequests.push({ accountNumber, key: typeof key === 'string' ? key : undefined });
        if (refused.has(accountNumber)) return reply.code(422).send({ error: 'REFUSED' });
      }),
  });
  const documentsDir = await mkdtemp(path.join(os.tmpdir(), 'documents-'));
  const ports = sandboxPorts(documentsDir, testKeyring(), {
    providersUrl: sandboxes.providersUrl,
    coreBankingUrl: sandboxes.coreBankingUrl,
  });
  activities = createActivities(
    instrumentPorts(
      {
        ...ports,
        opsNotifier: {
          async send(event) {
            opsEvents.push(event);
          },
        },
      },
      metrics,
    ),
  );
});
afterAll(() => sandboxes.close());

async function openFor(idValidUntil: string): Promise<{ accountNumber: string; reference: string }> {
  const reference = randomUUID();
  const opened = await run(activities.openAccount, {
    applicationId: reference,
    applicant: newPerson(),
    channel: 'OWN_APP',
    idValidUntil,
  });
  if (!('accountNumber' in opened)) throw new Error('not opened');
  return { accountNumber: opened.accountNumber, reference };
}

/** Every page of a day's sweep, as the workflow runs them. */
async function sweepDay(asOf: string): Promise<SweepPageResult[]> {
  const pages: SweepPageResult[] = [];
  let after: string | undefined;
  do {
    const page = await run(activities.sweepIdExpiryPage, {
      asOf,
      policy: { ...defaultIdExpiryPolicy, pageSize: 2 },
      ...(after !== undefined && { after }),
    });
    pages.push(page);
    after = page.nextCursor;
  } while (after);
  return pages;
}

const status = async (accountNumber: string) =>
  (await readAccount(sandboxes.coreBankingUrl, accountNumber)).status;

const refusedHoldErrors = async () =>
  (await metrics.registry.getSingleMetric('account_opening_vendor_call_errors_total')?.get())?.values.find(
    (v) => v.labels.operation === 'placeHold' && v.labels.error === 'answer',
  )?.value ?? 0;

describe('sweepIdExpiryPage', () => {
  it('carries on past an account whose hold core banking refuses: alerted, counted, placed the next day', async () => {
    const validUntil = '1990-03-01';
    const accounts = [];
    for (let i = 0; i < 3; i++) accounts.push(await openFor(validUntil));
    accounts.sort((a, b) => a.accountNumber.localeCompare(b.accountNumber));
    const [first, ...later] = accounts as [(typeof accounts)[0], ...typeof accounts];
    refused.add(first.accountNumber);
    const asOf = addDays(validUntil, defaultIdExpiryPolicy.receiveOnlyDaysAfter);
    const errorsBefore = await refusedHoldErrors();

    const pages = await sweepDay(asOf);
    for (const a of later) expect(await status(a.accountNumber)).toBe('RECEIVE_ONLY');
    expect(await status(first.accountNumber)).toBe('ACTIVE');
    expect(pages.reduce((n, p) => n + p.restricted, 0)).toBe(2);
    expect(pages.reduce((n, p) => n + (p.failed ?? 0), 0)).toBe(1);
    const applied = pages.flatMap((p) => p.events).filter((e) => e.type === 'HOLD_APPLIED');
    expect(applied.map((e) => e.applicationId).sort()).toEqual(later.map((a) => a.reference).sort());
    // Ops hear of the account left unrestricted, once; the app hears nothing of it.
    const alerts = opsEvents.filter((e) => e.applicationId === first.reference);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      type: 'OPS_ACCOUNT_NOT_RESTRICTED',
      data: { accountNumber: first.accountNumber, wanted: 'RECEIVE_ONLY', reason: 'ID_CARD_EXPIRED' },
    });
    expect(await refusedHoldErrors()).toBe(errorsBefore + 1);

    // The next day, with core banking willing again, the account is restricted and announced.
    refused.clear();
    const next = await sweepDay(addDays(asOf, 1));
    expect(await status(first.accountNumber)).toBe('RECEIVE_ONLY');
    expect(
      next
        .flatMap((p) => p.events)
        .filter((e) => e.type === 'HOLD_APPLIED' && e.applicationId === first.reference),
    ).toHaveLength(1);
    expect(next.reduce((n, p) => n + (p.failed ?? 0), 0)).toBe(0);
  });

  it('sends each hold under an idempotency key that names its account, the same on a retried day', async () => {
    const validUntil = '1995-07-01';
    const accounts = [await openFor(validUntil), await openFor(validUntil)];
    const asOf = addDays(validUntil, defaultIdExpiryPolicy.receiveOnlyDaysAfter);
    const keysOf = () =>
      holdRequests.filter((r) => accounts.some((a) => a.accountNumber === r.accountNumber));

    await sweepDay(asOf);
    const sent = keysOf();
    expect(sent).toHaveLength(2);
    for (const { accountNumber, key } of sent) expect(key).toContain(accountNumber);
    expect(new Set(sent.map((r) => r.key)).size).toBe(2);
    for (const a of accounts) expect(await status(a.accountNumber)).toBe('RECEIVE_ONLY');

    // The same day again: the same key for the same account's hold.
    await sweepDay(asOf);
    const again = keysOf().slice(2);
    expect(again).toEqual(sent);
  });
});
