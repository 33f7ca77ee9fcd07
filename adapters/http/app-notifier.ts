/** Delivers signed events to a webhook; receivers de-duplicate by `webhook-id` (the event id). */
import { ApplicationFailure } from '@temporalio/common';
import { request } from 'undici';
import { signWebhook } from '../../contracts/webhook-signature';
import type { AppNotifier } from '../ports';
import { TRANSIENT } from './json-client';

export function httpAppNotifier(webhookUrl: string, secret: string): AppNotifier {
  return {
    async send(event) {
      const body = JSON.stringify(event);
      let status: number;
      try {
        const res = await request(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signWebhook(secret, event.eventId, body) },
          body,
          signal: AbortSignal.timeout(5000),
        });
        status = res.statusCode;
        // Read to the end, so the connection goes back to the pool.
        await res.body.dump();
      } catch (err) {
        throw ApplicationFailure.retryable(`webhook unreachable: ${(err as Error).name}`, TRANSIENT);
      }
      // Any refusal may be the receiver's passing trouble: keep trying until the policy gives up.
      if (status < 200 || status > 299) {
        throw ApplicationFailure.retryable(`webhook answered ${status}`, TRANSIENT);
      }
    },
  };
}

export interface WebhookRoute {
  url: string;
  secret: string;
}

/**
 * Each tenant's events to its own webhook, signed with its own secret: the bank's own app gets
 * the events of its applications, each partner bank those of the applications that came through
 * its app. A partner with no webhook configured gets nothing (its events give up), never another's.
 */
export function tenantNotifier(
  own: WebhookRoute,
  partners: Readonly<Record<string, WebhookRoute>>,
): AppNotifier {
  const ownNotifier = httpAppNotifier(own.url, own.secret);
  const partnerNotifiers = new Map(
    Object.entries(partners).map(([id, route]) => [id, httpAppNotifier(route.url, route.secret)]),
  );
  return {
    async send(event) {
      if (!event.partnerId) return ownNotifier.send(event);
      const notifier = partnerNotifiers.get(event.partnerId);
      if (!notifier)
        throw ApplicationFailure.nonRetryable('no webhook is configured for this partner', 'NoWebhookRoute');
      return notifier.send(event);
    },
  };
}
