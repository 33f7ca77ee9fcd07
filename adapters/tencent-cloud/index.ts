/**
 * Tencent Cloud behind the existing ports: IDCardOCR reads ID cards, FaceID's IdCardVerification
 * is the identity register, BankCardVerification the three elements (flow v2) and
 * ImageRecognition the face comparison. What each vendor code becomes is decided by
 * domain/tencent-cloud-mapping.ts alone. The watch list, the four elements with their SMS code
 * and the bank's own SMS stay on the sandbox contract's adapters (Tencent has no such product,
 * or the bank's licensed aggregator does it).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { FaceResponse, OcrResponse } from '../../contracts/providers';
import {
  FACEID_SERVICE,
  faceIdResultResponseSchema,
  ID_CARD_OCR_CONFIG,
  idCardOcrAdvancedInfoSchema,
  idCardOcrResponseSchema,
  imageRecognitionResponseSchema,
  OCR_SERVICE,
} from '../../contracts/tencent-cloud';
import { FACE_REVIEW_SIMILARITY } from '../../domain/face';
import { readValidUntil } from '../../domain/id-validity';
import {
  BANK_CARD_VERIFICATION_RESULTS,
  classifyOcrAdvancedInfo,
  ID_CARD_VERIFICATION_RESULTS,
  IMAGE_RECOGNITION_RESULTS,
  OCR_ERROR_CODES,
  TENCENT_FAILURES,
} from '../../domain/tencent-cloud-mapping';
import type { FaceVerifier, IdCardReader, IdentityRegister, UnionPay } from '../ports';
import { callTencentCloud, malformed, settle, type TencentCloudSettings } from './client';

export type { TencentCloudSettings } from './client';

type Side = 'FRONT' | 'BACK';

/** A picture the reader could not make out: a human looks (tier 2), unless it is no card at all. */
const unreadable = (
  side: Side,
  flag: 'PARTLY_UNREADABLE' | 'BLURRED' = 'PARTLY_UNREADABLE',
): OcrResponse => ({
  isIdCard: true,
  side,
  fields: {},
  quality: [flag],
});

/** The back side's "2010.07.21-2030.07.21" (or "...-长期"): its end, in the domain's form. */
export function validUntilOf(validDate: string | undefined): string | undefined {
  if (!validDate) return undefined;
  const end = validDate.split('-').at(-1);
  return readValidUntil(end);
}

export function tencentIdCardReader(settings: TencentCloudSettings): IdCardReader {
  const action = 'IDCardOCR';
  return {
    async read(side, image) {
      const result = await callTencentCloud(settings, OCR_SERVICE, action, {
        ImageBase64: image.toString('base64'),
        CardSide: side,
        Config: JSON.stringify(ID_CARD_OCR_CONFIG),
      });
      if ('error' in result) {
        const settled = settle(action, OCR_ERROR_CODES, result.error, 'REVIEW');
        if (settled === 'REVIEW') return unreadable(side);
        if (settled.answer === 'NOT_AN_ID_CARD') return { isIdCard: false, fields: {}, quality: [] };
        return unreadable(side, settled.answer === 'BLURRED' ? 'BLURRED' : 'PARTLY_UNREADABLE');
      }
      const read = idCardOcrResponseSchema.safeParse(result.ok);
      if (!read.success)
        throw malformed(action, `missing ${read.error.issues[0]?.path.join('.') ?? 'field'}`);
      let advanced: unknown;
      try {
        advanced = JSON.parse(read.data.AdvancedInfo);
      } catch {
        throw malformed(action, 'AdvancedInfo is not JSON');
      }
      const info = idCardOcrAdvancedInfoSchema.safeParse(advanced);
      if (!info.success) throw malformed(action, 'AdvancedInfo has no WarnInfos list');
      const { notOriginal, quality } = classifyOcrAdvancedInfo(info.data);
      if (notOriginal) return { isIdCard: false, fields: {}, quality: [] };
      const { Name, IdNum, ValidDate, Authority } = read.data;
      // The side is what was read, not what was asked: a back side sent as the front is caught.
      const readSide: Side | undefined =
        Name || IdNum ? 'FRONT' : ValidDate || Authority ? 'BACK' : undefined;
      if (!readSide) return unreadable(side);
      const validUntil = validUntilOf(ValidDate);
      const fields: OcrResponse['fields'] =
        readSide === 'FRONT'
          ? { ...(Name && { name: Name }), ...(IdNum && { idNumber: IdNum }) }
          : { ...(validUntil && { validUntil }) };
      return { isIdCard: true, side: readSide, fields, quality };
    },
  };
}

