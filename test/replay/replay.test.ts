/**
 * Every recorded history (test/histories, one per flow and review path) replays against the
 * current workflow code, so a change that would break applications in flight fails CI. The
 * replay workers decode with the production codec: `*-encrypted` histories with the recorded
 * data keys (test/histories/data-keys.json), the older plaintext ones passing through it as they are.
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { isEncrypted } from '../../encryption/codec';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { bundleWorkflows } from '../../worker/create-worker';
import { testKeyring } from '../security/keys';
import { loadHistories } from '../support/histories';
import { workflowBundle } from '../support/workflow-bundle';
import { recordedKeyring } from './recorded-keys';

const histories = await loadHistories();
const dataConverter: DataConverter = encryptedDataConverter(await recordedKeyring());
const fixture = (name: string) =>
  bundleWorkflows({ workflowsPath: fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url)) });
const firstInput = (h: (typeof histories)[number]) =>
  h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];

describe('recorded histories replay on the current code', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await workflowBundle();
  });

  it('has histories for every flow version and review path', () => {
    const names = histories.map((h) => h.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'onboarding-v1-clean',
        'onboarding-v2-clean',
        'onboarding-v2-face-review',
        'onboarding-v3-clean',
        'onboarding-v3-tier2-review',
        'review-approved',
        'review-longest-path',
        // Since the bounded-reviews patch (encrypted only).
        'review-bounded-approved-encrypted',
        'review-bounded-watchlist-two-operators-encrypted',
        'review-bounded-hold-refused-then-placed-encrypted',
        'review-bounded-closed-encrypted',
        'review-bounded-fraud-confirmed-encrypted',
        'review-bounded-frozen-then-closed-encrypted',
        'review-bounded-continued-first-run-encrypted',
        'review-bounded-continued-second-run-encrypted',
        // Issue 14's workflows.
        'agreement-wrong-code-then-signed-encrypted',
        'agreement-holder-mismatch-encrypted',
        'id-expiry-sweep-receive-only-encrypted',
        'id-expiry-sweep-frozen-encrypted',
        'id-renewal-accepted-encrypted',
        'review-resubmission-records-validity-encrypted',
        // Issue 20's patches: open-outcome, bounded-resubmission-calls,
        // resubmission-lifts-id-expiry, renewal-early-return.
        'onboarding-v3-watchlist-doubt-held-open-outcome-encrypted',
        'onboarding-v3-watchlist-doubt-hold-refused-open-outcome-encrypted',
        'onboarding-v2-open-lost-account-found-open-outcome-encrypted',
        'onboarding-v2-open-lost-none-found-open-outcome-encrypted',
        'review-resubmission-check-gave-up-then-accepted-encrypted',
        'review-resubmission-lifts-id-expiry-encrypted',
        'id-renewal-early-return-accepted-encrypted',
        'id-renewal-early-return-two-while-undelivered-encrypted',
        // Issue 22: flow v4 (the flow-v4 patch).
        'onboarding-v4-clean-encrypted',
        'onboarding-v4-intent-not-confirmed-encrypted',
        'onboarding-v4-listed-encrypted',
        'onboarding-v4-medium-rating-encrypted',
        'onboarding-v4-linked-doubt-encrypted',
        'onboarding-v4-high-rating-encrypted',
        // Issue 21: the sealed-sweep-events patch, and a signing sealed under its holder's key.
        'id-expiry-sweep-receive-only-sealed-events-encrypted',
        'agreement-signed-sealed-per-person-encrypted',
        'reconcile-run-by-application-encrypted',
        // Issue 23: the account's risk life (new workflow types: reVerificationSweep, reVerification).
        're-verification-sweep-receive-only-encrypted',
        're-verification-photos-not-the-holder-encrypted',
        're-verification-intent-not-confirmed-encrypted',
        're-verification-photos-passed-lifted-encrypted',
        're-verification-selfie-passed-encrypted',
        // Issue 23, part 4: the re-verification-outcome patch (the funnel's outcome attribute).
        're-verification-outcome-passed-encrypted',
        're-verification-outcome-failed-face-encrypted',
        // Issue 23, part 2: abnormal-account restrictions (a new workflow type: bankRestriction).
        'bank-restriction-proposal-expired-encrypted',
        'bank-restriction-in-force-lifted-encrypted',
        'bank-restriction-appeal-failed-then-passed-lifted-encrypted',
        'bank-restriction-appeal-escalated-upheld-lifted-encrypted',
        // Issue 23, part 2: the bank-restriction-signed patch (signed proposal, status in visibility, a refused lift alerted).
        'bank-restriction-signed-proposal-expired-encrypted',
        'bank-restriction-signed-in-force-lifted-encrypted',
        'bank-restriction-signed-appeal-failed-then-passed-lifted-encrypted',
        'bank-restriction-signed-appeal-escalated-upheld-lifted-encrypted',
        'bank-restriction-signed-lift-refused-then-lifted-encrypted',
        // Issue 23: dormancy (a new workflow type: dormancySweep).
        'dormancy-sweep-receive-only-encrypted',
        'dormancy-sweep-hold-refused-encrypted',
        'dormancy-sweep-continued-first-run-encrypted',
        'dormancy-sweep-continued-second-run-encrypted',
        // Issue 21: the daily retention run (a new workflow type: retentionRun).
        'retention-run-destroyed-encrypted',
      ]),
    );
  });

  it('has encrypted recordings of every flow version and review path, next to the plaintext ones', () => {
    const names = histories.map((h) => h.name);
    const paths = [
      'onboarding-v1-clean',
      'onboarding-v2-clean',
      'onboarding-v2-face-review',
      'onboarding-v2-face-spoof',
      'onboarding-v3-abandoned',
      'onboarding-v3-clean',
      'onboarding-v3-rejected',
      'onboarding-v3-tier2-review',
      'onboarding-v3-wrong-code-then-right',
      'review-approved',
      'review-longest-path',
    ];
    expect(names).toEqual(expect.arrayContaining([...paths, ...paths.map((p) => `${p}-encrypted`)]));
    for (const h of histories) {
      expect(isEncrypted(firstInput(h)!), h.name).toBe(h.name.endsWith('-encrypted'));
    }
  });

  it.each(histories.map((h) => [h.name, h.history] as const))('%s', async (name, history) => {
    await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, history, name);
  });

  it('cannot replay an encrypted history without its data keys', async () => {
    const encrypted = histories.find((h) => h.name === 'onboarding-v3-clean-encrypted')!;
    // The decode error (PayloadDecodeError, reason UNKNOWN_DATA_KEY, logged by the SDK) fails the
    // workflow task; its message names only the key id and the reason.
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: bundle, dataConverter: encryptedDataConverter(testKeyring()) },
        encrypted.history,
        encrypted.name,
      ),
    ).rejects.toThrow(/workflow task failure/);
  });
});

describe('the replay suite catches unsafe changes', () => {
  const onboardingHistories = histories.filter((h) => h.name.startsWith('onboarding-'));

  it('fails when the order of the checks changes without a patch', async () => {
    const bundle = await fixture('reordered-workflows');
    const clean = onboardingHistories.find((h) => h.name === 'onboarding-v3-clean')!;
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, clean.history, clean.name),
    ).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });

  it('fails when a step is added without a patch', async () => {
    const bundle = await fixture('unpatched-workflows');
    const clean = onboardingHistories.find((h) => h.name === 'onboarding-v3-clean')!;
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, clean.history, clean.name),
    ).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });

  it('passes when the same step is added behind a patch', async () => {
    const bundle = await fixture('patched-workflows');
    for (const { name, history } of onboardingHistories) {
      await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, history, name);
    }
  });
});
