/**
 * The providers sandbox speaking Tencent Cloud API 3.0 (contracts/tencent-cloud.ts):
 * `POST /sandbox/tencentcloud/{ocr|faceid}` with X-TC-Action, X-TC-Version, X-TC-Timestamp and a
 * TC3-HMAC-SHA256 Authorization checked against the sandbox's key pair, answering HTTP 200 with
 * `{"Response": ...}` or `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`.
 *
 * It answers what the contract sandbox answers for the same input (each action asks the
 * contract's own route in-process, so its magic inputs, daily limits and fault knobs hold
 * here too) in Tencent's words, and adds magic of its own for the codes the contract has no
 * word for (catalogue.json, tencentCloud).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { faceResponseSchema, ocrResponseSchema } from '../../contracts/providers';
import {
  bankCardVerificationRequestSchema,
  FACEID_SERVICE,
  idCardOcrRequestSchema,
  idCardVerificationRequestSchema,
  imageRecognitionRequestSchema,
  OCR_SERVICE,
  parseTc3Authorization,
  sameSignature,
  TENCENT_SANDBOX_CREDENTIALS,
  tc3Signature,
} from '../../contracts/tencent-cloud';
import { decodeImage, findJsonMarker } from '../providers/ocr';
import { tencentCatalogue, tencentFaceMarkerSchema, tencentOcrMarkerSchema } from './catalogue';

type TencentAnswer = Record<string, unknown>;

/** Thrown to answer `Response.Error`; the message never quotes what was sent. */
class TencentError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const { clockSkewSeconds, ocr: ocrMagic, face: faceMagic, nameCodePattern } = tencentCatalogue;
const OCR_PREFIX = Buffer.from(ocrMagic.markerPrefix, 'latin1');
const FACE_PREFIX = Buffer.from(faceMagic.markerPrefix, 'latin1');
const NAME_CODE = new RegExp(nameCodePattern);

const ACTIONS: Record<string, { service: string; version: string; run: Handler }> = {
  IDCardOCR: { ...OCR_SERVICE, run: idCardOcr },
  IdCardVerification: { ...FACEID_SERVICE, run: idCardVerification },
  BankCardVerification: { ...FACEID_SERVICE, run: bankCardVerification },
  ImageRecognition: { ...FACEID_SERVICE, run: imageRecognition },
};

type Handler = (app: FastifyInstance, body: unknown) => Promise<TencentAnswer>;

export interface TencentCloudSandboxOptions {
  now: () => Date;
  /** The key pair requests must be signed with; the development pair unless said. */
  credentials?: { secretId: string; secretKey: string };
}

