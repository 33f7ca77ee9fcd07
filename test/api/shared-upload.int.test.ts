/**
 * One image uploaded for several applications (an app sending the same back image for many
 * applicants): the store keeps one id for the bytes, and each application that references it
 * gets its own copy, sealed under its own key, whichever of them starts first.
 */
import { randomUUID } from 'node:crypto';
import { readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { apiPerFile, bearer } from '../support/api';
import { newApplication, OWN_APP_TENANT, readSmsCode } from '../support/harness';

const t = apiPerFile();

const as = (token: string) => ({ authorization: `Bearer ${token}` });

/** A customer's session for a new application of the bank's own app. */
async function session(applicationId: string): Promise<Record<string, string>> {
  const res = await t.api.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: bearer('app'),
    payload: { applicationId },
  });
  expect(res.statusCode).toBe(201);
  return as(res.json().sessionToken);
}

async function upload(headers: Record<string, string>, image: Buffer): Promise<string> {
  const res = await t.api.inject({
    method: 'POST',
    url: '/v1/documents',
    headers: { ...headers, 'content-type': 'image/png' },
    payload: image,
  });
  expect(res.statusCode).toBe(201);
  return res.json().documentId;
}

describe('the same image uploaded for two applications', () => {
  it('before either starts: both open, and shredding the first leaves the second its image', async () => {
    const back = makeIdCardImage({ side: 'BACK', validUntil: 'LONG' });
    const [first, second] = await Promise.all([newApplication(t.h.documents), newApplication(t.h.documents)]);
    const applicants = [];
    for (const req of [first, second]) {
      const headers = await session(req.applicationId);
      const idFront = await upload(
        headers,
        makeIdCardImage({ side: 'FRONT', name: req.applicant.name, idNumber: req.applicant.idNumber }),
      );
      const idBack = await upload(headers, back);
      applicants.push({ headers, body: { ...req, documents: { idFront, idBack } } });
    }
    expect(applicants[0]!.body.documents.idBack).toBe(applicants[1]!.body.documents.idBack);

    for (const { headers, body } of applicants) {
      const started = await t.api.inject({ method: 'POST', url: '/v1/applications', headers, payload: body });
      expect(started.json()).toMatchObject({ status: 'AWAITING_SMS_CODE' });
      const code = await readSmsCode(t.h.providersUrl, body.applicant.mobile);
      const opened = await t.api.inject({
        method: 'POST',
        url: `/v1/applications/${body.applicationId}/sms-code`,
        headers,
        payload: { code },
      });
      expect(opened.json()).toMatchObject({ status: 'OPENED' });
    }

    const idBack = applicants[0]!.body.documents.idBack;
    await t.h.keyring.shred(first.applicationId);
    expect(await t.h.documents.get(idBack, second.applicationId)).toEqual(back);
  });

  it('the second upload a day later keeps the bytes for the policy time from then', async () => {
    const dayMs = 24 * 3600_000;
    const image = makeIdCardImage({ side: 'BACK', validUntil: '2041-02-03' });
    const id = await t.h.documents.put(image, OWN_APP_TENANT);
    // The first upload, 23 hours ago: its clear copy was written then.
    const staged = path.join(t.h.documentsDir, 'staged', id.slice(0, 2), id);
    expect(await readdir(path.dirname(staged))).toContain(id);
    const then = new Date(Date.now() - 23 * 3600_000);
    await utimes(staged, then, then);

    expect(await t.h.documents.put(image, OWN_APP_TENANT)).toBe(id);
    await t.h.documents.sweep(dayMs, Date.now() + 2 * 3600_000);
    expect(await t.h.documents.usable(id, OWN_APP_TENANT, randomUUID())).toBe(true);
  });
});
