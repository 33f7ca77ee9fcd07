/** The linked-applicants port keys every value before the shared store sees it (DESIGN.md: counters hold keyed HMACs only). */
import { describe, expect, it } from 'vitest';
import { keyedLinkedApplicants } from '../../adapters/keyed-linked-applicants';
import type { LinkedApplicantsStore, LinkInput } from '../../stores/linked-applicants';

/** A store that remembers what it was given and answers fixed ranks. */
function recordingStore() {
  const seen: LinkInput[] = [];
  let opened = 0;
  const store: LinkedApplicantsStore = {
    async record(input) {
      seen.push(input);
      return { rankOnDevice: 2, rankOnMobile: 3 };
    },
    async close() {},
  };
  return {
    seen,
    opens: () => opened,
    open: async () => {
      opened += 1;
      return store;
    },
  };
}

const person = { idNumber: '11010519491231002X', deviceId: 'idfv-0001-abcd', mobile: '13800138000' };
const at = new Date('2026-12-01T00:00:00Z');

describe('keyedLinkedApplicants', () => {
  it('hands the store HMACs only: no ID number, device id or mobile in clear, one key per value and kind', async () => {
    const s = recordingStore();
    const port = keyedLinkedApplicants(s.open, 'test-counter-hmac-key-0123456789');
    expect(await port.record({ ...person, at, windowSeconds: 60 })).toEqual({
      rankOnDevice: 2,
      rankOnMobile: 3,
    });
    await port.record({ ...person, at, windowSeconds: 60 });
    const [first, again] = s.seen;
    const text = JSON.stringify(s.seen);
    for (const clear of Object.values(person)) expect(text).not.toContain(clear);
    expect(first).toEqual(again);
    expect(new Set([first!.idKey, first!.deviceKey, first!.mobileKey]).size).toBe(3);
    expect(first!.idKey).toMatch(/^[0-9a-f]{64}$/);
    expect(s.opens()).toBe(1);
  });

  it('keys differ under another key, and without a mobile the store gets no mobile key and the rank on it is 0', async () => {
    const a = recordingStore();
    const b = recordingStore();
    await keyedLinkedApplicants(a.open, 'key-one-0123456789').record({ ...person, at, windowSeconds: 60 });
    const { mobile: _m, ...noMobile } = person;
    const answer = await keyedLinkedApplicants(b.open, 'key-two-0123456789').record({
      ...noMobile,
      at,
      windowSeconds: 60,
    });
    expect(b.seen[0]!.idKey).not.toBe(a.seen[0]!.idKey);
    expect(b.seen[0]).not.toHaveProperty('mobileKey');
    expect(answer).toEqual({ rankOnDevice: 2, rankOnMobile: 0 });
  });
});