export function registerTencentCloudRoutes(app: FastifyInstance, opts: TencentCloudSandboxOptions): void {
  const credentials = opts.credentials ?? TENCENT_SANDBOX_CREDENTIALS;
  // In a scope of its own: the signature is over the exact bytes sent, so the body stays a string here.
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post('/sandbox/tencentcloud/:service', async (request) => {
      const requestId = randomUUID();
      try {
        const action = checkRequest(request, credentials, opts.now());
        let body: unknown;
        try {
          body = JSON.parse(String(request.body ?? ''));
        } catch {
          throw new TencentError('InvalidParameter', 'the body is not JSON');
        }
        const answer = await action.run(app, body);
        return { Response: { ...answer, RequestId: requestId } };
      } catch (err) {
        if (!(err instanceof TencentError)) throw err;
        return { Response: { Error: { Code: err.code, Message: err.message }, RequestId: requestId } };
      }
    });
  });
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** The action asked for, once the signature, its scope and its time are right. */
function checkRequest(
  request: FastifyRequest,
  credentials: { secretId: string; secretKey: string },
  now: Date,
): (typeof ACTIONS)[string] {
  const { service } = request.params as { service: string };
  const actionName = header(request, 'x-tc-action');
  if (!actionName) throw new TencentError('MissingParameter', 'X-TC-Action is required');
  const action = ACTIONS[actionName];
  if (!action || action.service !== service) {
    throw new TencentError('InvalidAction', `no action ${actionName} in service ${service}`);
  }
  if (header(request, 'x-tc-version') !== action.version) {
    throw new TencentError('NoSuchVersion', `${actionName} is version ${action.version}`);
  }
  const timestamp = Number(header(request, 'x-tc-timestamp'));
  if (!Number.isInteger(timestamp)) throw new TencentError('MissingParameter', 'X-TC-Timestamp is required');
  if (Math.abs(now.getTime() / 1000 - timestamp) > clockSkewSeconds) {
    throw new TencentError('AuthFailure.SignatureExpire', 'the request timestamp is too far from now');
  }
  const auth = parseTc3Authorization(header(request, 'authorization') ?? '');
  if (auth?.signedHeaders !== 'content-type;host' || auth.service !== service) {
    throw new TencentError(
      'AuthFailure.InvalidAuthorization',
      'Authorization is not a TC3-HMAC-SHA256 one for this service',
    );
  }
  if (auth.secretId !== credentials.secretId) {
    throw new TencentError('AuthFailure.SecretIdNotFound', 'unknown SecretId');
  }
  if (auth.date !== new Date(timestamp * 1000).toISOString().slice(0, 10)) {
    throw new TencentError('AuthFailure.InvalidAuthorization', 'the credential date is not the timestamp’s');
  }
  const host = header(request, 'host') ?? '';
  const expected = tc3Signature({
    ...credentials,
    service,
    // Signed without the port, as the official SDK signs it.
    hostname: new URL(`http://${host}`).hostname,
    path: request.url.split('?')[0] ?? '/',
    contentType: header(request, 'content-type') ?? '',
    payload: String(request.body ?? ''),
    timestamp,
  });
  if (!sameSignature(auth.signature, expected)) {
    throw new TencentError('AuthFailure.SignatureFailure', 'the signature does not match');
  }
  return action;
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TencentError(
    'InvalidParameter',
    `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
  );
}

/** The contract sandbox's answer to the same question, asked in-process. */
async function ask(
  app: FastifyInstance,
  url: string,
  payload: unknown,
  idempotencyKey?: string,
): Promise<{ status: number; body: unknown }> {
  const res = await app.inject({
    method: 'POST',
    url,
    payload: payload as Record<string, unknown>,
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
  });
  const body: unknown = res.body ? JSON.parse(res.body) : undefined;
  // A busy contract answer (or a fault knob's 5xx) is Tencent's internal error; a refusal, an unauthorized operation.
  if (res.statusCode >= 500) throw new TencentError('InternalError', 'internal error, try again');
  if (res.statusCode === 422) throw new TencentError('UnauthorizedOperation', 'refused');
  if (res.statusCode === 400) throw new TencentError('InvalidParameterValue', 'a parameter value is wrong');
  return { status: res.statusCode, body };
}

/** A `TC:<code>` in the name: that Result code, or that error when the code is an error's. */
function nameMagic(name: string): TencentAnswer | undefined {
  const code = NAME_CODE.exec(name)?.[1];
  if (code === undefined) return undefined;
  if (/^-?\d+$/.test(code) || code === 'Success' || code.startsWith('FailedOperation.')) {
    return { Result: code, Description: 'sandbox magic' };
  }
  throw new TencentError(code, 'sandbox magic');
}

const dotted = (validUntil: string): string =>
  validUntil === 'LONG'
    ? '长期'
    : /^\d{4}-\d{2}-\d{2}$/.test(validUntil)
      ? validUntil.replaceAll('-', '.')
      : validUntil;

const WARN_OF_FLAG: Record<string, number> = { OCCLUDED: -9105, GLARE: -9107, PARTLY_UNREADABLE: -9101 };

async function idCardOcr(app: FastifyInstance, body: unknown): Promise<TencentAnswer> {
  const req = parse(idCardOcrRequestSchema, body);
  const image = decodeImage(req.ImageBase64);
  const magic = tencentOcrMarkerSchema.safeParse(findJsonMarker(image, OCR_PREFIX));
  if (magic.success && magic.data.error) throw new TencentError(magic.data.error, 'sandbox magic');
  const asked = await ask(app, '/ocr/v1/id-card', {
    side: req.CardSide ?? 'FRONT',
    imageBase64: req.ImageBase64,
  });
  const read = ocrResponseSchema.parse(asked.body);
  if (!read.isIdCard) throw new TencentError('FailedOperation.ImageNoIdCard', '照片未检测到身份证');
  const warn = read.quality.flatMap((flag) => (flag in WARN_OF_FLAG ? [WARN_OF_FLAG[flag]!] : []));
  const advanced = {
    WarnInfos: [...warn, ...(magic.success ? (magic.data.warn ?? []) : [])],
    Quality:
      magic.success && magic.data.quality !== undefined
        ? magic.data.quality
        : read.quality.includes('BLURRED')
          ? 30
          : 95,
    BorderCodeValue: read.quality.includes('PARTLY_UNREADABLE') ? 80 : 10,
  };
  const { name, idNumber, validUntil } = read.fields;
  const sideFields =
    read.side === 'FRONT'
      ? { Name: name ?? '', IdNum: idNumber ?? '', Sex: '', Nation: '汉', Birth: '', Address: '' }
      : {
          Authority: '沙箱市公安局',
          ValidDate: validUntil === undefined ? '' : `2020.01.01-${dotted(validUntil)}`,
        };
  return { ...sideFields, AdvancedInfo: JSON.stringify(advanced) };
}

const IDENTITY_RESULT: Record<string, string> = { MATCH: '0', MISMATCH: '-1', NOT_FOUND: '-5' };

async function idCardVerification(app: FastifyInstance, body: unknown): Promise<TencentAnswer> {
  const req = parse(idCardVerificationRequestSchema, body);
  const magic = nameMagic(req.Name);
  if (magic) return magic;
  let asked: { body: unknown };
  try {
    asked = await ask(app, '/identity/v1/verify', { name: req.Name, idNumber: req.IdCard });
  } catch (err) {
    // The register's own busy code rather than a platform error: what Tencent answers for it.
    if (err instanceof TencentError && err.code === 'InternalError')
      return { Result: '-4', Description: '证件库服务异常' };
    throw err;
  }
  const result = (asked.body as { result: string }).result;
  return { Result: IDENTITY_RESULT[result] ?? '-4', Description: result };
}

const CARD_RESULT: Record<string, string> = {
  MATCH: '0',
  MISMATCH: '-1',
  CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED: '-6',
  CARD_REPORTED_LOST: '-12',
  CARD_EXPIRED: '-13',
  CARD_RESTRICTED: '-14',
  PIN_TRIES_EXCEEDED: '-15',
  DAILY_CHECKS_EXCEEDED: '-18',
};

async function bankCardVerification(app: FastifyInstance, body: unknown): Promise<TencentAnswer> {
  const req = parse(bankCardVerificationRequestSchema, body);
  const magic = nameMagic(req.Name);
  if (magic) return magic;
  let asked: { body: unknown };
  try {
    // Tencent has no idempotency key. The contract's scripted answers (busy, then a match) go by
    // key, so the same elements share one: asked again, they get the contract's next answer.
    const elements = createHash('sha256').update(`${req.Name}|${req.IdCard}|${req.BankCard}`).digest('hex');
    asked = await ask(
      app,
      '/unionpay/v1/three-elements',
      { name: req.Name, idNumber: req.IdCard, cardNumber: req.BankCard },
      `tencentcloud:${elements}`,
    );
  } catch (err) {
    if (err instanceof TencentError && err.code === 'InternalError')
      return { Result: '-17', Description: '验证中心服务繁忙' };
    throw err;
  }
  const result = (asked.body as { result: string }).result;
  return { Result: CARD_RESULT[result] ?? '-17', Description: result };
}

/** At or above, ImageRecognition answers Success (the vendor's recommended mark, 70). */
const SUCCESS_SIM = 70;

async function imageRecognition(app: FastifyInstance, body: unknown): Promise<TencentAnswer> {
  const req = parse(imageRecognitionRequestSchema, body);
  const magic = nameMagic(req.Name);
  if (magic) return magic;
  const marker = tencentFaceMarkerSchema.safeParse(findJsonMarker(decodeImage(req.ImageBase64), FACE_PREFIX));
  if (marker.success) {
    const { result, sim } = marker.data;
    if (result.startsWith('FailedOperation.') || result === 'Success') {
      return { Result: result, Description: 'sandbox magic', ...(sim !== undefined && { Sim: sim }) };
    }
    throw new TencentError(result, 'sandbox magic');
  }
  const asked = await ask(app, '/face/v1/verify', { selfieBase64: req.ImageBase64, idNumber: req.IdCard });
  const face = faceResponseSchema.parse(asked.body);
  if (face.liveness === 'SPOOF')
    return { Result: 'FailedOperation.LifePhotoDetectFake', Description: '假体', Sim: 0 };
  const sim = Math.round(face.similarity * 10_000) / 100;
  return sim >= SUCCESS_SIM
    ? { Result: 'Success', Description: '成功', Sim: sim }
    : { Result: 'FailedOperation.CompareLowSimilarity', Description: '比对相似度未达到通过标准', Sim: sim };
}
