/**
 * HTTP adapter for core banking's payment API: agreements, debits, credits and the ledger. Core
 * banking's answers (a refusal and its reason) become values; faults stay retryable failures
 * (json-client.ts), and an answer no caller should ever get is a non-retryable contract error.
 */
import { ApplicationFailure } from '@temporalio/common';
import { coreErrorSchema } from '../../contracts/core-banking';
import {
  accountLedgerSchema,
  agreementListSchema,
  agreementSchema,
  creditAnswerSchema,
  creditRefusedSchema,
  debitRefusedSchema,
  debitSchema,
} from '../../contracts/core-banking-payments';
import type { CoreBanking } from '../ports';
import { CONTRACT, callJson, expect, type JsonAnswer } from './json-client';

type Payments = Pick<
  CoreBanking,
  | 'registerAgreement'
  | 'cancelAgreement'
  | 'getAgreement'
  | 'listAgreements'
  | 'debit'
  | 'credit'
  | 'getLedger'
>;

const errorOf = (answer: JsonAnswer): string | undefined => {
  const parsed = coreErrorSchema.safeParse(answer.body);
  return parsed.success ? parsed.data.error : undefined;
};

export function httpCoreBankingPayments(baseUrl: string): Payments {
  const agreementUrl = (n: string) => `${baseUrl}/core/v1/agreements/${encodeURIComponent(n)}`;
  const accountUrl = (n: string) => `${baseUrl}/core/v1/accounts/${encodeURIComponent(n)}`;

  return {
    async registerAgreement(agreementNumber, agreement) {
      const answer = await callJson(agreementUrl(agreementNumber), { method: 'PUT', body: agreement });
      if (answer.status === 404 && errorOf(answer) === 'ACCOUNT_NOT_FOUND')
        return { refused: 'ACCOUNT_NOT_FOUND' };
      if (answer.status === 422 && errorOf(answer) === 'ACCOUNT_CLOSED') return { refused: 'ACCOUNT_CLOSED' };
      if (answer.status === 409) {
        // The bank issues agreement numbers: two terms under one number is our bug, not a retry.
        throw ApplicationFailure.nonRetryable('agreement number registered with other terms', CONTRACT);
      }
      return { registered: expect(answer, [200, 201], agreementSchema) };
    },

    async cancelAgreement(agreementNumber) {
      const answer = await callJson(agreementUrl(agreementNumber), { method: 'DELETE' });
      if (answer.status === 404) return undefined;
      return expect(answer, [200], agreementSchema);
    },

    async getAgreement(agreementNumber) {
      const answer = await callJson(agreementUrl(agreementNumber));
      if (answer.status === 404) return undefined;
      return expect(answer, [200], agreementSchema);
    },

    async listAgreements(accountNumber) {
      const answer = await callJson(`${accountUrl(accountNumber)}/agreements`);
      if (answer.status === 404) return undefined;
      return expect(answer, [200], agreementListSchema).agreements;
    },

    async debit(request) {
      const answer = await callJson(`${baseUrl}/core/v1/debits`, { body: request });
      if (answer.status === 422) {
        const refused = debitRefusedSchema.safeParse(answer.body);
        if (refused.success) return { refused: refused.data.reason };
      }
      if (answer.status === 409 && errorOf(answer) === 'REFERENCE_REUSED')
        return { refused: 'REFERENCE_REUSED' };
      return { settled: expect(answer, [200, 201], debitSchema), replayed: answer.status === 200 };
    },

    async credit(accountNumber, credit, idempotencyKey) {
      const answer = await callJson(
        `${baseUrl}/sandbox/accounts/${encodeURIComponent(accountNumber)}/credits`,
        { body: credit, ...(idempotencyKey && { idempotencyKey }) },
      );
      if (answer.status === 422) {
        const refused = creditRefusedSchema.safeParse(answer.body);
        if (refused.success) return { refused: refused.data.reason };
      }
      const { entry, balanceCny } = expect(answer, [200, 201], creditAnswerSchema);
      return { credited: entry, balanceCny };
    },

    async getLedger(accountNumber, page = {}) {
      const query = new URLSearchParams();
      if (page.afterSeq !== undefined) query.set('afterSeq', String(page.afterSeq));
      if (page.limit !== undefined) query.set('limit', String(page.limit));
      const answer = await callJson(`${accountUrl(accountNumber)}/ledger${query.size ? `?${query}` : ''}`);
      if (answer.status === 404) return undefined;
      return expect(answer, [200], accountLedgerSchema);
    },
  };
}
