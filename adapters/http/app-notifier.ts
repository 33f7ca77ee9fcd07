/** Delivers signed events to a webhook; receivers de-duplicate by `webhook-id` (the event id). */
import { ApplicationFailure } from '@temporalio/common';
import { signWebhook } from '../../contracts/webhook-signature';
import type { AppNotifier } from '../ports';
import { TRANSIENT } from './json-client';

export function httpAppNotifier(webhookUrl: string, secret: string): AppNotifier {
  return {
    async send(event) {
      const body = JSON.stringify(event);
      let res: Response;
      try {
        res = await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signWebhook(secret, event.eventId, body) },
          body,
          signal: AbortSignal.timeout(5000),
        });
      } catch (err) {
        throw ApplicationFailure.retryable(`webhook unreachable: ${(err as Error).name}`, TRANSIENT);
      }
      // Any refusal may be the receiver's passing trouble: keep trying until the policy gives up.
      if (!res.ok) throw ApplicationFailure.retryable(`webhook answered ${res.status}`, TRANSIENT);
    },
  };
}
