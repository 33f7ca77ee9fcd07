/**
 * UnionPay sandbox: the four-elements check (the card's last four digits pick the answer, see
 * catalogue.json) and the SMS-code confirmation that follows a match.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { fourElementsRequestSchema, smsConfirmRequestSchema } from '../../contracts/providers';
import { catalogue } from '../catalogue';
import { HttpError, parseOr400, requireIdempotencyKey } from '../http';
import { fingerprintOf, type StoredAnswer } from '../idempotency';
import { hashCardNumber, type ProvidersStore } from './store';

const SCOPE = 'unionpay.four-elements';
const fourElements = catalogue.providers.fourElements;
const smsConfirm = catalogue.providers.smsConfirm;
const MAGIC_CODES = new Set(smsConfirm.rules.map((rule) => rule.code));

export interface UnionPayOptions {
  store: ProvidersStore;
  now: () => Date;
  smsCodeTtlSeconds: number;
}

/** A code the sandbox may send: never a magic one, or a real code could read as "expired". */
function newSmsCode(): string {
  for (;;) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!MAGIC_CODES.has(code)) return code;
  }
}

function checkFourElements(
  opts: UnionPayOptions,
  body: z.output<typeof fourElementsRequestSchema>,
  key: string,
): StoredAnswer {
  const { store } = opts;
  const fingerprint = fingerprintOf(body);
  return store.transaction(() => {
    const seen = store.idempotency.lookup(SCOPE, key, fingerprint);
    if (seen.kind === 'REUSED') {
      throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with another body');
    }
    if (seen.kind === 'REPLAY') return seen.answer;

    const rule =
      fourElements.rules.find((candidate) => body.cardNumber.endsWith(candidate.cardSuffix)) ??
      fourElements.otherwise;
    const attempt = rule.answers.length > 1 ? store.nextAttempt(SCOPE, key) : 0;
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
      store.recordCheck(cardHash, key, nowMs);
      answer = scripted.body.result === 'MATCH' ? sendCode(opts, body.mobile) : scripted;
    }
    store.idempotency.save(SCOPE, key, fingerprint, answer, opts.now());
    return answer;
  });
}

function sendCode(opts: UnionPayOptions, mobile: string): StoredAnswer {
  const now = opts.now();
  const verificationId = randomUUID();
  opts.store.createVerification(
    {
      verificationId,
      mobile,
      code: newSmsCode(),
      expiresAtMs: now.getTime() + opts.smsCodeTtlSeconds * 1000,
    },
    now,
  );
  return { status: 200, body: { result: 'MATCH', verificationId } };
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

  app.post('/unionpay/v1/sms-confirm', async (request, reply) => {
    const answer = confirmCode(opts, parseOr400(smsConfirmRequestSchema, request.body));
    return reply.status(answer.status).send(answer.body);
  });
}
