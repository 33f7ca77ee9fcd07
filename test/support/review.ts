/** Opens an account whose ID photo was blurred, so a review is waiting for an operator. */

import { reviewWorkflowId } from '../../domain/workflow-ids';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { type Harness, newApplication, OWN_APP_TENANT, readSmsCode } from './harness';

export async function openWithReview(h: Harness) {
  const req = await newApplication(h.documents, { front: { quality: ['BLURRED'] } });
  await h.applications.start(req);
  const opened = await h.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(h.providersUrl, req.applicant.mobile),
  );
  if (opened.status !== 'OPENED' || opened.review !== 'PENDING')
    throw new Error(`not opened for review: ${opened.status}`);
  return { req, accountNumber: opened.accountNumber, reviewId: reviewWorkflowId(req.applicationId) };
}

/** New photos of the same card; `quality` makes them still bad. */
export async function newPhotos(
  h: Harness,
  person: { name: string; idNumber: string },
  quality: 'BLURRED'[] = [],
) {
  return {
    idFront: await h.documents.put(makeIdCardImage({ side: 'FRONT', ...person, quality }), OWN_APP_TENANT),
    idBack: await h.documents.put(
      makeIdCardImage({ side: 'BACK', validUntil: '2041-02-03' }),
      OWN_APP_TENANT,
    ),
  };
}

/** Visibility is eventually consistent: ask until it answers what the test waits for. */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, tries = 50): Promise<T> {
  let last = await probe();
  for (let i = 0; i < tries && !ok(last); i++) {
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}
