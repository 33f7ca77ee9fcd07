/**
 * UnionPay sandbox: the four-elements check (the card's last four digits pick the answer, see
 * catalogue.json) and the SMS-code confirmation that follows a match; the three-elements check
 * (flow v2) answers by the same suffixes, never a phone mismatch, and sends no code.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import {
  fourElementsRequestSchema,
  smsConfirmRequestSchema,
  smsResendRequestSchema,
  threeElementsRequestSchema,
} from '../../contracts/providers';
import { catalogue } from '../catalogue';
import { HttpError, parseOr400, requireIdempotencyKey } from '../http';
import { fingerprintOf, type StoredAnswer } from '../idempotency';
import { hashCardNumber, type ProvidersStore } from './store';

const SCOPE = 'unionpay.four-elements';
const RESEND_SCOPE = 'unionpay.sms-resend';
const THREE_SCOPE = 'unionpay.three-elements';
const fourElements = catalogue.providers.fourElements;
const threeElements = catalogue.providers.threeElements;
/** Three elements: the four-element rules that do not need a phone (the others match). */
const threeElementRules = fourElements.rules.filter(
  (rule) => !threeElements.notApplicableSuffixes.includes(rule.cardSuffix),
);
const smsConfirm = catalogue.providers.smsConfirm;
const MAGIC_CODES = new Set(smsConfirm.rules.map((rule) => rule.code));

export interface UnionPayOptions {
  store: ProvidersStore;
  now: () => Date;
  smsCodeTtlSeconds: number;
}

/** A code the sandbox may send: never a magic one, or a real code could read as "expired". */
export function newSmsCode(magic: ReadonlySet<string> = MAGIC_CODES): string {
  for (;;) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!magic.has(code)) return code;
  }
}

function checkFourElements(
  opts: UnionPayOptions,
  body: z.output<typeof fourElementsRequestSchema>,
  key: string,
): StoredAnswer {
  return checkElements(opts, SCOPE, fourElements.rules, body, key, () => sendCode(opts, body.mobile));
}

function checkThreeElements(
  opts: UnionPayOptions,
  body: z.output<typeof threeElementsRequestSchema>,
  key: string,
): StoredAnswer {
  return checkElements(opts, THREE_SCOPE, threeElementRules, body, key, () => ({
    status: 200,
    body: { result: 'MATCH' },
  }));
}

/** Both checks count towards one daily limit per card, as UnionPay counts checks of a card. */
function checkElements(
  opts: UnionPayOptions,
  scope: string,
  rules: typeof fourElements.rules,
  body: { cardNumber: string },
  key: string,
  onMatch: () => StoredAnswer,
): StoredAnswer {
  const { store } = opts;
  const fingerprint = fingerprintOf(body);
  return store.transaction(() => {
    const seen = store.idempotency.lookup(scope, key, fingerprint);
    if (seen.kind === 'REUSED') {
      throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with another body');
    }
    if (seen.kind === 'REPLAY') return seen.answer;

    const rule =
      rules.find((candidate) => body.cardNumber.endsWith(candidate.cardSuffix)) ?? fourElements.otherwise;
    const attempt = rule.answers.length > 1 ? store.nextAttempt(scope, key) : 0;
    const scripted = rule.answers[Math.min(attempt, rule.answers.length - 1)]!;
    // A busy vendor checked nothing: no counter, no record, so a retry with the same key is a new try.
    if (scripted.status >= 500) return scripted;

    const nowMs = opts.now().getTime();
    const cardHash = hashCardNumber(body.cardNumber);
    const windowStart = nowMs - fourElements.dailyWindowHours * 3600_000;
    let answer: StoredAnswer;
    if (store.countChecksSince(cardHash, windowStart) >= fourElements.dailyChecksPerCard) {
      answer = fourElements.dailyLimitAnswer;
    } else {
      store.recordCheck(cardHash, scope === SCOPE ? key : `${scope}:${key}`, nowMs);
      answer = scripted.body.result === 'MATCH' ? onMatch() : scripted;
    }
    store.idempotency.save(scope, key, fingerprint, answer, opts.now());
    return answer;
  });
}

function sendCode(opts: UnionPayOptions, mobile: string): StoredAnswer {
  const now = opts.now();
  const verificationId = randomUUID();
  const expiresAtMs = now.getTime() + opts.smsCodeTtlSeconds * 1000;
  opts.store.createVerification({ verificationId, mobile, code: newSmsCode(), expiresAtMs }, now);
  return {
    status: 200,
    body: { result: 'MATCH', verificationId, codeExpiresAt: new Date(expiresAtMs).toISOString() },
  };
}

/** A new code for the verification, to the same mobile, with a new lifetime; the old code stops counting. */
function resendCode(
  opts: UnionPayOptions,
  body: z.output<typeof smsResendRequestSchema>,
  key: string,
): StoredAnswer {
  const { store } = opts;
  const fingerprint = fingerprintOf(body);
  return store.transaction(() => {
    const seen = store.idempotency.lookup(RESEND_SCOPE, key, fingerprint);
    if (seen.kind === 'REUSED') {
      throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with another body');
    }
    if (seen.kind === 'REPLAY') return seen.answer;
    const verification = store.findVerification(body.verificationId);
    if (!verification) throw new HttpError(404, 'VERIFICATION_NOT_FOUND', 'no such verificationId');
    const now = opts.now();
    const expiresAtMs = now.getTime() + opts.smsCodeTtlSeconds * 1000;
    store.replaceCode(verification.verificationId, newSmsCode(), expiresAtMs, now);
    const answer = {
      status: 200,
      body: { result: 'SENT', codeExpiresAt: new Date(expiresAtMs).toISOString() },
    };
    store.idempotency.save(RESEND_SCOPE, key, fingerprint, answer, now);
    return answer;
  });
}

function confirmCode(opts: UnionPayOptions, body: z.output<typeof smsConfirmRequestSchema>): StoredAnswer {
  const verification = opts.store.findVerification(body.verificationId);
  if (!verification) throw new HttpError(404, 'VERIFICATION_NOT_FOUND', 'no such verificationId');
  const magic = smsConfirm.rules.find((rule) => rule.code === body.code);
  if (magic) return magic.answer;
  if (opts.now().getTime() >= verification.expiresAtMs) return { status: 200, body: { result: 'EXPIRED' } };
  return { status: 200, body: { result: body.code === verification.code ? 'OK' : 'WRONG_CODE' } };
}

export function registerUnionPayRoutes(app: FastifyInstance, opts: UnionPayOptions): void {
  app.post('/unionpay/v1/four-elements', async (request, reply) => {
    const key = requireIdempotencyKey(request);
    const body = parseOr400(fourElementsRequestSchema, request.body);
    const answer = checkFourElements(opts, body, key);
    return reply.status(answer.status).send(answer.body);
  });

  app.post('/unionpay/v1/three-elements', async (request, reply) => {
    const key = requireIdempotencyKey(request);
    const body = parseOr400(threeElementsRequestSchema, request.body);
    const answer = checkThreeElements(opts, body, key);
    return reply.status(answer.status).send(answer.body);
  });

  app.post('/unionpay/v1/sms-resend', async (request, reply) => {
    const key = requireIdempotencyKey(request);
    const answer = resendCode(opts, parseOr400(smsResendRequestSchema, request.body), key);
    return reply.status(answer.status).send(answer.body);
  });

  app.post('/unionpay/v1/sms-confirm', async (request, reply) => {
    const answer = confirmCode(opts, parseOr400(smsConfirmRequestSchema, request.body));
    return reply.status(answer.status).send(answer.body);
  });
}
