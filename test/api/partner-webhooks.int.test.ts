import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../contracts/webhook-signature';
import { TEST_PARTNER_WEBHOOK_SECRETS, TEST_WEBHOOK_SECRET } from '../provided';
import { apiPerFile, bearer } from '../support/api';
import { appEvents, newApplication, newFlowApplication } from '../support/harness';
import { eventually } from '../support/review';

const t = apiPerFile();

describe("partners' webhooks", () => {
  it("a partner's application is told to that partner's webhook only; the bank's app hears its own", async () => {
    const partner = await newFlowApplication(t.h.documents, 'v2', { withoutMobile: true });
    const { channel: _c, flowVersion: _v, ...body } = partner;
    const started = await t.api.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: bearer('app', 'partner-x'),
      payload: body,
    });
    expect(started.json().status).toBe('OPENED');
    const own = await newApplication(t.h.documents, { front: { notIdCard: true } });
    await t.api.inject({ method: 'POST', url: '/v1/applications', headers: bearer('app'), payload: own });

    const partnerEvents = await eventually(
      () => appEvents(t.h.providersUrl, partner.applicationId),
      (e) => e.length > 0,
    );
    expect(partnerEvents.map((e) => [e.type, e.inbox])).toEqual([['ACCOUNT_OPENED', 'partner-x']]);
    const ownEvents = await eventually(
      () => appEvents(t.h.providersUrl, own.applicationId),
      (e) => e.length > 0,
    );
    expect(ownEvents.map((e) => [e.type, e.inbox])).toEqual([['APPLICATION_REJECTED', 'bank']]);
  });

  it("a partner's inbox refuses an event signed with another tenant's secret", async () => {
    const event = {
      eventId: `forged-${crypto.randomUUID()}`,
      type: 'ACCOUNT_OPENED',
      applicationId: crypto.randomUUID(),
      occurredAt: new Date().toISOString(),
      data: {},
    };
    const body = JSON.stringify(event);
    const send = (secret: string) =>
      fetch(`${t.h.providersUrl}/sandbox/app-webhook/partner-x`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signWebhook(secret, event.eventId, body) },
        body,
      });
    expect((await send(TEST_WEBHOOK_SECRET)).status).toBe(401);
    expect((await send(TEST_PARTNER_WEBHOOK_SECRETS['partner-y']!)).status).toBe(401);
    expect((await send(TEST_PARTNER_WEBHOOK_SECRETS['partner-x']!)).status).toBe(200);
  });
});
