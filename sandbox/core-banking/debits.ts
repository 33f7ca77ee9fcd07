/**
 * Agreement debits: an institution takes money from an account only under an active agreement of
 * its own, within the agreement's limits, the account class's caps and the balance, and never
 * from a restricted account. Idempotent by (institution, reference); a refusal records nothing,
 * so the same debit sent again after the cause is gone (a hold lifted, a new day) can settle.
 */
import type { FastifyInstance } from 'fastify';
import { type Debit, debitRequestSchema, debitSchema } from '../../contracts/core-banking-payments';
import { todayInChina } from '../../domain/china-time';
import { cnyOf, fenOf } from '../../domain/cny';
import { HttpError, parseOr400 } from '../http';
import { fingerprintOf } from '../idempotency';
import { capsOf, debitRefusal, NOT_ACTIVE_MESSAGE } from './money-rules';
import type { CoreBankingStore } from './store';

const NO_AGREEMENT = { reason: 'AGREEMENT_NOT_ACTIVE', message: NOT_ACTIVE_MESSAGE } as const;

/** Each institution's references are its own: two institutions may both send reference "1". */
const scopeOf = (institution: string) => `core.debit.${institution}`;

export function registerDebitRoutes(app: FastifyInstance, store: CoreBankingStore, now: () => Date): void {
  app.post('/core/v1/debits', async (request, reply) => {
    const body = parseOr400(debitRequestSchema, request.body);
    const amountFen = fenOf(body.amountCny);
    const fingerprint = fingerprintOf({
      agreementNumber: body.agreementNumber,
      amountFen,
      payee: body.payee ?? null,
    });
    const answer = store.transaction(() => {
      const seen = store.idempotency.lookup(scopeOf(body.institution), body.reference, fingerprint);
      if (seen.kind === 'REUSED') {
        throw new HttpError(
          409,
          'REFERENCE_REUSED',
          'this institution already settled a different debit under this reference',
        );
      }
      if (seen.kind === 'REPLAY') return { status: 200, debit: debitSchema.parse(seen.answer.body) };

      const at = now();
      const chinaDate = todayInChina(at);
      const agreement = store.payments.getAgreement(body.agreementNumber);
      const account = agreement && store.getAccount(agreement.agreement.accountNumber);
      const refusal =
        agreement && account
          ? debitRefusal({
              agreement,
              institution: body.institution,
              payee: body.payee,
              amountFen,
              chinaDate,
              status: account.status,
              agreementTodayFen: store.payments.debitedUnder(body.agreementNumber, chinaDate),
              out: store.payments.capTotals(account.accountNumber, 'OUT', chinaDate),
              caps: capsOf(account.limits),
              balanceFen: store.payments.balanceFen(account.accountNumber),
            })
          : NO_AGREEMENT;
      if (refusal || !account) {
        const { reason, message } = refusal ?? NO_AGREEMENT;
        throw new HttpError(422, 'DEBIT_REFUSED', message, { reason });
      }

      const entry = store.payments.append({
        accountNumber: account.accountNumber,
        at,
        chinaDate,
        kind: 'AGREEMENT_DEBIT',
        amountFen,
        // Agreement debits are payments to non-bound accounts: inside the class caps.
        countsTowardsCaps: true,
        agreementNumber: body.agreementNumber,
        institution: body.institution,
        reference: body.reference,
        ...(body.payee !== undefined && { payee: body.payee }),
      });
      // A QUICK_PAY debit is the holder paying (they confirm each one in the institution's app);
      // an ENTRUSTED one is the payee collecting under a standing mandate: not the holder's act,
      // so it keeps no account awake (the mandate's signing did, once).
      if (agreement.agreement.scope === 'QUICK_PAY')
        store.recordCustomerActivity(account.accountNumber, entry.at);
      const debit: Debit = {
        debitId: entry.entryId,
        status: 'SETTLED',
        agreementNumber: body.agreementNumber,
        accountNumber: account.accountNumber,
        institution: body.institution,
        amountCny: cnyOf(amountFen),
        reference: body.reference,
        ...(body.payee !== undefined && { payee: body.payee }),
        settledAt: entry.at,
      };
      store.idempotency.save(
        scopeOf(body.institution),
        body.reference,
        fingerprint,
        { status: 201, body: debit },
        at,
      );
      return { status: 201, debit };
    });
    return reply.status(answer.status).send(answer.debit);
  });
}
