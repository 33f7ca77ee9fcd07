/**
 * An account's balance and ledger, and the sandbox's way to fund an account: a credit from the
 * bound account (outside the class caps) or from anyone else (inside them, like payments out).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { creditRequestSchema, ledgerQuerySchema } from '../../contracts/core-banking-payments';
import { todayInChina } from '../../domain/china-time';
import { cnyOf, fenOf } from '../../domain/cny';
import { HttpError, parseOr400 } from '../http';
import { fingerprintOf } from '../idempotency';
import { accountOr404 } from './accounts';
import { capsOf, creditEntryOf, creditRefusal } from './money-rules';
import type { CoreBankingStore } from './store';

const CREDIT_SCOPE = 'sandbox.credit';
const accountParamsSchema = z.object({ accountNumber: z.string() });
const recordedEntryId = (body: unknown): string => z.object({ entryId: z.string() }).parse(body).entryId;

export function registerLedgerRoutes(app: FastifyInstance, store: CoreBankingStore, now: () => Date): void {
  /** Sandbox only. With an Idempotency-Key the same credit is made once; without one every call credits. */
  app.post('/sandbox/accounts/:accountNumber/credits', async (request, reply) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const body = parseOr400(creditRequestSchema, request.body);
    const key = request.headers['idempotency-key'];
    const amountFen = fenOf(body.amountCny);
    const fingerprint = fingerprintOf({ accountNumber, amountFen, from: body.from });
    const answer = store.transaction(() => {
      if (typeof key === 'string' && key !== '') {
        const seen = store.idempotency.lookup(CREDIT_SCOPE, key, fingerprint);
        if (seen.kind === 'REUSED') {
          throw new HttpError(
            422,
            'IDEMPOTENCY_KEY_REUSED',
            'this Idempotency-Key was used with another request',
          );
        }
        if (seen.kind === 'REPLAY') {
          const entry = store.payments.entry(recordedEntryId(seen.answer.body));
          if (entry) return { status: 200, entry };
        }
      }
      const account = accountOr404(store, accountNumber);
      const at = now();
      const chinaDate = todayInChina(at);
      const refusal = creditRefusal({
        from: body.from,
        amountFen,
        status: account.status,
        bound: store.isBound(accountNumber),
        in: store.payments.capTotals(accountNumber, 'IN', chinaDate),
        caps: capsOf(account.limits),
        balanceFen: store.payments.balanceFen(accountNumber),
      });
      if (refusal) throw new HttpError(422, 'CREDIT_REFUSED', refusal.message, { reason: refusal.reason });
      const entry = store.payments.append({
        accountNumber,
        at,
        chinaDate,
        amountFen,
        ...creditEntryOf(body.from),
      });
      if (typeof key === 'string' && key !== '') {
        store.idempotency.save(
          CREDIT_SCOPE,
          key,
          fingerprint,
          { status: 201, body: { entryId: entry.entryId } },
          at,
        );
      }
      return { status: 201, entry };
    });
    return reply
      .status(answer.status)
      .send({ entry: answer.entry, balanceCny: cnyOf(store.payments.balanceFen(accountNumber)) });
  });

  app.get('/core/v1/accounts/:accountNumber/ledger', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const query = parseOr400(ledgerQuerySchema, request.query, 'query');
    return store.transaction(() => {
      accountOr404(store, accountNumber);
      const chinaDate = todayInChina(now());
      const out = store.payments.capTotals(accountNumber, 'OUT', chinaDate);
      const inflow = store.payments.capTotals(accountNumber, 'IN', chinaDate);
      const page = store.payments.entries(accountNumber, query.afterSeq, query.limit);
      return {
        accountNumber,
        balanceCny: cnyOf(store.payments.balanceFen(accountNumber)),
        capUsage: {
          chinaDate,
          outTodayCny: cnyOf(out.todayFen),
          outThisYearCny: cnyOf(out.thisYearFen),
          inTodayCny: cnyOf(inflow.todayFen),
          inThisYearCny: cnyOf(inflow.thisYearFen),
        },
        entries: page.entries,
        ...(page.more && { nextAfterSeq: page.entries.at(-1)!.seq }),
      };
    });
  });
}
