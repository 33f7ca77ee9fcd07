/**
 * Tencent Cloud's answers, mapped onto this project's: every code the vendor documents for the
 * actions we call, with what it becomes (an answer of the port, a retry, a review, or a failure
 * for good that names itself) and whether the vendor bills it. The adapters
 * (adapters/tencent-cloud/) go by these tables alone, docs/vendors.md prints them, and a code
 * that is in no table is never a pass: a review where the port can say one (OCR, face), a
 * failure for good elsewhere (the application fails and operations are told).
 */
import type { ImageQualityFlag, UnionPayResult } from '../contracts/providers';

export type Billing = 'CHARGED' | 'FREE' | 'UNSTATED';

/** What a vendor code becomes. `failure` names the Temporal failure type the adapter throws. */
export type Outcome<A> =
  | { kind: 'answer'; answer: A }
  | { kind: 'retry' }
  | { kind: 'review' }
  | { kind: 'failure'; failure: string };

export interface CodeRow<A> {
  code: string;
  /** The vendor's words for it (its documentation's, translated where it is Chinese). */
  vendorSays: string;
  outcome: Outcome<A>;
  billing: Billing;
}

/** The failure types the Tencent Cloud adapters throw (all non-retryable). */
export const TENCENT_FAILURES = {
  /** AuthFailure.*: the signature, the SecretId or the clock was refused. */
  AUTH: 'TencentCloudAuthFailure',
  /** The answer was not JSON, not the envelope, or missed a field the action always answers. */
  MALFORMED: 'TencentCloudMalformedAnswer',
  /** The vendor refused our input (a format it does not accept): no retry changes it. */
  INPUT_REFUSED: 'TencentCloudInputRefused',
  /** The vendor's daily cap for this person or card is reached. */
  DAILY_LIMIT: 'TencentCloudDailyLimit',
  /** A result code no table here knows, where the port cannot say "review". */
  UNKNOWN_RESULT: 'TencentCloudUnknownResult',
  /** An error code that is neither transient nor known (the account, the service's activation...). */
  ERROR: 'TencentCloudError',
} as const;

const answer = <A>(a: A): Outcome<A> => ({ kind: 'answer', answer: a });
const retry = { kind: 'retry' } as const;
const review = { kind: 'review' } as const;
const failure = (f: string) => ({ kind: 'failure', failure: f }) as const;

// ---------------------------------------------------------------------------------------------
// OCR: IDCardOCR's AdvancedInfo.WarnInfos and Quality
// https://cloud.tencent.com/document/api/866/33524 (输出参数 AdvancedInfo: "WarnInfos，告警信息，Code
// 告警码列表和释义"; "Quality，图片质量分数 ... 取值范围：0 ~ 100，分数越低越模糊，建议阈值≥50").
// ---------------------------------------------------------------------------------------------

/** Tier 1 rejects (not an original ID card); tier 2 opens and sends to review with the flag. */
export type OcrWarnTier = { tier: 1 } | { tier: 2; flag: ImageQualityFlag };

export interface WarnRow {
  code: number;
  vendorSays: string;
  tier: OcrWarnTier;
  why: string;
}

