/**
 * Every flow version with PROVIDER_PROFILE=tencent-cloud on the real dev server: the worker's
 * ID-card OCR, identity register, three elements and face comparison speak Tencent Cloud's wire
 * format to the providers sandbox (sandbox/tencent-cloud/), the rest the sandbox contract. The
 * same magic inputs come to the same outcomes as in the sandbox profile; a photocopy (a
 * Tencent-only warning) shows the Tencent path is the one taken; a refused signature fails the
 * application without the key pair reaching its history.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENCENT_SANDBOX_CREDENTIALS, TENCENT_SANDBOX_PATH } from '../../contracts/tencent-cloud';
import { onboardingWorkflowId, reVerificationWorkflowId } from '../../domain/workflow-ids';
import { makeIdCardImage, makeSelfieImage } from '../../sandbox/providers/id-card-image';
import type { reVerification } from '../../workflows/re-verification/re-verification';
import { bearer, startApi } from '../support/api';
import {
  type Harness,
  newApplication,
  newFlowApplication,
  OWN_APP_TENANT,
  openCleanly,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { newCard, newPerson } from '../support/people';

const partner = { partnerId: 'partner-x' };
let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { providerProfile: 'tencent-cloud' });
});
afterAll(() => h?.stop());

const steps = (view: { steps: { step: string; outcome: string }[] }) =>
  view.steps.map((s) => [s.step, s.outcome]);

describe('v1 through Tencent Cloud (the register) and the aggregator (four elements, SMS code)', () => {
  it('clean: waits for the code, then opens', async () => {
    const req = await newFlowApplication(h.documents, 'v1');
    const first = await h.applications.start(req, partner);
    expect(first).toMatchObject({ status: 'AWAITING_SMS_CODE', flowVersion: 'v1' });
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile!);
    expect(await h.applications.submitSmsCode(req.applicationId, code)).toMatchObject({ status: 'OPENED' });
  });

  it('a name the register does not know with that ID number rejects', async () => {
    const req = await newFlowApplication(h.documents, 'v1', { person: newPerson('王不符') });
    expect(await h.applications.start(req, partner)).toMatchObject({
      status: 'REJECTED',
      reasons: ['IDENTITY_MISMATCH'],
    });
  });
});

describe('v2 through Tencent Cloud (register, three elements, face)', () => {
  it('clean, without a mobile: opens at once', async () => {
    const req = await newFlowApplication(h.documents, 'v2', { withoutMobile: true });
    const view = await h.applications.start(req, partner);
    expect(view).toMatchObject({ status: 'OPENED', flowVersion: 'v2', review: 'NONE' });
    expect(steps(view)).toEqual([
      ['IDENTITY', 'PASS'],
      ['WATCHLIST', 'PASS'],
      ['CARD_THREE_ELEMENTS', 'PASS'],
      ['FACE', 'PASS'],
    ]);
  });

  it.each([
    ['SPOOF', 'REJECTED', ['FACE_SPOOF']],
    ['MISMATCH', 'REJECTED', ['FACE_MISMATCH']],
  ] as const)('a %s selfie: %s', async (face, status, reasons) => {
    const req = await newFlowApplication(h.documents, 'v2', { face });
    expect(await h.applications.start(req, partner)).toMatchObject({ status, reasons });
  });

  it('a borderline likeness opens with a review pending', async () => {
    const req = await newFlowApplication(h.documents, 'v2', { face: 'BORDERLINE' });
    const view = await h.applications.start(req, partner);
    expect(view).toMatchObject({ status: 'OPENED', review: 'PENDING' });
    expect(view.steps.find((s) => s.step === 'FACE')).toEqual({
      step: 'FACE',
      outcome: 'REVIEW',
      reasons: ['FACE_BORDERLINE'],
    });
  });

  it('a card without card-not-present payment rejects at the three elements', async () => {
    const req = await newFlowApplication(h.documents, 'v2', { card: newCard('0003') });
    expect(await h.applications.start(req, partner)).toMatchObject({
      status: 'REJECTED',
      reasons: ['CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED'],
    });
  });
});

describe('v3 through Tencent Cloud (OCR, register)', () => {
  it('clean: waits for the code, then opens', async () => {
    const req = await newFlowApplication(h.documents, 'v3');
    expect(await h.applications.start(req)).toMatchObject({ status: 'AWAITING_SMS_CODE' });
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile!);
    expect(await h.applications.submitSmsCode(req.applicationId, code)).toMatchObject({
      status: 'OPENED',
      review: 'NONE',
    });
  });

  it('an occluded front (a tier-2 warning) opens with a review pending', async () => {
    const req = await newFlowApplication(h.documents, 'v3', { front: { quality: ['OCCLUDED'] } });
    await h.applications.start(req);
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile!);
    const view = await h.applications.submitSmsCode(req.applicationId, code);
    expect(view).toMatchObject({ status: 'OPENED', review: 'PENDING' });
  });

  it('an expired card rejects', async () => {
    const req = await newFlowApplication(h.documents, 'v3', { back: { validUntil: '2019-12-31' } });
    expect(await h.applications.start(req)).toMatchObject({
      status: 'REJECTED',
      reasons: ['ID_CARD_EXPIRED'],
    });
  });

  it('a photocopy (Tencent’s -9102 warning, which the contract OCR has no word for) rejects as not an ID card', async () => {
    const req = await newApplication(h.documents);
    const copy = Buffer.concat([
      makeIdCardImage({ side: 'FRONT', name: req.applicant.name, idNumber: req.applicant.idNumber }),
      Buffer.from('TENCENTCLOUD-OCR:{"warn":[-9102]}', 'latin1'),
    ]);
    const idFront = await h.documents.put(copy, OWN_APP_TENANT);
    const view = await h.applications.start({ ...req, documents: { ...req.documents, idFront } });
    expect(view).toMatchObject({ status: 'REJECTED', reasons: ['ID_NOT_AN_ID_CARD'] });
  });
});

describe('v4 through Tencent Cloud (OCR, register)', () => {
  it('clean: waits for the code, then opens', async () => {
    const req = {
      ...(await newApplication(h.documents)),
      flowVersion: 'v4' as const,
      intent: { purpose: 'SAVINGS' as const, declaresNoRentOrSale: true },
      device: { deviceId: `tencent-${randomUUID()}`, platform: 'IOS' as const, ip: '192.0.2.10' },
    };
    expect(await h.applications.start(req)).toMatchObject({ status: 'AWAITING_SMS_CODE', flowVersion: 'v4' });
    const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
    expect(await h.applications.submitSmsCode(req.applicationId, code)).toMatchObject({ status: 'OPENED' });
  });
});

describe('re-verification through Tencent Cloud (face comparison)', () => {
  it("passes by a live selfie of the holder: the comparison is asked with the holder's name and ID number", async () => {
    const { req, accountNumber } = await openCleanly(h);
    const api = await startApi(h);
    try {
      const selfie = await h.documents.put(makeSelfieImage({ face: 'PASS' }), OWN_APP_TENANT);
      const res = await api.inject({
        method: 'POST',
        url: `/v1/accounts/${accountNumber}/re-verifications`,
        headers: bearer('app'),
        payload: { documents: { selfie }, intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true } },
      });
      expect(res.statusCode).toBe(202);
      const result = await h.client.workflow
        .getHandle<typeof reVerification>(reVerificationWorkflowId(req.applicationId), res.json().caseId)
        .result();
      expect(result).toMatchObject({ passed: true, reasons: [] });
    } finally {
      await api.close();
    }
  });
});

describe('a refused signature', () => {
  it('fails the application for good, and neither key reaches its history', async () => {
    const secretKey = `wrong-tencent-key-${randomUUID()}`;
    const wrong = await startHarness(
      {},
      {
        providerProfile: {
          kind: 'tencent-cloud',
          secretId: TENCENT_SANDBOX_CREDENTIALS.secretId,
          secretKey,
          region: 'ap-guangzhou',
          endpoint: `${h.providersUrl}${TENCENT_SANDBOX_PATH}`,
        },
      },
    );
    try {
      const req = await newFlowApplication(wrong.documents, 'v2', { withoutMobile: true });
      expect(await wrong.applications.start(req, partner)).toMatchObject({ status: 'FAILED' });
      const history = await wrong.client.workflow
        .getHandle(onboardingWorkflowId(req.applicationId))
        .fetchHistory();
      const text = JSON.stringify(history);
      expect(text).not.toContain(secretKey);
      expect(text).not.toContain(TENCENT_SANDBOX_CREDENTIALS.secretKey);
    } finally {
      await wrong.stop();
    }
  });
});