export function tencentIdentityRegister(settings: TencentCloudSettings): IdentityRegister {
  const action = 'IdCardVerification';
  return {
    async verify(name, idNumber) {
      const result = await callTencentCloud(settings, FACEID_SERVICE, action, {
        IdCard: idNumber,
        Name: name,
      });
      const code = 'error' in result ? result.error : resultCode(action, result.ok);
      // The register answers match, mismatch or not found: no review to say, so an unknown code fails.
      const settled = settle(action, ID_CARD_VERIFICATION_RESULTS, code, 'FAIL');
      if (settled === 'REVIEW') throw unknownFailure(action);
      return settled.answer;
    },
  };
}

/** Three elements at Tencent Cloud; the four elements and their SMS code stay with `aggregator`. */
export function tencentUnionPay(settings: TencentCloudSettings, aggregator: UnionPay): UnionPay {
  const action = 'BankCardVerification';
  return {
    checkFourElements: (...args) => aggregator.checkFourElements(...args),
    confirmSmsCode: (...args) => aggregator.confirmSmsCode(...args),
    resendSmsCode: (...args) => aggregator.resendSmsCode(...args),
    async checkThreeElements(applicant, cardNumber) {
      const result = await callTencentCloud(settings, FACEID_SERVICE, action, {
        IdCard: applicant.idNumber,
        Name: applicant.name,
        BankCard: cardNumber,
      });
      const code = 'error' in result ? result.error : resultCode(action, result.ok);
      const settled = settle(action, BANK_CARD_VERIFICATION_RESULTS, code, 'FAIL');
      if (settled === 'REVIEW') throw unknownFailure(action);
      return settled.answer;
    },
  };
}

export function tencentFaceVerifier(settings: TencentCloudSettings): FaceVerifier {
  const action = 'ImageRecognition';
  return {
    async verify(selfie, idNumber, _idempotencyKey, name) {
      // ImageRecognition compares with the register's photo for a name and an ID number both.
      if (!name) {
        throw ApplicationFailure.nonRetryable(
          `Tencent Cloud ${action}: needs the name`,
          TENCENT_FAILURES.INPUT_REFUSED,
        );
      }
      const result = await callTencentCloud(settings, FACEID_SERVICE, action, {
        IdCard: idNumber,
        Name: name,
        ImageBase64: selfie.toString('base64'),
      });
      let code: string;
      let sim: number | undefined;
      if ('error' in result) code = result.error;
      else {
        const parsed = imageRecognitionResponseSchema.safeParse(result.ok);
        if (!parsed.success) throw malformed(action, 'no Result');
        code = parsed.data.Result;
        sim = parsed.data.Sim;
      }
      const settled = settle(action, IMAGE_RECOGNITION_RESULTS, code, 'REVIEW');
      // The port has no "review" word: a likeness in the review band sends the application to a human.
      if (settled === 'REVIEW') return { liveness: 'PASS', similarity: FACE_REVIEW_SIMILARITY };
      if (settled.answer === 'SPOOF') return { liveness: 'SPOOF', similarity: 0 };
      if (sim === undefined && code === 'Success') throw malformed(action, 'Success without Sim');
      return { liveness: 'PASS', similarity: (sim ?? 0) / 100 } satisfies FaceResponse;
    },
  };
}

function resultCode(action: string, response: Record<string, unknown>): string {
  const parsed = faceIdResultResponseSchema.safeParse(response);
  if (!parsed.success) throw malformed(action, 'no Result');
  return parsed.data.Result;
}

const unknownFailure = (action: string) =>
  ApplicationFailure.nonRetryable(`Tencent Cloud ${action}: unknown result`, TENCENT_FAILURES.UNKNOWN_RESULT);
