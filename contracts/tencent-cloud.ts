/**
 * Tencent Cloud API 3.0's wire format, as far as this project speaks it: OCR's IDCardOCR and
 * FaceID's IdCardVerification, BankCardVerification and ImageRecognition. Every call is
 * `POST /` (JSON) with the action in `X-TC-Action`, the API version in `X-TC-Version`, the
 * Unix time in `X-TC-Timestamp` and a TC3-HMAC-SHA256 `Authorization`; every answer is HTTP 200
 * with `{"Response": {...}}`, an error being `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`
 * (https://cloud.tencent.com/document/api/866/33518, "返回结果"). The Tencent Cloud adapters
 * (adapters/tencent-cloud/) send it; the sandbox (sandbox/tencent-cloud/) serves it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';
/** The content type the adapters send and sign (the SDK's own choice). */
export const TC3_CONTENT_TYPE = 'application/json';

export const OCR_SERVICE = { service: 'ocr', version: '2018-11-19' } as const;
export const FACEID_SERVICE = { service: 'faceid', version: '2018-03-01' } as const;

/**
 * What IDCardOCR is asked to warn about: every warning it offers and the quality score
 * (https://cloud.tencent.com/document/api/866/33524, Config). Sent as a JSON string.
 */
export const ID_CARD_OCR_CONFIG = {
  ReshootWarn: true,
  DetectPsWarn: true,
  TempIdWarn: true,
  BorderCheckWarn: true,
  InvalidDateWarn: true,
  CopyWarn: true,
  Quality: true,
} as const;

export const idCardOcrRequestSchema = z.object({
  ImageBase64: z.string().min(1),
  CardSide: z.enum(['FRONT', 'BACK']).optional(),
  /** ID_CARD_OCR_CONFIG, JSON-encoded. */
  Config: z.string().optional(),
});

/** IDCardOCR's answer: the front's fields, or the back's, and AdvancedInfo (a JSON string). */
export const idCardOcrResponseSchema = z.object({
  Name: z.string().optional(),
  Sex: z.string().optional(),
  Nation: z.string().optional(),
  Birth: z.string().optional(),
  Address: z.string().optional(),
  IdNum: z.string().optional(),
  Authority: z.string().optional(),
  /** The back side's validity, `2010.07.21-2030.07.21` or `2010.07.21-长期`. */
  ValidDate: z.string().optional(),
  AdvancedInfo: z.string(),
  RequestId: z.string(),
});

/** The JSON inside AdvancedInfo: the warnings raised and the quality score (0 to 100). */
export const idCardOcrAdvancedInfoSchema = z.object({
  WarnInfos: z.array(z.number().int()).default([]),
  Quality: z.number().min(0).max(100).optional(),
  BorderCodeValue: z.number().optional(),
});

export const idCardVerificationRequestSchema = z.object({
  IdCard: z.string().min(1),
  Name: z.string().min(1),
});
export const bankCardVerificationRequestSchema = z.object({
  IdCard: z.string().min(1),
  Name: z.string().min(1),
  BankCard: z.string().min(1),
  CertType: z.number().int().optional(),
});
export const imageRecognitionRequestSchema = z.object({
  IdCard: z.string().min(1),
  Name: z.string().min(1),
  ImageBase64: z.string().min(1),
});

/** IdCardVerification and BankCardVerification: a result code and its description. */
export const faceIdResultResponseSchema = z.object({
  Result: z.string(),
  Description: z.string().optional(),
  RequestId: z.string(),
});
/** ImageRecognition: a result code (`Success` or a FailedOperation code) and the similarity, 0 to 100. */
export const imageRecognitionResponseSchema = faceIdResultResponseSchema.extend({
  Sim: z.number().min(0).max(100).optional(),
});

export const tencentCloudErrorSchema = z.object({
  Error: z.object({ Code: z.string(), Message: z.string().optional() }),
  RequestId: z.string().optional(),
});

/** The envelope of every answer. */
export const tencentCloudEnvelopeSchema = z.object({ Response: z.record(z.string(), z.unknown()) });

export interface Tc3Request {
  secretId: string;
  secretKey: string;
  /** `ocr`, `faceid`: the credential scope's service. */
  service: string;
  /** The Host the request goes to, without the port (as the official SDK signs it). */
  hostname: string;
  /** The URL's path (`/` for Tencent Cloud's own endpoints). */
  path: string;
  contentType: string;
  /** The exact body sent. */
  payload: string;
  /** Unix seconds, as sent in X-TC-Timestamp. */
  timestamp: number;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string): Buffer =>
  createHmac('sha256', key).update(text, 'utf8').digest();

/** The UTC date of the timestamp, the credential scope's first part. */
const scopeDate = (timestamp: number): string => new Date(timestamp * 1000).toISOString().slice(0, 10);

/**
 * The TC3-HMAC-SHA256 signature (https://cloud.tencent.com/document/api/866/33519): signed
 * headers content-type and host, the body's SHA-256, a key derived from the secret key, the
 * date and the service. Checked against the official SDK's signer (test/adapters/tencent-cloud-signature.test.ts).
 */
export function tc3Signature(r: Tc3Request): string {
  const canonicalRequest = [
    'POST',
    r.path,
    '',
    `content-type:${r.contentType}\nhost:${r.hostname}\n`,
    'content-type;host',
    sha256Hex(r.payload),
  ].join('\n');
  const date = scopeDate(r.timestamp);
  const stringToSign = [
    TC3_ALGORITHM,
    String(r.timestamp),
    `${date}/${r.service}/tc3_request`,
    sha256Hex(canonicalRequest),
  ].join('\n');
  const kSigning = hmac(hmac(hmac(`TC3${r.secretKey}`, date), r.service), 'tc3_request');
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
}

export function tc3Authorization(r: Tc3Request): string {
  const date = scopeDate(r.timestamp);
  return `${TC3_ALGORITHM} Credential=${r.secretId}/${date}/${r.service}/tc3_request, SignedHeaders=content-type;host, Signature=${tc3Signature(r)}`;
}

const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/;

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string;
  signature: string;
}

export function parseTc3Authorization(header: string): ParsedAuthorization | undefined {
  const m = AUTHORIZATION.exec(header);
  if (!m) return undefined;
  return { secretId: m[1]!, date: m[2]!, service: m[3]!, signedHeaders: m[4]!, signature: m[5]! };
}

/** Constant-time comparison of two hex signatures. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * The providers sandbox's Tencent Cloud endpoint (`POST /sandbox/tencentcloud/{service}`) and the
 * one key pair it accepts: development's defaults, refused in production (config/production.ts).
 */
export const TENCENT_SANDBOX_PATH = '/sandbox/tencentcloud/{service}';
export const TENCENT_SANDBOX_CREDENTIALS = {
  secretId: 'AKIDsandbox-change-me',
  secretKey: 'sandbox-tencentcloud-secret-key-change-me',
} as const;
