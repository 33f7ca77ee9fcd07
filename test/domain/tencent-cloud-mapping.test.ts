/**
 * Tencent Cloud's codes, one by one: what each becomes, as the design guide and the vendor's
 * documentation say (domain/tencent-cloud-mapping.ts), and that no code outside the tables passes.
 */
import { describe, expect, it } from 'vitest';
import { classifyIdDocument } from '../../domain/id-document';
import {
  BANK_CARD_VERIFICATION_RESULTS,
  COMMON_ERROR_PREFIXES,
  classifyOcrAdvancedInfo,
  ID_CARD_VERIFICATION_RESULTS,
  IMAGE_RECOGNITION_RESULTS,
  lookupCode,
  OCR_ERROR_CODES,
  OCR_WARN_CODES,
  ocrWarnTier,
  TENCENT_FAILURES,
} from '../../domain/tencent-cloud-mapping';

const outcomes = <A>(table: readonly { code: string; outcome: unknown }[]) =>
  Object.fromEntries(table.map((row) => [row.code, row.outcome])) as Record<string, A>;

describe('IDCardOCR warnings', () => {
  it('copies, recaptures, temporary and electronic IDs and edited images are tier 1; the rest tier 2 with their flag', () => {
    expect(Object.fromEntries(OCR_WARN_CODES.map((r) => [r.code, r.tier]))).toEqual({
      '-9100': { tier: 2, flag: 'PARTLY_UNREADABLE' },
      '-9101': { tier: 2, flag: 'PARTLY_UNREADABLE' },
      '-9102': { tier: 1 },
      '-9103': { tier: 1 },
      '-9104': { tier: 1 },
      '-9105': { tier: 2, flag: 'OCCLUDED' },
      '-9106': { tier: 1 },
      '-9107': { tier: 2, flag: 'GLARE' },
      '-9108': { tier: 1 },
      '-9110': { tier: 1 },
    });
  });

  it('an unknown warning is tier 2 (a review), never nothing', () => {
    expect(ocrWarnTier(-9199)).toEqual({ tier: 2, flag: 'PARTLY_UNREADABLE' });
    expect(ocrWarnTier(42)).toEqual({ tier: 2, flag: 'PARTLY_UNREADABLE' });
  });

  it('a quality score below 50 is blurred; 50 and above is not', () => {
    expect(classifyOcrAdvancedInfo({ WarnInfos: [], Quality: 49 }).quality).toEqual(['BLURRED']);
    expect(classifyOcrAdvancedInfo({ WarnInfos: [], Quality: 50 }).quality).toEqual([]);
    expect(classifyOcrAdvancedInfo({ WarnInfos: [] })).toEqual({ notOriginal: false, quality: [] });
  });

  it('flags from several warnings and the score come together, once each, and any tier-1 code marks the picture', () => {
    expect(classifyOcrAdvancedInfo({ WarnInfos: [-9107, -9105, -9107], Quality: 10 })).toEqual({
      notOriginal: false,
      quality: ['BLURRED', 'GLARE', 'OCCLUDED'],
    });
    expect(classifyOcrAdvancedInfo({ WarnInfos: [-9105, -9102] }).notOriginal).toBe(true);
  });

  it('each tier-2 warning sends a clean, matching card to review, never a pass', () => {
    const entered = { name: '张三', idNumber: '11010119900307002X' };
    for (const row of OCR_WARN_CODES.filter((r) => r.tier.tier === 2)) {
      const { quality } = classifyOcrAdvancedInfo({ WarnInfos: [row.code] });
      const front = { isIdCard: true, side: 'FRONT' as const, fields: entered, quality };
      const back = { isIdCard: true, side: 'BACK' as const, fields: { validUntil: 'LONG' }, quality: [] };
      expect(classifyIdDocument(front, back, entered, '2026-01-01').outcome, String(row.code)).toBe('REVIEW');
    }
  });

  it('IDCardOCR errors: no card or illegal data is not an ID card, blur and unreadable are tier 2, the rest retry or fail', () => {
    expect(outcomes(OCR_ERROR_CODES)).toEqual({
      'FailedOperation.ImageNoIdCard': { kind: 'answer', answer: 'NOT_AN_ID_CARD' },
      'FailedOperation.IdCardInfoIllegal': { kind: 'answer', answer: 'NOT_AN_ID_CARD' },
      'FailedOperation.ImageBlur': { kind: 'answer', answer: 'BLURRED' },
      'FailedOperation.OcrFailed': { kind: 'answer', answer: 'UNREADABLE' },
      'FailedOperation.ImageDecodeFailed': { kind: 'answer', answer: 'UNREADABLE' },
      'FailedOperation.ImageSizeTooLarge': { kind: 'failure', failure: TENCENT_FAILURES.INPUT_REFUSED },
      'FailedOperation.UnKnowError': { kind: 'retry' },
      'FailedOperation.DownLoadError': { kind: 'retry' },
    });
  });
});

describe('IdCardVerification results', () => {
  it('0 and -1 are the charged answers; the register busy or upgrading retries; -5 is not found', () => {
    expect(outcomes(ID_CARD_VERIFICATION_RESULTS)).toEqual({
      '0': { kind: 'answer', answer: 'MATCH' },
      '-1': { kind: 'answer', answer: 'MISMATCH' },
      '-2': { kind: 'failure', failure: TENCENT_FAILURES.INPUT_REFUSED },
      '-3': { kind: 'failure', failure: TENCENT_FAILURES.INPUT_REFUSED },
      '-4': { kind: 'retry' },
      '-5': { kind: 'answer', answer: 'NOT_FOUND' },
      '-6': { kind: 'retry' },
      '-7': { kind: 'failure', failure: TENCENT_FAILURES.DAILY_LIMIT },
    });
    const charged = ID_CARD_VERIFICATION_RESULTS.filter((r) => r.billing === 'CHARGED').map((r) => r.code);
    expect(charged).toEqual(['0', '-1']);
  });
});

