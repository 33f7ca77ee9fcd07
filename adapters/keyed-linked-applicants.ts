/**
 * The linked-applicants port over the shared store (stores/linked-applicants): every value is
 * keyed with an HMAC under the counters' key (COUNTER_HMAC_KEY, as the daily limits key theirs)
 * before the store sees it, so the store holds no device id, mobile or ID number. The store is
 * opened on first use: a worker that never runs a v4 application never opens it.
 */
import { createHmac } from 'node:crypto';
import type { LinkedApplicantsStore } from '../stores/linked-applicants';
import type { LinkedApplicants } from './ports';

const keyOf = (hmacKey: string, kind: 'id' | 'device' | 'mobile', value: string): string =>
  createHmac('sha256', hmacKey).update(`linked-${kind}:${value}`).digest('hex');

export function keyedLinkedApplicants(
  open: () => Promise<LinkedApplicantsStore>,
  hmacKey: string,
): LinkedApplicants & { close(): Promise<void> } {
  let store: Promise<LinkedApplicantsStore> | undefined;
  const opened = () => {
    // A failed open is tried again on the next call (the activity retries), not kept.
    store ??= open().catch((err: unknown) => {
      store = undefined;
      throw err;
    });
    return store;
  };
  return {
    async record({ idNumber, deviceId, mobile, at, windowSeconds }) {
      const ranks = await (await opened()).record({
        idKey: keyOf(hmacKey, 'id', idNumber),
        deviceKey: keyOf(hmacKey, 'device', deviceId),
        ...(mobile && { mobileKey: keyOf(hmacKey, 'mobile', mobile) }),
        at,
        windowSeconds,
      });
      return mobile ? ranks : { ...ranks, rankOnMobile: 0 };
    },
    async close() {
      if (store) await (await store).close();
    },
  };
}

/** A worker without a data directory or counter key: v4's check fails (and retries), never counts nothing. */
export const unconfiguredLinkedApplicants: LinkedApplicants = {
  async record() {
    throw new Error(
      'this worker has no linked-applicants store (httpPorts needs dataDir and counterHmacKey)',
    );
  },
};
