/**
 * Agreements as core banking keeps them: the bank's service registers one after signing it with
 * the customer (the SMS step is the bank's, not core banking's), under the number it issued;
 * cancelling is final. Debits (debits.ts) need an active one.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type Agreement,
  agreementNumberSchema,
  registerAgreementRequestSchema,
} from '../../contracts/core-banking-payments';
import { cnyOf, fenOf } from '../../domain/cny';
import { HttpError, parseOr400 } from '../http';
import { fingerprintOf } from '../idempotency';
import { accountOr404 } from './accounts';
import type { CoreBankingStore } from './store';

const agreementParamsSchema = z.object({ agreementNumber: agreementNumberSchema });
const accountParamsSchema = z.object({ accountNumber: z.string() });

function agreementOr404(store: CoreBankingStore, agreementNumber: string): Agreement {
  const stored = store.payments.getAgreement(agreementNumber);
  if (!stored) throw new HttpError(404, 'AGREEMENT_NOT_FOUND', 'no such agreement');
  return stored.agreement;
}

export function registerAgreementRoutes(
  app: FastifyInstance,
  store: CoreBankingStore,
  now: () => Date,
): void {
  app.put('/core/v1/agreements/:agreementNumber', async (request, reply) => {
    const { agreementNumber } = parseOr400(agreementParamsSchema, request.params, 'path');
    const body = parseOr400(registerAgreementRequestSchema, request.body);
    if (fenOf(body.perDebitLimitCny) > fenOf(body.dailyLimitCny)) {
      throw new HttpError(400, 'BAD_REQUEST', 'body.perDebitLimitCny: must not be more than dailyLimitCny');
    }
    // "12.5" and "12.50" are the same limit: the fingerprint sees amounts as fen.
    const fingerprint = fingerprintOf({
      ...body,
      perDebitLimitCny: cnyOf(fenOf(body.perDebitLimitCny)),
      dailyLimitCny: cnyOf(fenOf(body.dailyLimitCny)),
    });
    const answer = store.transaction(() => {
      const known = store.payments.getAgreement(agreementNumber);
      if (known) {
        if (known.fingerprint !== fingerprint) {
          throw new HttpError(
            409,
            'AGREEMENT_NUMBER_REUSED',
            'this agreement number is registered with other terms; a new agreement needs a new number',
          );
        }
        // As it is now: a late retry of the registration cannot revive a cancelled agreement.
        return { status: 200, agreement: known.agreement };
      }
      const account = accountOr404(store, body.accountNumber);
      if (account.status === 'CLOSED') throw new HttpError(422, 'ACCOUNT_CLOSED', 'the account is closed');
      const at = now();
      store.payments.insertAgreement(agreementNumber, body, fingerprint, at);
      // Signing an agreement is the holder's own act (the bank registers it after they sign).
      store.recordCustomerActivity(body.accountNumber, at.toISOString());
      return { status: 201, agreement: agreementOr404(store, agreementNumber) };
    });
    return reply.status(answer.status).send(answer.agreement);
  });

  app.get('/core/v1/agreements/:agreementNumber', async (request) => {
    const { agreementNumber } = parseOr400(agreementParamsSchema, request.params, 'path');
    return agreementOr404(store, agreementNumber);
  });

  /** 解约: final, and idempotent (cancelling again answers the agreement as first cancelled). */
  app.delete('/core/v1/agreements/:agreementNumber', async (request) => {
    const { agreementNumber } = parseOr400(agreementParamsSchema, request.params, 'path');
    return store.transaction(() => {
      agreementOr404(store, agreementNumber);
      store.payments.cancelAgreement(agreementNumber, 'REQUESTED', now());
      return agreementOr404(store, agreementNumber);
    });
  });

  app.get('/core/v1/accounts/:accountNumber/agreements', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    accountOr404(store, accountNumber);
    return { agreements: store.payments.agreementsOf(accountNumber) };
  });
}