export const OCR_WARN_CODES: readonly WarnRow[] = [
  {
    code: -9100,
    vendorSays: '身份证有效日期不合法告警 (validity dates not a legal period)',
    tier: { tier: 2, flag: 'PARTLY_UNREADABLE' },
    why: 'the dates read cannot be trusted; a human reads them',
  },
  {
    code: -9101,
    vendorSays: '身份证边框不完整告警 (border incomplete)',
    tier: { tier: 2, flag: 'PARTLY_UNREADABLE' },
    why: 'part of the card is outside the picture',
  },
  {
    code: -9102,
    vendorSays: '身份证复印件告警 (photocopy, black-and-white or colour)',
    tier: { tier: 1 },
    why: 'a copy is not the card',
  },
  {
    code: -9108,
    vendorSays: '身份证复印件告警，仅黑白复印件 (black-and-white photocopy)',
    tier: { tier: 1 },
    why: 'a copy is not the card',
  },
  {
    code: -9103,
    vendorSays: '身份证翻拍告警 (recaptured from a screen)',
    tier: { tier: 1 },
    why: 'a photo of a screen is not the card in hand',
  },
  {
    code: -9104,
    vendorSays: '临时身份证告警 (temporary ID card)',
    tier: { tier: 1 },
    why: 'remote Class II opening takes the second-generation resident ID card only',
  },
  {
    code: -9105,
    vendorSays: '身份证框内遮挡告警 (occlusion inside the border)',
    tier: { tier: 2, flag: 'OCCLUDED' },
    why: 'the design guide: occluded is tier 2',
  },
  {
    code: -9106,
    vendorSays: '身份证疑似存在PS痕迹告警 (signs of editing)',
    tier: { tier: 1 },
    why: 'an edited image is not the card',
  },
  {
    code: -9107,
    vendorSays: '身份证反光告警 (glare)',
    tier: { tier: 2, flag: 'GLARE' },
    why: 'the design guide: glare is tier 2',
  },
  {
    code: -9110,
    vendorSays: '电子身份证告警 (electronic ID card)',
    tier: { tier: 1 },
    why: 'a screenshot of an electronic ID is not a photo of the card',
  },
];

/** Below it, the picture is blurred (the vendor's advised threshold). */
export const OCR_QUALITY_THRESHOLD = 50;

/** A warning no row knows: a human looks, never a pass. */
export const UNKNOWN_WARN: OcrWarnTier = { tier: 2, flag: 'PARTLY_UNREADABLE' };

export function ocrWarnTier(code: number): OcrWarnTier {
  return OCR_WARN_CODES.find((row) => row.code === code)?.tier ?? UNKNOWN_WARN;
}

/** What the warnings and the quality score make of a readable picture. */
export function classifyOcrAdvancedInfo(info: { WarnInfos: readonly number[]; Quality?: number }): {
  notOriginal: boolean;
  quality: ImageQualityFlag[];
} {
  const tiers = info.WarnInfos.map(ocrWarnTier);
  const quality = new Set<ImageQualityFlag>();
  for (const t of tiers) if (t.tier === 2) quality.add(t.flag);
  if (info.Quality !== undefined && info.Quality < OCR_QUALITY_THRESHOLD) quality.add('BLURRED');
  return { notOriginal: tiers.some((t) => t.tier === 1), quality: [...quality].sort() };
}

/** What IDCardOCR's error codes make of a picture. */
export type OcrErrorAnswer = 'NOT_AN_ID_CARD' | 'UNREADABLE' | 'BLURRED';

/** IDCardOCR's errors (https://cloud.tencent.com/document/api/866/33524, "错误码"). */
export const OCR_ERROR_CODES: readonly CodeRow<OcrErrorAnswer>[] = [
  {
    code: 'FailedOperation.ImageNoIdCard',
    vendorSays: '照片未检测到身份证 (no ID card in the picture)',
    outcome: answer('NOT_AN_ID_CARD'),
    billing: 'FREE',
  },
  {
    code: 'FailedOperation.IdCardInfoIllegal',
    vendorSays: '身份证信息不合法 (the card data are not those of a real card)',
    outcome: answer('NOT_AN_ID_CARD'),
    billing: 'FREE',
  },
  {
    code: 'FailedOperation.ImageBlur',
    vendorSays: '图片模糊 (blurred)',
    outcome: answer('BLURRED'),
    billing: 'FREE',
  },
  {
    code: 'FailedOperation.OcrFailed',
    vendorSays: 'OCR识别失败 (nothing could be read)',
    outcome: answer('UNREADABLE'),
    billing: 'FREE',
  },
  {
    code: 'FailedOperation.ImageDecodeFailed',
    vendorSays: '图片解码失败 (the image could not be decoded)',
    outcome: answer('UNREADABLE'),
    billing: 'FREE',
  },
  {
    code: 'FailedOperation.ImageSizeTooLarge',
    vendorSays: '图片尺寸过大 (image too large)',
    outcome: failure(TENCENT_FAILURES.INPUT_REFUSED),
    billing: 'FREE',
  },
  {
    code: 'FailedOperation.UnKnowError',
    vendorSays: '未知错误 (unknown error)',
    outcome: retry,
    billing: 'FREE',
  },
  {
    code: 'FailedOperation.DownLoadError',
    vendorSays: '文件下载失败 (download failed)',
    outcome: retry,
    billing: 'FREE',
  },
];

