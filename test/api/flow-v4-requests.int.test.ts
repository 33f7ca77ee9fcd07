/**
 * Flow v4 over HTTP (issue 22): what the start request must carry (a 400 naming the field, with
 * nothing started and no daily counter consumed), and what apps are told of a v4 application
 * (never the punishment list, the links or the rating) while staff read them.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { apiPerFile, bearer } from '../support/api';
import { listPunished, newDevice, newV4Application } from '../support/flow-v4';
import { readSmsCode } from '../support/harness';

// One start a day per ID number: a refused start that consumed it would block the corrected one.
const t = apiPerFile({}, { limits: { applicationsPerIdNumberPerDay: 1 } });

const start = (payload: object, role: 'app' | 'operator' = 'app') =>
  t.api.inject({ method: 'POST', url: '/v1/applications', headers: bearer(role), payload });

/** A v4 request as an app sends it: the channel and version left to the token and the default. */
async function body() {
  const { channel: _c, flowVersion: _v, ...req } = await newV4Application(t.h.documents);
  return req;
}

const notStarted = (applicationId: string) =>
  expect(
    t.h.client.workflow.getHandle(onboardingWorkflowId(applicationId)).describe(),
  ).rejects.toBeInstanceOf(WorkflowNotFoundError);

describe('the v4 start request', () => {
  it.each(['intent', 'device'] as const)(
    'without %s (OWN_APP defaults to v4) is a 400 naming the field; nothing starts and no counter is consumed',
    async (field) => {
      const full = await body();
      const { [field]: _left, ...missing } = full;
      const refused = await start(missing);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors).toEqual([
        { field: `body.${field}`, message: expect.stringContaining('is required by flow v4') },
      ]);
      await notStarted(full.applicationId);
      // The same person's corrected start still finds the day's one start free.
      expect((await start(full)).statusCode).toBe(200);
    },
  );

  it.each([
    [
      'intent.purpose',
      (b: Awaited<ReturnType<typeof body>>) => ({ ...b, intent: { ...b.intent, purpose: 'RENT' } }),
    ],
    [
      'intent.declaresNoRentOrSale',
      (b: Awaited<ReturnType<typeof body>>) => ({
        ...b,
        intent: { ...b.intent, declaresNoRentOrSale: 'yes' },
      }),
    ],
    [
      'device.deviceId',
      (b: Awaited<ReturnType<typeof body>>) => ({ ...b, device: { ...b.device, deviceId: 'x' } }),
    ],
    [
      'device.ip',
      (b: Awaited<ReturnType<typeof body>>) => ({ ...b, device: { ...b.device, ip: '999.1.1.1' } }),
    ],
    [
      'device.platform',
      (b: Awaited<ReturnType<typeof body>>) => ({ ...b, device: { ...b.device, platform: 'SYMBIAN' } }),
    ],
    [
      'device.appVersion',
      (b: Awaited<ReturnType<typeof body>>) => ({ ...b, device: { ...b.device, appVersion: 'v 1' } }),
    ],
  ] as const)('a bad %s is a 400 naming the field, and nothing starts', async (field, spoil) => {
    const req = await body();
    const refused = await start(spoil(req));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual([`body.${field}`]);
    await notStarted(req.applicationId);
  });
});

describe('what apps and staff read of a v4 application', () => {
  it('a listed applicant is told ACCOUNT_OPENING_RESTRICTED in every answer and event, never the list; staff read PUNISHMENT_LISTED', async () => {
    const req = await body();
    await listPunished(t.h.providersUrl, req.applicant.idNumber);
    const started = await start(req);
    expect(started.json()).toMatchObject({ status: 'REJECTED', reasons: ['ACCOUNT_OPENING_RESTRICTED'] });
    const url = `/v1/applications/${req.applicationId}`;
    const read = await t.api.inject({ url, headers: bearer('app') });
    const events = await t.api.inject({ url: `${url}/events`, headers: bearer('app') });
    for (const answer of [started.body, read.body, events.body]) expect(answer).not.toMatch(/PUNISHMENT/);

    const staff = await t.api.inject({ url, headers: bearer('operator') });
    expect(staff.json()).toMatchObject({ reasons: ['PUNISHMENT_LISTED'] });
  });

  it('apps never read the links or the rating; staff read intent, device summary, links and rating', async () => {
    const req = { ...(await body()), device: newDevice() };
    expect((await start(req)).statusCode).toBe(200);
    const code = await readSmsCode(t.h.providersUrl, req.applicant.mobile);
    const url = `/v1/applications/${req.applicationId}`;
    const opened = await t.api.inject({
      method: 'POST',
      url: `${url}/sms-code`,
      headers: bearer('app'),
      payload: { code },
    });
    expect(opened.json()).toMatchObject({ status: 'OPENED' });

    const app = await t.api.inject({ url, headers: bearer('app') });
    for (const field of ['intent', 'device', 'links', 'riskRating'])
      expect(app.json()).not.toHaveProperty(field);
    expect(app.body).not.toMatch(/LINKED_APPLICANTS|PUNISHMENT_LIST/);

    const staff = await t.api.inject({ url, headers: bearer('operator') });
    expect(staff.json()).toMatchObject({
      intent: req.intent,
      device: { platform: 'IOS', appVersion: '5.2.0' },
      links: { identitiesOnDevice: 1, identitiesOnMobile: 1 },
      riskRating: 'LOW',
    });
    expect(staff.body).not.toContain(req.device.deviceId);
    expect(staff.body).not.toContain(req.device.ip);
  });
});
