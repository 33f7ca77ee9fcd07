/**
 * Documents belong to the tenant that uploaded them; once an application references them they
 * are sealed under its data key (no clear copy left), and uploads nothing references expire.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataKeyShreddedError } from '../../encryption/keyring';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { apiPerFile, bearer } from '../support/api';
import { newApplication } from '../support/harness';
import { newPerson } from '../support/people';

const t = apiPerFile();

const upload = async (image: Buffer, as: 'app' | 'partner-x') => {
  const res = await t.api.inject({
    method: 'POST',
    url: '/v1/documents',
    headers: { ...(as === 'app' ? bearer('app') : bearer('app', 'partner-x')), 'content-type': 'image/png' },
    payload: image,
  });
  expect(res.statusCode).toBe(201);
  return res.json().documentId as string;
};

/** Every file under the store's folder, for looking at what lies on disk. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('documents', () => {
  it("another tenant's upload is answered like an unknown document, and starts nothing", async () => {
    const person = newPerson();
    const idFront = await upload(makeIdCardImage({ side: 'FRONT', ...person }), 'partner-x');
    const idBack = await upload(makeIdCardImage({ side: 'BACK', validUntil: 'LONG' }), 'partner-x');
    // A request of the own app's, naming the partner's uploads instead of its own.
    const req = await newApplication(t.h.documents);
    const res = await t.api.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: bearer('app'),
      payload: { ...req, documents: { idFront, idBack } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { field: 'body.documents.idFront', message: 'is not an uploaded document' },
    ]);
    await expect(t.h.applications.get(req.applicationId)).rejects.toThrow(/no application/);
  });

  it('a referenced image is sealed under the application key, no clear copy left, and shreds with it', async () => {
    const person = newPerson();
    const front = makeIdCardImage({ side: 'FRONT', ...person });
    const idFront = await upload(front, 'app');
    const idBack = await upload(makeIdCardImage({ side: 'BACK', validUntil: 'LONG' }), 'app');
    const req = await newApplication(t.h.documents, { person });
    const started = await t.api.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: bearer('app'),
      payload: { ...req, documents: { idFront, idBack } },
    });
    expect(started.json().status).toBe('AWAITING_SMS_CODE');

    const files = (await filesUnder(t.h.documentsDir)).filter((f) => f.endsWith(idFront));
    expect(files).toHaveLength(1);
    expect(files[0]).toContain(path.join('sealed', req.applicationId));
    const onDisk = await readFile(files[0]!);
    expect(onDisk.includes(front.subarray(0, 64))).toBe(false);
    expect(await t.h.documents.get(idFront, req.applicationId)).toEqual(front);

    await t.h.keyring.shred(req.applicationId);
    await expect(t.h.documents.get(idFront, req.applicationId)).rejects.toBeInstanceOf(DataKeyShreddedError);
  });

  it('an upload two applications reference at once is sealed for each, the second from the first sealed copy', async () => {
    const image = makeIdCardImage({ side: 'BACK', validUntil: '2038-08-08' });
    const id = await t.h.documents.put(image, 'OWN_APP');
    const [first, second] = [crypto.randomUUID(), crypto.randomUUID()];
    // Both passed the start's check while the clear copy was there; the first seals and removes it.
    expect(await t.h.documents.usable(id, 'OWN_APP', second)).toBe(true);
    await t.h.documents.seal(id, first);
    expect(await t.h.documents.get(id, second)).toEqual(image);
    await t.h.documents.seal(id, second);
    expect(await t.h.documents.get(id, second)).toEqual(image);
    const files = (await filesUnder(t.h.documentsDir)).filter((f) => f.endsWith(id));
    expect(files.map((f) => path.basename(path.dirname(f))).sort()).toEqual([first, second].sort());
  });

  it('an upload nothing references is deleted after the policy time; a sealed one stays', async () => {
    const idle = await t.h.documents.put(
      makeIdCardImage({ side: 'BACK', validUntil: '2039-09-09' }),
      'OWN_APP',
    );
    expect(await t.h.documents.usable(idle, 'OWN_APP', crypto.randomUUID())).toBe(true);
    expect(await t.h.documents.sweep(3600_000)).toBe(0);
    expect(await t.h.documents.sweep(3600_000, Date.now() + 2 * 3600_000)).toBeGreaterThan(0);
    expect(await t.h.documents.usable(idle, 'OWN_APP', crypto.randomUUID())).toBe(false);
  });
});