// ---------------------------------------------------------------------------------------------
// FaceID IdCardVerification: the identity register (name + ID number)
// https://cloud.tencent.com/document/product/1007/33188 (输出参数 Result: 收费结果码 / 不收费结果码)
// ---------------------------------------------------------------------------------------------

export type IdentityAnswer = 'MATCH' | 'MISMATCH' | 'NOT_FOUND';

export const ID_CARD_VERIFICATION_RESULTS: readonly CodeRow<IdentityAnswer>[] = [
  { code: '0', vendorSays: '姓名和身份证号一致 (match)', outcome: answer('MATCH'), billing: 'CHARGED' },
  {
    code: '-1',
    vendorSays: '姓名和身份证号不一致 (mismatch)',
    outcome: answer('MISMATCH'),
    billing: 'CHARGED',
  },
  {
    code: '-2',
    vendorSays: '非法身份证号（长度、校验位等不正确） (ID number malformed)',
    outcome: failure(TENCENT_FAILURES.INPUT_REFUSED),
    billing: 'FREE',
  },
  {
    code: '-3',
    vendorSays: '非法姓名（长度、格式等不正确） (name malformed)',
    outcome: failure(TENCENT_FAILURES.INPUT_REFUSED),
    billing: 'FREE',
  },
  { code: '-4', vendorSays: '证件库服务异常 (register unavailable)', outcome: retry, billing: 'FREE' },
  {
    code: '-5',
    vendorSays: '证件库中无此身份证记录 (no such ID number)',
    outcome: answer('NOT_FOUND'),
    billing: 'FREE',
  },
  {
    code: '-6',
    vendorSays: '权威比对系统升级中，请稍后再试 (register being upgraded)',
    outcome: retry,
    billing: 'FREE',
  },
  {
    code: '-7',
    vendorSays: '认证次数超过当日限制 (daily checks exceeded)',
    outcome: failure(TENCENT_FAILURES.DAILY_LIMIT),
    billing: 'FREE',
  },
];

// ---------------------------------------------------------------------------------------------
// FaceID BankCardVerification: the three elements (name, ID number, card), flow v2
// https://www.tencentcloud.com/document/api/1061/78854 (Result: "Result code for charges" and
// non-billing codes). BankCard4EVerification is not used: the four elements go with an SMS code
// to the reserved phone, which stays with the bank's licensed aggregator.
// ---------------------------------------------------------------------------------------------

export type CardAnswer = Exclude<UnionPayResult, 'BUSY' | 'PHONE_MISMATCH'>;

