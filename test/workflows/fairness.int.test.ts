/**
 * Task-queue fairness (domain/fairness.ts): an application starts with its origin's fairness
 * key, and the review it starts as a child inherits it. Real dev server (fairness on, as
 * scripts/dev-server.ts starts it); no timing is asserted here: scripts/bench/fairness.ts
 * prints what the key does to latencies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import { type Harness, newFlowApplication, startHarness } from '../support/harness';
import { eventually } from '../support/review';

describe('fairness keys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const priorityOf = async (workflowId: string) =>
    (await h.client.workflow.getHandle(workflowId).describe()).priority;

  it("a partner's application carries partner:<its id> as its fairness key", async () => {
    const req = await newFlowApplication(h.documents, 'v1');
    await h.applications.start(req, { partnerId: 'partner-x' });
    expect(await priorityOf(onboardingWorkflowId(req.applicationId))).toMatchObject({
      fairnessKey: 'partner:partner-x',
    });
  });

  it("the bank's own app's application carries own-app as its fairness key", async () => {
    const req = await newFlowApplication(h.documents, 'v3');
    await h.applications.start(req);
    expect(await priorityOf(onboardingWorkflowId(req.applicationId))).toMatchObject({
      fairnessKey: 'own-app',
    });
  });

  it("the review a partner's application starts carries the partner's fairness key", async () => {
    const req = await newFlowApplication(h.documents, 'v2', { face: 'BORDERLINE' });
    const view = await h.applications.start(req, { partnerId: 'partner-x' });
    expect(view).toMatchObject({ status: 'OPENED', review: 'PENDING' });
    const reviewId = reviewWorkflowId(req.applicationId);
    const priority = await eventually(
      () => priorityOf(reviewId).catch(() => undefined),
      (p) => p !== undefined,
    );
    expect(priority).toMatchObject({ fairnessKey: 'partner:partner-x' });
  });
});
