/**
 * Records one history per flow and review path into test/histories (run with
 * `npm run record-histories` after a deliberate, patched workflow change, and commit the files).
 * Not part of `npm test`: the replay suite only reads what this wrote.
 *
 * Since payloads are encrypted (docs/encryption.md) the histories are recorded as `<path>-encrypted`
 * next to the older plaintext ones, which stay and keep replaying; the data keys they need, wrapped
 * by the fixed test master key, go to test/histories/data-keys.json.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import { MemoryDataKeyStore } from '../../encryption/data-key-store';
import { saveRecordedKeys } from '../replay/recorded-keys';
import { testKeyring } from '../security/keys';
import {
  type Harness,
  newApplication,
  newFlowApplication,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { saveHistory as savePlain } from '../support/histories';
import { newCard, newPerson } from '../support/people';
import { eventually, newPhotos, openWithReview } from '../support/review';

const keyStore = new MemoryDataKeyStore();
let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    {
      smsCodeWaitSeconds: 2,
      review: { operatorSlaSeconds: 1, resubmissionDeadlineSeconds: 2 },
    },
    { keyring: testKeyring(keyStore) },
  );
});
afterAll(async () => {
  await saveRecordedKeys(await keyStore.list());
  await h?.stop();
});

/** Each path under its encrypted name; the plaintext recordings of the same paths stay as they are. */
const saveHistory = (client: Harness['client'], workflowId: string, name: string) =>
  savePlain(client, workflowId, `${name}-encrypted`);

const finish = (workflowId: string) => h.client.workflow.getHandle(workflowId).result();
const approve = { decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' } as const;
const reject = { decision: 'REJECT', reasonCode: 'DOCUMENT_ILLEGIBLE', note: 'unreadable' } as const;

it('records the onboarding paths', async () => {
  const clean = await newApplication(h.documents);
  await h.applications.start(clean);
  await h.applications.submitSmsCode(
    clean.applicationId,
    await readSmsCode(h.providersUrl, clean.applicant.mobile),
  );
  await finish(onboardingWorkflowId(clean.applicationId));
  // (The plaintext recordings have it twice: once more as onboarding-v3-clean-funnel-patch.)
  await saveHistory(h.client, onboardingWorkflowId(clean.applicationId), 'onboarding-v3-clean');

  const rejected = await newApplication(h.documents, { person: newPerson('王不符'), card: newCard('0002') });
  await h.applications.start(rejected);
  await finish(onboardingWorkflowId(rejected.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(rejected.applicationId), 'onboarding-v3-rejected');

  const wrongCodes = await newApplication(h.documents);
  await h.applications.start(wrongCodes);
  const right = await readSmsCode(h.providersUrl, wrongCodes.applicant.mobile);
  const wrong = right === '111111' ? '222222' : '111111';
  await h.applications.submitSmsCode(wrongCodes.applicationId, wrong);
  await h.applications.submitSmsCode(wrongCodes.applicationId, right);
  await finish(onboardingWorkflowId(wrongCodes.applicationId));
  await saveHistory(
    h.client,
    onboardingWorkflowId(wrongCodes.applicationId),
    'onboarding-v3-wrong-code-then-right',
  );

  const abandoned = await newApplication(h.documents);
  await h.applications.start(abandoned);
  expect((await finish(onboardingWorkflowId(abandoned.applicationId))).status).toBe('ABANDONED');
  await saveHistory(h.client, onboardingWorkflowId(abandoned.applicationId), 'onboarding-v3-abandoned');
});

it('records the v1 and v2 paths (partner channel)', async () => {
  const partner = { partnerId: 'partner-x' };
  const v1 = await newFlowApplication(h.documents, 'v1');
  await h.applications.start(v1, partner);
  await h.applications.submitSmsCode(
    v1.applicationId,
    await readSmsCode(h.providersUrl, v1.applicant.mobile),
  );
  await finish(onboardingWorkflowId(v1.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(v1.applicationId), 'onboarding-v1-clean');

  const v2 = await newFlowApplication(h.documents, 'v2', { withoutMobile: true });
  expect((await h.applications.start(v2, partner)).status).toBe('OPENED');
  await finish(onboardingWorkflowId(v2.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(v2.applicationId), 'onboarding-v2-clean');

  const borderline = await newFlowApplication(h.documents, 'v2', { withoutMobile: true, face: 'BORDERLINE' });
  expect((await h.applications.start(borderline, partner)).review).toBe('PENDING');
  await finish(onboardingWorkflowId(borderline.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(borderline.applicationId), 'onboarding-v2-face-review');

  const spoof = await newFlowApplication(h.documents, 'v2', { withoutMobile: true, face: 'SPOOF' });
  expect((await h.applications.start(spoof, partner)).status).toBe('REJECTED');
  await finish(onboardingWorkflowId(spoof.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(spoof.applicationId), 'onboarding-v2-face-spoof');
});

it('records the review paths', async () => {
  const approved = await openWithReview(h);
  await finish(onboardingWorkflowId(approved.req.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(approved.req.applicationId), 'onboarding-v3-tier2-review');
  await h.reviews.decide(
    approved.reviewId,
    { round: 1, decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' },
    'op-alice',
  );
  await finish(approved.reviewId);
  await saveHistory(h.client, approved.reviewId, 'review-approved');

  // The longest path: escalated, rejected, a bad re-submission, frozen, a good one, approved.
  const longest = await openWithReview(h);
  await eventually(
    () => h.reviews.get(longest.reviewId),
    (c) => c.escalated,
  );
  await h.reviews.decide(longest.reviewId, { round: 1, ...reject }, 'op-alice');
  await h.reviews.resubmit(longest.req.applicationId, await newPhotos(h, longest.req.applicant, ['BLURRED']));
  await eventually(
    () => h.reviews.get(longest.reviewId),
    (c) => c.hold === 'FROZEN',
  );
  await h.reviews.resubmit(longest.req.applicationId, await newPhotos(h, longest.req.applicant));
  await h.reviews.decide(longest.reviewId, { round: 2, ...approve }, 'op-bob');
  await finish(longest.reviewId);
  const file = await saveHistory(
    h.client,
    reviewWorkflowId(longest.req.applicationId),
    'review-longest-path',
  );
  const events = (await h.client.workflow.getHandle(longest.reviewId).fetchHistory()).events?.length;
  console.log(`[figures] longest review path: ${events} history events (${file})`);
});