export const BANK_CARD_VERIFICATION_RESULTS: readonly CodeRow<CardAnswer>[] = [
  { code: '0', vendorSays: '认证通过 (match)', outcome: answer('MATCH'), billing: 'CHARGED' },
  { code: '-1', vendorSays: '认证未通过 (mismatch)', outcome: answer('MISMATCH'), billing: 'CHARGED' },
  {
    code: '-2',
    vendorSays: '姓名校验不通过 (name check failed)',
    outcome: answer('MISMATCH'),
    billing: 'FREE',
  },
  {
    code: '-3',
    vendorSays: '身份证号码有误 (ID number wrong)',
    outcome: answer('MISMATCH'),
    billing: 'FREE',
  },
  {
    code: '-4',
    vendorSays: '银行卡号码有误 (card number wrong)',
    outcome: answer('MISMATCH'),
    billing: 'FREE',
  },
  {
    code: '-5',
    vendorSays: '持卡人信息有误 (cardholder data wrong)',
    outcome: answer('MISMATCH'),
    billing: 'CHARGED',
  },
  {
    code: '-6',
    vendorSays: '未开通无卡支付 (card-not-present payment not enabled)',
    outcome: answer('CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED'),
    billing: 'CHARGED',
  },
  {
    code: '-7',
    vendorSays: '此卡被没收 (card confiscated)',
    outcome: answer('CARD_RESTRICTED'),
    billing: 'CHARGED',
  },
  {
    code: '-8',
    vendorSays: '无效卡号 (invalid card number)',
    outcome: answer('MISMATCH'),
    billing: 'CHARGED',
  },
  {
    code: '-9',
    vendorSays: '此卡无对应发卡行 (no issuer for this card)',
    outcome: answer('MISMATCH'),
    billing: 'CHARGED',
  },
  {
    code: '-10',
    vendorSays: '该卡未初始化或睡眠卡 (card not activated, or dormant)',
    outcome: answer('CARD_RESTRICTED'),
    billing: 'CHARGED',
  },
  {
    code: '-11',
    vendorSays: '作弊卡、吞卡 (fraudulent or retained card)',
    outcome: answer('CARD_RESTRICTED'),
    billing: 'CHARGED',
  },
  {
    code: '-12',
    vendorSays: '此卡已挂失 (reported lost)',
    outcome: answer('CARD_REPORTED_LOST'),
    billing: 'CHARGED',
  },
  { code: '-13', vendorSays: '该卡已过期 (expired)', outcome: answer('CARD_EXPIRED'), billing: 'CHARGED' },
  {
    code: '-14',
    vendorSays: '受限制的卡 (restricted)',
    outcome: answer('CARD_RESTRICTED'),
    billing: 'CHARGED',
  },
  {
    code: '-15',
    vendorSays: '密码错误次数超限 (too many PIN errors)',
    outcome: answer('PIN_TRIES_EXCEEDED'),
    billing: 'CHARGED',
  },
  {
    code: '-16',
    vendorSays: '发卡行不支持此交易 (the issuer does not support this check)',
    outcome: answer('CARD_RESTRICTED'),
    billing: 'CHARGED',
  },
  { code: '-17', vendorSays: '验证中心服务繁忙 (busy)', outcome: retry, billing: 'FREE' },
  {
    code: '-18',
    vendorSays: '验证次数超限，请次日重试 (too many checks today)',
    outcome: answer('DAILY_CHECKS_EXCEEDED'),
    billing: 'FREE',
  },
];

// ---------------------------------------------------------------------------------------------
// FaceID ImageRecognition: the selfie against the register's photo (Sim 0 to 100)
// https://cloud.tencent.com/document/api/1007/31820 (Result: "成功情况返回Success，错误情况请参考下方
// 错误码列表中FailedOperation部分"). The page states no billing per code: only Success is known
// to be billed, the rest are UNSTATED here.
// ---------------------------------------------------------------------------------------------

/** A face answer: a similarity (the vendor's Sim, when it gave one) or a spoof. */
export type FaceAnswer = 'COMPARED' | 'SPOOF';

