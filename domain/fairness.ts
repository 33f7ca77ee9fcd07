/**
 * Task-queue fairness per origin (docs/cluster.md, "Fairness between partners"): every partner
 * bank's applications and the bank's own app share one task queue, so each origin gets a
 * fairness key of its own and the server hands out tasks round-robin between keys instead of
 * first come, first served. A partner's burst then waits behind itself, not in front of others.
 */
import type { Channel } from './identifiers';

/** The bank's own app: one fixed key for all its applicants. */
export const OWN_APP_FAIRNESS_KEY = 'own-app';

/**
 * The origin's key. A partner's id names an institution, not a person, so it may travel in
 * the clear; `partner:` keeps it apart from the own app's key (a partner could be called
 * `own-app`). At most 48 bytes, under the server's 64.
 */
export function fairnessKeyOf(origin: { channel: Channel; partnerId?: string }): string {
  if (origin.channel === 'OWN_APP') return OWN_APP_FAIRNESS_KEY;
  if (!origin.partnerId) throw new Error('a PARTNER-channel application needs its partnerId');
  return `partner:${origin.partnerId}`;
}
