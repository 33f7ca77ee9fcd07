/**
 * The upload quota (domain/documents.ts): a customer's session may upload so many documents in
 * its life, a tenant's token (its sessions included) so many a China day. Counted in the shared
 * limits store, so every API instance sees one count; each upload is counted by its content
 * address, so the same image again costs nothing (it stores nothing new either).
 */
import { createHash } from 'node:crypto';
import { secondsToChinaMidnight, todayInChina } from '../domain/china-time';
import type { UploadQuota } from '../domain/documents';
import type { DailyLimitStore } from '../stores/daily-limits';
import type { Caller } from './auth';
import { TooManyError } from './services/errors';

export interface UploadQuotaDeps {
  store: DailyLimitStore;
  quota: UploadQuota;
  clock?: () => Date;
}

/** Counts the upload of `bytes` against the caller's quotas, all or nothing; a 429 when one is spent. */
export async function takeUpload(deps: UploadQuotaDeps, caller: Caller, bytes: Buffer): Promise<void> {
  const now = deps.clock?.() ?? new Date();
  const day = todayInChina(now);
  const documentId = createHash('sha256').update(bytes).digest('hex');
  const tenant = `${caller.channel ?? 'OWN_APP'}:${caller.partnerId ?? caller.id}`;
  const session = caller.session;
  // The day lives in the value, so that the session's count (no day) and the tenant's (per
  // day) are one take: a refusal on either records nothing on the other.
  const over = await deps.store.take(
    [
      { kind: 'uploads', value: `tenant:${tenant}:${day}`, limit: deps.quota.perTenantPerDay },
      ...(session
        ? [{ kind: 'uploads' as const, value: `session:${session.sessionId}`, limit: deps.quota.perSession }]
        : []),
    ],
    documentId,
    '',
  );
  if (over === undefined) return;
  const sessionSpent =
    session !== undefined &&
    (await deps.store.count('uploads', `session:${session.sessionId}`, '')) >= deps.quota.perSession;
  if (sessionSpent) {
    const left = Math.max(1, Math.ceil((Date.parse(session.expiresAt) - now.getTime()) / 1000));
    throw new TooManyError(
      `this session has uploaded its ${deps.quota.perSession} documents; a new session may upload more`,
      left,
    );
  }
  throw new TooManyError(
    `this app has uploaded its ${deps.quota.perTenantPerDay} documents for today`,
    secondsToChinaMidnight(now),
  );
}