export const IMAGE_RECOGNITION_RESULTS: readonly CodeRow<FaceAnswer>[] = [
  {
    code: 'Success',
    vendorSays: '成功 (compared; Sim says how alike)',
    outcome: answer('COMPARED'),
    billing: 'CHARGED',
  },
  {
    code: 'FailedOperation.CompareLowSimilarity',
    vendorSays: '比对相似度未达到通过标准 (compared, below the vendor’s mark)',
    outcome: answer('COMPARED'),
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.LifePhotoDetectFake',
    vendorSays: '识别到翻拍照片或假体 (a recaptured photo or a mask)',
    outcome: answer('SPOOF'),
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.LifePhotoDetectNoFaces',
    vendorSays: '未能检测到完整人脸 (no whole face)',
    outcome: review,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.LifePhotoDetectFaces',
    vendorSays: '检测到多张人脸 (several faces)',
    outcome: review,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.LifePhotoPoorQuality',
    vendorSays: '传入图片过模糊 (selfie too blurred)',
    outcome: review,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.LifePhotoSizeError',
    vendorSays: '传入图片分辨率太小 (selfie too small)',
    outcome: review,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.ImageDecodeFailed',
    vendorSays: '图片解码失败 (selfie could not be decoded)',
    outcome: review,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.IdNameMisMatch',
    vendorSays: '姓名和身份证号不一致 (name and ID number do not match)',
    outcome: review,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.IdNoExistSystem',
    vendorSays: '证件号码不存在 (no such ID number)',
    outcome: review,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.IdPhotoNoExist',
    vendorSays: '库中无此号照片 (the register holds no photo)',
    outcome: review,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.IdPhotoPoorQuality',
    vendorSays: '证件图片质量差 (the register’s photo is poor)',
    outcome: review,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.IdFormatError',
    vendorSays: '身份证号码格式错误 (ID number malformed)',
    outcome: failure(TENCENT_FAILURES.INPUT_REFUSED),
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.NameFormatError',
    vendorSays: '姓名格式不正确 (name malformed)',
    outcome: failure(TENCENT_FAILURES.INPUT_REFUSED),
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.CompareSystemError',
    vendorSays: '调用比对引擎接口出错 (comparison engine error)',
    outcome: retry,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.IdPhotoSystemNoanswer',
    vendorSays: '权威比对系统未响应 (register did not answer)',
    outcome: retry,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.CompareFail',
    vendorSays: '比对失败 (comparison failed)',
    outcome: retry,
    billing: 'UNSTATED',
  },
  {
    code: 'FailedOperation.UnKnown',
    vendorSays: '内部未知错误 (internal unknown error)',
    outcome: retry,
    billing: 'UNSTATED',
  },
];

// ---------------------------------------------------------------------------------------------
// Common errors of every action (Response.Error.Code)
// https://cloud.tencent.com/document/api/866/33528 (公共错误码). Matched by prefix: a code's
// sub-codes (AuthFailure.SignatureFailure) go as their family does. Never billed.
// ---------------------------------------------------------------------------------------------

export const COMMON_ERROR_PREFIXES: readonly CodeRow<never>[] = [
  {
    code: 'AuthFailure',
    vendorSays: 'CAM签名/鉴权错误 (signature, SecretId, token or clock refused)',
    outcome: failure(TENCENT_FAILURES.AUTH),
    billing: 'FREE',
  },
  { code: 'InternalError', vendorSays: '内部错误 (internal error)', outcome: retry, billing: 'FREE' },
  {
    code: 'RequestLimitExceeded',
    vendorSays: '请求的次数超过了频率限制 (rate limited)',
    outcome: retry,
    billing: 'FREE',
  },
  {
    code: 'ResourceUnavailable',
    vendorSays: '资源不可用 (unavailable for now)',
    outcome: retry,
    billing: 'FREE',
  },
  {
    code: 'InvalidParameter',
    vendorSays: '参数错误 (a parameter is wrong)',
    outcome: failure(TENCENT_FAILURES.INPUT_REFUSED),
    billing: 'FREE',
  },
  {
    code: 'InvalidParameterValue',
    vendorSays: '参数取值错误 (a parameter value is wrong)',
    outcome: failure(TENCENT_FAILURES.INPUT_REFUSED),
    billing: 'FREE',
  },
  {
    code: 'MissingParameter',
    vendorSays: '缺少参数错误 (a parameter is missing)',
    outcome: failure(TENCENT_FAILURES.INPUT_REFUSED),
    billing: 'FREE',
  },
  {
    code: 'UnauthorizedOperation',
    vendorSays: '未授权操作 (not allowed: service not activated, arrears)',
    outcome: failure(TENCENT_FAILURES.ERROR),
    billing: 'FREE',
  },
];

/** A code in `table`, else its family among the common errors; undefined when none knows it. */
export function lookupCode<A>(table: readonly CodeRow<A>[], code: string): Outcome<A> | undefined {
  const row = table.find((r) => r.code === code);
  if (row) return row.outcome;
  const common = COMMON_ERROR_PREFIXES.find((r) => code === r.code || code.startsWith(`${r.code}.`));
  return common?.outcome as Outcome<A> | undefined;
}
