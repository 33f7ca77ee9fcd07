/**
 * HTTP adapters for the identity providers (OCR, the identity register, UnionPay, face) and the
 * bank's own SMS one-time-code gateway.
 */
import { ApplicationFailure } from '@temporalio/common';

import {
  faceResponseSchema,
  fourElementsResponseSchema,
  identityResponseSchema,
  ocrResponseSchema,
  otpSendResponseSchema,
  otpVerifyResponseSchema,
  punishmentListResponseSchema,
  smsConfirmResponseSchema,
  smsResendResponseSchema,
  threeElementsResponseSchema,
  watchlistResponseSchema,
} from '../../contracts/providers';
import { readValidUntil } from '../../domain/id-validity';
import type {
  BankSms,
  FaceVerifier,
  IdCardReader,
  IdentityRegister,
  PunishmentList,
  UnionPay,
  Watchlist,
} from '../ports';
import { CONTRACT, callJson, expect } from './json-client';

export function httpIdCardReader(baseUrl: string): IdCardReader {
  return {
    async read(side, image) {
      const answer = await callJson(`${baseUrl}/ocr/v1/id-card`, {
        body: { side, imageBase64: image.toString('base64') },
      });
      const read = expect(answer, [200], ocrResponseSchema);
      // The validity in the domain's one form (YYYY-MM-DD or LONG); a date the reader garbled is
      // left out, so the photo goes to review as partly unreadable instead of failing the step.
      const { validUntil, ...fields } = read.fields;
      const valid = readValidUntil(validUntil);
      return { ...read, fields: { ...fields, ...(valid && { validUntil: valid }) } };
    },
  };
}

export function httpIdentityRegister(baseUrl: string): IdentityRegister {
  return {
    async verify(name, idNumber) {
      const answer = await callJson(`${baseUrl}/identity/v1/verify`, { body: { name, idNumber } });
      return expect(answer, [200], identityResponseSchema).result;
    },
  };
}

export function httpWatchlist(baseUrl: string): Watchlist {
  return {
    async screen(name, idNumber) {
      const answer = await callJson(`${baseUrl}/watchlist/v1/screen`, { body: { name, idNumber } });
      return expect(answer, [200], watchlistResponseSchema).result;
    },
  };
}

export function httpPunishmentList(baseUrl: string): PunishmentList {
  return {
    async check(idNumber) {
      const answer = await callJson(`${baseUrl}/punishment-list/v1/check`, { body: { idNumber } });
      return expect(answer, [200], punishmentListResponseSchema).listed ? 'LISTED' : 'NOT_LISTED';
    },
  };
}

const notBusy = fourElementsResponseSchema.extend({
  result: fourElementsResponseSchema.shape.result.exclude(['BUSY']),
});

const threeNotBusy = threeElementsResponseSchema.extend({
  result: threeElementsResponseSchema.shape.result.exclude(['BUSY']),
});

export function httpUnionPay(baseUrl: string): UnionPay {
  return {
    async checkFourElements(applicant, cardNumber, idempotencyKey) {
      const answer = await callJson(`${baseUrl}/unionpay/v1/four-elements`, {
        body: { name: applicant.name, idNumber: applicant.idNumber, mobile: applicant.mobile, cardNumber },
        idempotencyKey,
      });
      const parsed = expect(answer, [200], notBusy);
      if (parsed.result === 'MATCH' && !parsed.verificationId) {
        throw ApplicationFailure.nonRetryable('MATCH without a verificationId', CONTRACT);
      }
      return parsed;
    },
    async confirmSmsCode(verificationId, code) {
      const answer = await callJson(`${baseUrl}/unionpay/v1/sms-confirm`, { body: { verificationId, code } });
      return expect(answer, [200], smsConfirmResponseSchema).result;
    },
    async resendSmsCode(verificationId, idempotencyKey) {
      const answer = await callJson(`${baseUrl}/unionpay/v1/sms-resend`, {
        body: { verificationId },
        idempotencyKey,
      });
      const { codeExpiresAt } = expect(answer, [200], smsResendResponseSchema);
      return codeExpiresAt ? { codeExpiresAt } : {};
    },
    async checkThreeElements(applicant, cardNumber, idempotencyKey) {
      const answer = await callJson(`${baseUrl}/unionpay/v1/three-elements`, {
        body: { name: applicant.name, idNumber: applicant.idNumber, cardNumber },
        idempotencyKey,
      });
      return expect(answer, [200], threeNotBusy).result;
    },
  };
}

export function httpFaceVerifier(baseUrl: string): FaceVerifier {
  return {
    async verify(selfie, idNumber, idempotencyKey) {
      const answer = await callJson(`${baseUrl}/face/v1/verify`, {
        body: { selfieBase64: selfie.toString('base64'), idNumber },
        idempotencyKey,
      });
      return expect(answer, [200], faceResponseSchema);
    },
  };
}

export function httpBankSms(baseUrl: string): BankSms {
  return {
    async sendOtp(mobile, purpose, idempotencyKey) {
      const answer = await callJson(`${baseUrl}/sms/v1/otp`, { body: { mobile, purpose }, idempotencyKey });
      return expect(answer, [200, 201], otpSendResponseSchema);
    },
    async verifyOtp(otpId, code) {
      const answer = await callJson(`${baseUrl}/sms/v1/otp/verify`, { body: { otpId, code } });
      // An unknown otpId is our bug (the workflow keeps the id it was given): no retry finds it.
      return expect(answer, [200], otpVerifyResponseSchema).result;
    },
  };
}
