/**
 * Sessions both adapters' tests put and find (test/stores/sessions.test.ts,
 * test/stores/postgres.int.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { newSessionToken, type Session } from '../../stores/sessions';

/** When the sample sessions end, and the last instant they are still live. */
export const SAMPLE_EXPIRES_AT = '2026-12-01T08:15:00.000Z';
export const BEFORE_SAMPLE_EXPIRY = new Date('2026-12-01T08:14:59.999Z');

/** A partner app's session for an account, and the bank's own app's for an application only. */
export const sampleSessions = (): [Session, Session] => [
  {
    sessionId: newSessionToken().sessionId,
    tenantId: 'partner-x-app',
    channel: 'PARTNER',
    partnerId: 'partner-x',
    applicationId: randomUUID(),
    accountNumber: '6230580000012345678',
    expiresAt: SAMPLE_EXPIRES_AT,
  },
  {
    sessionId: newSessionToken().sessionId,
    tenantId: 'own-app',
    channel: 'OWN_APP',
    applicationId: randomUUID(),
    expiresAt: SAMPLE_EXPIRES_AT,
  },
];
