/**
 * The documented way to change workflow code (docs/changing-workflows.md), on a real server:
 * an application started on the old code finishes on the new code, and new applications take
 * the new step.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { bundleWorkflows } from '../../worker/create-worker';
import { type Harness, newApplication, readSmsCode, startHarness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

/** The SDK records a patch as a core_patch marker carrying the patch id: proof the new code ran. */
const patchMarkers = async (applicationId: string, patchId = 'screen-watchlist-at-the-end') => {
  const history = await h.client.workflow.getHandle(onboardingWorkflowId(applicationId)).fetchHistory();
  return (history.events ?? []).filter((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return false;
    const payloads = Object.values(marker.details ?? {}).flatMap((d) => d.payloads ?? []);
    return payloads.some((p) =>
      Buffer.from(p.data ?? [])
        .toString()
        .includes(patchId),
    );
  }).length;
};

it('an application started on the old code finishes on the patched new code', async () => {
  const old = await newApplication(h.documents);
  expect((await h.applications.start(old)).status).toBe('AWAITING_SMS_CODE');

  const patched = await bundleWorkflows({
    workflowsPath: fileURLToPath(new URL('./fixtures/patched-workflows.ts', import.meta.url)),
  });
  await h.restartWorker(patched);

  const opened = await h.applications.submitSmsCode(
    old.applicationId,
    await readSmsCode(h.providersUrl, old.applicant.mobile),
  );
  expect(opened).toMatchObject({ status: 'OPENED' });
  expect((await h.client.workflow.getHandle(onboardingWorkflowId(old.applicationId)).result()).status).toBe(
    'OPENED',
  );

  expect(await patchMarkers(old.applicationId)).toBe(1);

  const fresh = await newApplication(h.documents);
  await h.applications.start(fresh);
  await h.applications.submitSmsCode(
    fresh.applicationId,
    await readSmsCode(h.providersUrl, fresh.applicant.mobile),
  );
  expect((await h.client.workflow.getHandle(onboardingWorkflowId(fresh.applicationId)).result()).status).toBe(
    'OPENED',
  );
  expect(await patchMarkers(fresh.applicationId)).toBe(1);
});
