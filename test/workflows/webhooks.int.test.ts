/** Webhooks to the app: signed, retried until the receiver is back, logged per event. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../contracts/webhook-signature';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import {
  type Harness,
  newApplication,
  readSmsCode,
  startHarness,
  TEST_WEBHOOK_SECRET,
} from '../support/harness';
import { newPerson } from '../support/people';

/** An app backend that can be down: answers 503 until `up`, and counts every accepted event by id. */
class Receiver {
  up = false;
  readonly accepted = new Map<string, number>();
  badSignatures = 0;
  private server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (!this.up) return res.writeHead(503).end();
      if (!verifyWebhook(TEST_WEBHOOK_SECRET, req.headers, body)) {
        this.badSignatures++;
        return res.writeHead(401).end();
      }
      const id = String(req.headers['webhook-id']);
      this.accepted.set(id, (this.accepted.get(id) ?? 0) + 1);
      res.writeHead(204).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const receiver = new Receiver();
let h: Harness;
beforeAll(async () => {
  const url = await receiver.start();
  h = await startHarness({ webhookGiveUpSeconds: 60 }, { appWebhookUrl: url });
});
afterAll(async () => {
  await h?.stop();
  await receiver.stop();
});

describe('webhooks to the app', () => {
  it('a receiver that is down for a while gets every event once it is back, each once by id', async () => {
    receiver.up = false;
    const opened = await newApplication(h.documents);
    await h.applications.start(opened);
    await h.applications.submitSmsCode(
      opened.applicationId,
      await readSmsCode(h.providersUrl, opened.applicant.mobile),
    );
    const rejected = await newApplication(h.documents, { person: newPerson('王不符') });
    await h.applications.start(rejected);

    const pending = await h.applications.get(opened.applicationId);
    expect(pending.deliveries).toEqual([
      { eventId: `${opened.applicationId}:ACCOUNT_OPENED`, type: 'ACCOUNT_OPENED', status: 'PENDING' },
    ]);

    await new Promise((r) => setTimeout(r, 2500));
    receiver.up = true;
    const [a, b] = await Promise.all(
      [opened, rejected].map((req) =>
        h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result(),
      ),
    );
    expect(a.deliveries[0]).toMatchObject({ type: 'ACCOUNT_OPENED', status: 'DELIVERED' });
    expect(a.deliveries[0]?.attempts).toBeGreaterThan(1);
    expect(b.deliveries[0]).toMatchObject({ type: 'APPLICATION_REJECTED', status: 'DELIVERED' });
    expect(receiver.accepted.get(`${opened.applicationId}:ACCOUNT_OPENED`)).toBe(1);
    expect(receiver.accepted.get(`${rejected.applicationId}:APPLICATION_REJECTED`)).toBe(1);
    expect(receiver.badSignatures).toBe(0);
  });

  it('gives up after the policy time and says so in the delivery log', async () => {
    const quick = await startHarness(
      { webhookGiveUpSeconds: 2 },
      { appWebhookUrl: 'http://127.0.0.1:9/nowhere' },
    );
    try {
      const req = await newApplication(quick.documents, { person: newPerson('王不符') });
      await quick.applications.start(req);
      const final = await quick.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
      expect(final.status).toBe('REJECTED');
      expect(final.deliveries).toEqual([
        expect.objectContaining({ type: 'APPLICATION_REJECTED', status: 'GAVE_UP' }),
      ]);
    } finally {
      await quick.stop();
    }
  });
});
