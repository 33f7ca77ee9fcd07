/**
 * The payment-network simulator: plays the payment institutions (WeChat Pay, UnionPay, JD Pay)
 * against the bank's HTTP API v1 with their tokens, and the holder who types the code the bank
 * sent. It calls the API through the SDK, as an institution's own integration would, so what it
 * shows is what an institution gets. The reference picks the magic behaviour (catalogue.json,
 * `paymentNetwork`); the bank checks everything else and its refusals are relayed.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { smsInboxResponseSchema } from '../../contracts/providers';
import { type Institution, institutionSchema } from '../../domain/agreements';
import { ApiClient, ApiError, type SigningRequestInput } from '../../sdk/client';
import { catalogue, type HolderTypes } from '../catalogue';
import { createServer, HttpError, parseOr400 } from '../http';

export interface PaymentNetworkOptions {
  /** The bank's API, e.g. http://127.0.0.1:8080. */
  apiUrl: string;
  /** The providers sandbox, whose SMS inbox shows the code the bank sent the holder. */
  providersUrl: string;
  /** Each institution's bearer token; an institution without one cannot be played. */
  tokens: Partial<Record<Institution, string>>;
  /** How the simulator reaches the API and the inbox (a test's, say); the global fetch unless given. */
  fetch?: typeof fetch;
  logger?: boolean;
}

const { signing, debits } = catalogue.paymentNetwork;

/** The rest of the body goes to the bank as it is: the bank's schema is the one that decides. */
const simulateSigningSchema = z.looseObject({
  institution: institutionSchema,
  reference: z.string().optional(),
  holder: z.looseObject({ mobile: z.string() }),
});
const simulateDebitSchema = z.looseObject({
  institution: institutionSchema,
  reference: z.string().optional(),
});
const cancelParamsSchema = z.object({ agreementId: z.string().min(1) });
const cancelQuerySchema = z.object({ institution: institutionSchema.optional() });

/** A code the bank did not send; never 000000, which the sandbox answers EXPIRED whatever was sent. */
const wrongCode = (code: string) => (code === '111111' ? '222222' : '111111');

/** The statuses the bank answered, in order: what the SDK's answers alone do not show (201 or 200). */
type Answered = number[];

