/** Delivers events to the app's webhook; the receiver de-duplicates by eventId. */

import { z } from 'zod';
import type { AppNotifier } from '../ports';
import { callJson, expect } from './json-client';

export function httpAppNotifier(webhookUrl: string): AppNotifier {
  return {
    async send(event) {
      const answer = await callJson(webhookUrl, { body: event, idempotencyKey: event.eventId });
      expect(answer, [200, 201, 202, 204], z.unknown());
    },
  };
}
