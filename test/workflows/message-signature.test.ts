/** The API's signature on an operator's message to a review: what it covers, and each refusal's words. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/canonical-json';
import { type SignatureScope, signatureProblem, signUpdate } from '../../workflows/review/message-signature';

const key = 'unit-decision-signing-key-0123456789abcdef';
const scope: SignatureScope = {
  update: 'decide',
  workflowId: 'review-2c3e4f5a-0b1c-4d2e-8f3a-5b6c7d8e9f0a',
  updateId: 'decide-7d1e',
};
const decision = {
  round: 2,
  decision: 'REJECT',
  reasonCode: 'DOCUMENT_ILLEGIBLE',
  note: 'glare on the number',
  operator: 'op-alice',
  supervisor: false,
};
const signed = { ...decision, signature: signUpdate(key, scope, decision) };

describe('a signed decision', () => {
  it("is node:crypto's HMAC-SHA256 of the labelled scope and argument, in hex", () => {
    const text = canonicalJson({ signed: 'account-opening/review-message/v1', ...scope, args: decision });
    expect(signed.signature).toBe(createHmac('sha256', key).update(text).digest('hex'));
  });

  it('verifies for its own scope, whatever the order of its fields', () => {
    expect(signatureProblem(key, scope, signed)).toBeUndefined();
    const reordered = Object.fromEntries(Object.entries(signed).reverse());
    expect(signatureProblem(key, scope, reordered)).toBeUndefined();
  });

  it('is refused when unsigned, naming the message', () => {
    expect(signatureProblem(key, scope, decision)).toMatch(/^unsigned decision/);
    expect(signatureProblem(key, scope, { ...decision, signature: '' })).toMatch(/^unsigned decision/);
    expect(signatureProblem(key, { ...scope, update: 'claim' }, { operator: 'op-alice' })).toMatch(
      /^unsigned claim:/,
    );
    expect(
      signatureProblem(key, { ...scope, update: 'releaseClaim' }, { operator: 'op-alice', supervisor: true }),
    ).toMatch(/^unsigned claim release/);
  });

  it('does not match under another key, case, update, round, operator, supervisor flag or body', () => {
    const mismatch = /^decision signature does not match/;
    expect(signatureProblem('another-key-0123456789abcdef0123456789', scope, signed)).toMatch(mismatch);
    expect(signatureProblem(key, { ...scope, workflowId: 'review-other' }, signed)).toMatch(mismatch);
    expect(signatureProblem(key, { ...scope, updateId: 'decide-8e2f' }, signed)).toMatch(mismatch);
    expect(signatureProblem(key, { ...scope, update: 'claim' }, signed)).toMatch(
      /^claim signature does not match/,
    );
    for (const changed of [
      { round: 1 },
      { operator: 'sup-carol' },
      { supervisor: true },
      { decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' },
      { note: 'looks fine' },
      { extra: 'field' },
    ]) {
      expect(signatureProblem(key, scope, { ...signed, ...changed }), JSON.stringify(changed)).toMatch(
        mismatch,
      );
    }
  });

  it('is refused by a worker bundled without a key, signed or not', () => {
    expect(signatureProblem(undefined, scope, signed)).toMatch(
      /^decision refused: this worker was bundled without/,
    );
    expect(signatureProblem(undefined, scope, decision)).toMatch(/^unsigned decision/);
  });
});
