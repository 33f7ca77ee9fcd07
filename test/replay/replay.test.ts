/**
 * Every recorded history (test/histories: the release baseline, one per flow version, review path
 * and path of the other workflows) replays against the current workflow code, so a change that
 * would break applications in flight fails CI. The replay workers decode with the production
 * codec and the recorded data keys (test/histories/data-keys.json).
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { isEncrypted } from '../../encryption/codec';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { bundleWorkflows } from '../../worker/create-worker';
import { patches } from '../../workflows/patches';
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

/**
 * The release baseline (test/record/histories.record.ts): the paths recorded, each as
 * `<path>-encrypted.bin`. A path added to the recorder is added here.
 */
const BASELINE = [
  'onboarding-v1-clean',
  'onboarding-v2-clean',
  'onboarding-v2-clean-tencent-cloud',
  'onboarding-v2-face-review',
  'onboarding-v2-face-review-tencent-cloud',
  'onboarding-v2-face-spoof',
  'onboarding-v2-open-lost-account-found',
  'onboarding-v2-open-lost-none-found',
  'onboarding-v3-abandoned',
  'onboarding-v3-bind-and-hold-refused',
  'onboarding-v3-bind-refused',
  'onboarding-v3-busy-check-retried',
  'onboarding-v3-check-refused',
  'onboarding-v3-clean',
  'onboarding-v3-deadline-awaiting-code',
  'onboarding-v3-deadline-in-checks',
  'onboarding-v3-document-missing',
  'onboarding-v3-open-refused',
  'onboarding-v3-rejected',
  'onboarding-v3-sms-refused',
  'onboarding-v3-tier2-bind-refused',
  'onboarding-v3-tier2-review',
  'onboarding-v3-watchlist-doubt-held',
  'onboarding-v3-watchlist-doubt-hold-refused',
  'onboarding-v3-wrong-code-resend-then-right',
  'onboarding-v3-wrong-code-then-right',
  'onboarding-v4-clean',
  'onboarding-v4-high-rating',
  'onboarding-v4-intent-not-confirmed',
  'onboarding-v4-linked-doubt',
  'onboarding-v4-listed',
  'onboarding-v4-medium-rating',
  'review-approved',
  'review-closed',
  'review-continued-first-run',
  'review-continued-second-run',
  'review-fraud-confirmed',
  'review-frozen-then-closed',
  'review-hold-refused-then-placed',
  'review-longest-path',
  'review-resubmission-check-gave-up-then-accepted',
  'review-resubmission-lifts-id-expiry',
  'review-resubmission-records-validity',
  'review-watchlist-two-operators',
  'agreement-holder-mismatch',
  'agreement-signed-sealed-per-person',
  'agreement-wrong-code-then-signed',
  'id-expiry-sweep-frozen',
  'id-expiry-sweep-receive-only',
  'id-renewal-accepted',
  'id-renewal-two-while-undelivered',
  'reconcile-run',
  'reconcile-run-account-without-application',
  'retention-run-destroyed',
  're-verification-face-mismatch',
  're-verification-intent-not-confirmed',
  're-verification-photos-not-the-holder',
  're-verification-photos-passed',
  're-verification-photos-passed-lifted',
  're-verification-selfie-passed',
  're-verification-sweep-receive-only',
  'bank-restriction-appeal-escalated-upheld-lifted',
  'bank-restriction-appeal-failed-then-passed-lifted',
  'bank-restriction-in-force-lifted',
  'bank-restriction-lift-refused-then-lifted',
  'bank-restriction-proposal-expired',
  'dormancy-sweep-continued-first-run',
  'dormancy-sweep-continued-second-run',
  'dormancy-sweep-hold-refused',
  'dormancy-sweep-receive-only',
];

describe('recorded histories replay on the current code', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await workflowBundle();
  });

  it('has the release baseline: every flow version, review path and path of the other workflows', () => {
    expect(histories.map((h) => h.name).sort()).toEqual(BASELINE.map((p) => `${p}-encrypted`).sort());
  });

  it('has every history recorded encrypted', () => {
    for (const h of histories) expect(isEncrypted(firstInput(h)!), h.name).toBe(true);
  });

  it('holds patch markers only of the patches in workflows/patches.ts', () => {
    // The SDK's marker names the patch in its details (core_patch); the baseline holds none.
    const unlisted = histories.flatMap((h) =>
      (h.history.events ?? []).flatMap((e) => {
        const marker = e.markerRecordedEventAttributes;
        if (marker?.markerName !== 'core_patch') return [];
        const text = Object.values(marker.details ?? {})
          .flatMap((d) => d.payloads ?? [])
          .map((p) => Buffer.from(p.data ?? []).toString())
          .join(' ');
        return patches.some((p) => text.includes(p.id)) ? [] : [`${h.name}: ${text}`];
      }),
    );
    expect(unlisted).toEqual([]);
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
    const clean = onboardingHistories.find((h) => h.name === 'onboarding-v3-clean-encrypted')!;
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, clean.history, clean.name),
    ).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });

  it('fails when a step is added without a patch', async () => {
    const bundle = await fixture('unpatched-workflows');
    const clean = onboardingHistories.find((h) => h.name === 'onboarding-v3-clean-encrypted')!;
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
