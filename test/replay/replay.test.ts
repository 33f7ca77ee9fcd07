/**
 * Every recorded history (test/histories, one per flow and review path) replays against the
 * current workflow code, so a change that would break applications in flight fails CI.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle } from '../support/harness';
import { loadHistories } from '../support/histories';

const histories = await loadHistories();
const fixture = (name: string) =>
  bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url)) });

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
      ]),
    );
  });

  it.each(histories.map((h) => [h.name, h.history] as const))('%s', async (name, history) => {
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, name);
  });
});

describe('the replay suite catches unsafe changes', () => {
  const onboardingHistories = histories.filter((h) => h.name.startsWith('onboarding-'));

  it('fails when the order of the checks changes without a patch', async () => {
    const bundle = await fixture('reordered-workflows');
    const clean = onboardingHistories.find((h) => h.name === 'onboarding-v3-clean')!;
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle }, clean.history, clean.name),
    ).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });

  it('fails when a step is added without a patch', async () => {
    const bundle = await fixture('unpatched-workflows');
    const clean = onboardingHistories.find((h) => h.name === 'onboarding-v3-clean')!;
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle }, clean.history, clean.name),
    ).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });

  it('passes when the same step is added behind a patch', async () => {
    const bundle = await fixture('patched-workflows');
    for (const { name, history } of onboardingHistories) {
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, name);
    }
  });
});