export function buildPaymentNetworkSimulator(opts: PaymentNetworkOptions): FastifyInstance {
  const app = createServer({ logger: opts.logger });
  const fetchOf = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const clientOf = (institution: Institution, answered: Answered = []) => {
    const token = opts.tokens[institution];
    if (!token) throw new HttpError(400, 'NO_TOKEN', `the simulator has no token for ${institution}`);
    return new ApiClient({
      baseUrl: opts.apiUrl,
      token,
      fetch: async (input, init) => {
        const res = await fetchOf(input, init);
        answered.push(res.status);
        return res;
      },
    });
  };

  /** The last code sent to the mobile; the bank sends it before it answers AWAITING_SMS_CODE. */
  async function codeSentTo(mobile: string): Promise<string> {
    const res = await fetchOf(`${opts.providersUrl}/sandbox/sms?mobile=${encodeURIComponent(mobile)}`);
    if (!res.ok)
      throw new HttpError(502, 'NO_CODE', `the SMS inbox has no code for this mobile (${res.status})`);
    return smsInboxResponseSchema.parse(await res.json()).code;
  }

  app.get('/sandbox/catalogue', async () => catalogue);

  app.post('/simulate/agreements', async (request) => {
    const body = parseOr400(simulateSigningSchema, request.body);
    const { institution, ...rest } = body;
    const reference = body.reference ?? `sim-${randomUUID()}`;
    const rule = signing.rules.find((r) => reference.startsWith(r.referencePrefix)) ?? signing.otherwise;
    const bank = clientOf(institution);
    const steps: Record<string, unknown>[] = [];
    const started = await relay(bank.startAgreement({ ...rest, reference } as SigningRequestInput));
    steps.push({ step: 'START', status: started.status });
    if (started.status === 'AWAITING_SMS_CODE' && rule.holderTypes !== 'NOTHING') {
      const code = await codeSentTo(body.holder.mobile);
      for (const typed of typing(rule.holderTypes)) {
        const answer = await relay(
          bank.submitAgreementCode(started.agreementId, typed ? code : wrongCode(code)),
        );
        steps.push({ step: 'CODE', typed: typed ? 'RIGHT' : 'WRONG', ...answer });
        if (answer.status !== 'WRONG_CODE') break;
      }
    }
    const signed = await relay(bank.getAgreement(started.agreementId));
    return { ...signed, reference, holderTyped: rule.holderTypes, steps };
  });

  app.post('/simulate/debits', async (request) => {
    const { institution, ...rest } = parseOr400(simulateDebitSchema, request.body);
    const reference = rest.reference ?? `sim-${randomUUID()}`;
    const rule = debits.rules.find((r) => reference.startsWith(r.referencePrefix)) ?? debits.otherwise;
    const answered: Answered = [];
    const bank = clientOf(institution, answered);
    const sends: Record<string, unknown>[] = [];
    let settled: Awaited<ReturnType<ApiClient['debit']>> | undefined;
    for (let i = 0; i < rule.sends; i++) {
      try {
        settled = await bank.debit({ ...rest, reference } as Parameters<ApiClient['debit']>[0]);
        sends.push({ answered: answered.at(-1), debitId: settled.debitId });
      } catch (err) {
        // A refusal is an answer to show; anything else (a 409, a 400) is relayed as the bank's.
        if (!(err instanceof ApiError && err.status === 422 && err.reason)) throw bankError(err);
        sends.push({ answered: err.status, reason: err.reason });
      }
    }
    const last = sends.at(-1) ?? {};
    return settled && last.debitId
      ? { status: 'SETTLED', reference, debit: settled, sends }
      : { status: 'REFUSED', reference, reason: last.reason, sends };
  });

  app.delete('/simulate/agreements/:agreementId', async (request) => {
    const { agreementId } = parseOr400(cancelParamsSchema, request.params, 'params');
    const { institution } = parseOr400(cancelQuerySchema, request.query, 'query');
    // Without ?institution= each institution asks in turn: the bank answers 404 for another's.
    const candidates = institution
      ? [institution]
      : institutionSchema.options.filter((i) => opts.tokens[i] !== undefined);
    for (const candidate of candidates) {
      try {
        const cancelled = await clientOf(candidate).cancelAgreement(agreementId);
        return { agreementId, institution: candidate, ...cancelled };
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404) || institution) throw bankError(err);
      }
    }
    throw new HttpError(404, 'AGREEMENT_NOT_FOUND', 'no institution the simulator plays has this agreement');
  });

  return app;
}

/** What the holder types, in order: true the code sent, false a wrong one. */
function typing(holderTypes: Exclude<HolderTypes, 'NOTHING'>): boolean[] {
  switch (holderTypes) {
    case 'RIGHT':
      return [true];
    case 'WRONG_THEN_RIGHT':
      return [false, true];
    // More than any policy allows (at most 10 tries): the loop stops at the bank's refusal.
    case 'WRONG_UNTIL_REFUSED':
      return Array.from({ length: 11 }, () => false);
  }
}

const relay = <T>(call: Promise<T>): Promise<T> =>
  call.catch((err: unknown) => {
    throw bankError(err);
  });

/** The bank's refusal with its own status and details; a bank that failed or could not be reached, 502. */
function bankError(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof ApiError) {
    const status = err.status >= 400 && err.status < 500 ? err.status : 502;
    return new HttpError(status, 'BANK_REFUSED', err.detail, {
      bank: {
        status: err.status,
        title: err.title,
        ...(err.errors.length && { errors: err.errors }),
        ...(err.reason && { reason: err.reason }),
        ...(err.retryAfterSeconds !== undefined && { retryAfterSeconds: err.retryAfterSeconds }),
      },
    });
  }
  return new HttpError(502, 'BANK_UNREACHABLE', err instanceof Error ? err.message : String(err));
}
