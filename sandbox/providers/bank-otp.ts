/**
 * The bank's own SMS one-time-code gateway: the code the bank sends the holder's mobile when it
 * signs a payment agreement with them (协议支付: the bank verifies its customer itself, not the
 * payment institution). Unlike UnionPay's codes it checks no elements: it sends and it verifies.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { otpSendRequestSchema, otpVerifyRequestSchema } from '../../contracts/providers';
import { catalogue } from '../catalogue';
import { HttpError, parseOr400, requireIdempotencyKey } from '../http';
import { fingerprintOf, type StoredAnswer } from '../idempotency';
import type { ProvidersStore } from './store';
import { newSmsCode } from './unionpay';

const SEND_SCOPE = 'sms.otp';
const { rules } = catalogue.providers.bankOtp;
const MAGIC_CODES = new Set(rules.map((rule) => rule.code));

export interface BankOtpOptions {
  store: ProvidersStore;
  now: () => Date;
  ttlSeconds: number;
}

function sendOtp(
  opts: BankOtpOptions,
  body: z.output<typeof otpSendRequestSchema>,
  key: string,
): StoredAnswer {
  const { store } = opts;
  const fingerprint = fingerprintOf(body);
  return store.transaction(() => {
    const seen = store.idempotency.lookup(SEND_SCOPE, key, fingerprint);
    if (seen.kind === 'REUSED') {
      throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with another body');
    }
    // A retried send answers the otp already sent: the holder gets one code, not one per retry.
    if (seen.kind === 'REPLAY') return seen.answer;
    const now = opts.now();
    const otpId = randomUUID();
    const expiresAtMs = now.getTime() + opts.ttlSeconds * 1000;
    store.createOtp(
      { otpId, mobile: body.mobile, purpose: body.purpose, code: newSmsCode(MAGIC_CODES), expiresAtMs },
      now,
    );
    const answer = { status: 201, body: { otpId, expiresAt: new Date(expiresAtMs).toISOString() } };
    store.idempotency.save(SEND_SCOPE, key, fingerprint, answer, now);
    return answer;
  });
}

function verifyOtp(opts: BankOtpOptions, body: z.output<typeof otpVerifyRequestSchema>): StoredAnswer {
  const { store } = opts;
  return store.transaction(() => {
    const otp = store.findOtp(body.otpId);
    if (!otp) throw new HttpError(404, 'OTP_NOT_FOUND', 'no such otpId');
    const magic = rules.find((rule) => rule.code === body.code);
    if (magic) return magic.answer;
    const right = body.code === otp.code;
    // Once matched, the same code matches for good: a verify retried after its answer was lost
    // (possibly past the lifetime) must not turn a signed agreement into an expired one.
    if (right && otp.matched) return { status: 200, body: { result: 'MATCH' } };
    if (opts.now().getTime() >= otp.expiresAtMs) return { status: 200, body: { result: 'EXPIRED' } };
    if (!right) return { status: 200, body: { result: 'MISMATCH' } };
    store.markOtpMatched(otp.otpId);
    return { status: 200, body: { result: 'MATCH' } };
  });
}

export function registerBankOtpRoutes(app: FastifyInstance, opts: BankOtpOptions): void {
  app.post('/sms/v1/otp', async (request, reply) => {
    const key = requireIdempotencyKey(request);
    const answer = sendOtp(opts, parseOr400(otpSendRequestSchema, request.body), key);
    return reply.status(answer.status).send(answer.body);
  });

  app.post('/sms/v1/otp/verify', async (request, reply) => {
    const answer = verifyOtp(opts, parseOr400(otpVerifyRequestSchema, request.body));
    return reply.status(answer.status).send(answer.body);
  });
}