describe('BankCardVerification results', () => {
  it('each result is the UnionPay answer it means; only -17 (busy) retries', () => {
    expect(outcomes(BANK_CARD_VERIFICATION_RESULTS)).toEqual({
      '0': { kind: 'answer', answer: 'MATCH' },
      '-1': { kind: 'answer', answer: 'MISMATCH' },
      '-2': { kind: 'answer', answer: 'MISMATCH' },
      '-3': { kind: 'answer', answer: 'MISMATCH' },
      '-4': { kind: 'answer', answer: 'MISMATCH' },
      '-5': { kind: 'answer', answer: 'MISMATCH' },
      '-6': { kind: 'answer', answer: 'CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED' },
      '-7': { kind: 'answer', answer: 'CARD_RESTRICTED' },
      '-8': { kind: 'answer', answer: 'MISMATCH' },
      '-9': { kind: 'answer', answer: 'MISMATCH' },
      '-10': { kind: 'answer', answer: 'CARD_RESTRICTED' },
      '-11': { kind: 'answer', answer: 'CARD_RESTRICTED' },
      '-12': { kind: 'answer', answer: 'CARD_REPORTED_LOST' },
      '-13': { kind: 'answer', answer: 'CARD_EXPIRED' },
      '-14': { kind: 'answer', answer: 'CARD_RESTRICTED' },
      '-15': { kind: 'answer', answer: 'PIN_TRIES_EXCEEDED' },
      '-16': { kind: 'answer', answer: 'CARD_RESTRICTED' },
      '-17': { kind: 'retry' },
      '-18': { kind: 'answer', answer: 'DAILY_CHECKS_EXCEEDED' },
    });
  });

  it('the vendor bills 0, -1 and -5 to -16; the input errors, busy and the daily limit are free', () => {
    const free = BANK_CARD_VERIFICATION_RESULTS.filter((r) => r.billing === 'FREE').map((r) => r.code);
    expect(free).toEqual(['-2', '-3', '-4', '-17', '-18']);
    expect(BANK_CARD_VERIFICATION_RESULTS.every((r) => r.billing !== 'UNSTATED')).toBe(true);
  });
});

describe('ImageRecognition results', () => {
  it('compared, spoofed, reviewed, retried or refused, code by code', () => {
    expect(outcomes(IMAGE_RECOGNITION_RESULTS)).toEqual({
      Success: { kind: 'answer', answer: 'COMPARED' },
      'FailedOperation.CompareLowSimilarity': { kind: 'answer', answer: 'COMPARED' },
      'FailedOperation.LifePhotoDetectFake': { kind: 'answer', answer: 'SPOOF' },
      'FailedOperation.LifePhotoDetectNoFaces': { kind: 'review' },
      'FailedOperation.LifePhotoDetectFaces': { kind: 'review' },
      'FailedOperation.LifePhotoPoorQuality': { kind: 'review' },
      'FailedOperation.LifePhotoSizeError': { kind: 'review' },
      'FailedOperation.ImageDecodeFailed': { kind: 'review' },
      'FailedOperation.IdNameMisMatch': { kind: 'review' },
      'FailedOperation.IdNoExistSystem': { kind: 'review' },
      'FailedOperation.IdPhotoNoExist': { kind: 'review' },
      'FailedOperation.IdPhotoPoorQuality': { kind: 'review' },
      'FailedOperation.IdFormatError': { kind: 'failure', failure: TENCENT_FAILURES.INPUT_REFUSED },
      'FailedOperation.NameFormatError': { kind: 'failure', failure: TENCENT_FAILURES.INPUT_REFUSED },
      'FailedOperation.CompareSystemError': { kind: 'retry' },
      'FailedOperation.IdPhotoSystemNoanswer': { kind: 'retry' },
      'FailedOperation.CompareFail': { kind: 'retry' },
      'FailedOperation.UnKnown': { kind: 'retry' },
    });
  });
});

describe('common errors', () => {
  it('a family decides for its sub-codes: AuthFailure.* fails for good, InternalError and rate limits retry', () => {
    expect(lookupCode(ID_CARD_VERIFICATION_RESULTS, 'AuthFailure.SignatureFailure')).toEqual({
      kind: 'failure',
      failure: TENCENT_FAILURES.AUTH,
    });
    expect(lookupCode(ID_CARD_VERIFICATION_RESULTS, 'AuthFailure.SecretIdNotFound')?.kind).toBe('failure');
    expect(lookupCode(OCR_ERROR_CODES, 'InternalError.ServerError')).toEqual({ kind: 'retry' });
    expect(lookupCode(OCR_ERROR_CODES, 'RequestLimitExceeded')).toEqual({ kind: 'retry' });
    expect(lookupCode(OCR_ERROR_CODES, 'UnauthorizedOperation.Arrears')).toEqual({
      kind: 'failure',
      failure: TENCENT_FAILURES.ERROR,
    });
    expect(COMMON_ERROR_PREFIXES.every((r) => r.billing === 'FREE')).toBe(true);
  });

  it('a code no table knows is undefined (the adapter makes it a review or a named failure), even one that starts like a family', () => {
    expect(lookupCode(ID_CARD_VERIFICATION_RESULTS, '-99')).toBeUndefined();
    expect(lookupCode(IMAGE_RECOGNITION_RESULTS, 'FailedOperation.Whatever')).toBeUndefined();
    expect(lookupCode(OCR_ERROR_CODES, 'AuthFailureX')).toBeUndefined();
  });
});
