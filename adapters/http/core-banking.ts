/** HTTP adapter for the core banking system's account API (payments: core-banking-payments.ts). */
import {
  accountHolderSchema,
  accountListSchema,
  accountSchema,
  coreErrorSchema,
  holderCheckResponseSchema,
  idExpiringListSchema,
  idleListSchema,
  reVerificationDueListSchema,
} from '../../contracts/core-banking';
import type { CoreBanking } from '../ports';
import { httpCoreBankingPayments } from './core-banking-payments';
import { callJson, expect } from './json-client';

export function httpCoreBanking(baseUrl: string): CoreBanking {
  return {
    ...httpCoreBankingPayments(baseUrl),
    async openClassII(applicant, channel, reference, partnerId, opts = {}) {
      const answer = await callJson(`${baseUrl}/core/v1/accounts`, {
        body: {
          customer: applicant,
          accountClass: 'II',
          channel,
          ...(partnerId && { partnerId }),
          reference,
          // Left out when unknown, so a retry of an opening sent before this existed sends the same body.
          ...(opts.idValidUntil && { idValidUntil: opts.idValidUntil }),
          ...(opts.riskRating && { riskRating: opts.riskRating }),
          ...(opts.limits && { limits: opts.limits }),
        },
        idempotencyKey: `${reference}:open-account`,
      });
      if (answer.status === 409) {
        const err = coreErrorSchema.safeParse(answer.body);
        if (err.success && err.data.error === 'PERSON_ACCOUNT_CAP_REACHED') {
          return { refused: 'PERSON_ACCOUNT_CAP_REACHED' };
        }
      }
      return { opened: expect(answer, [200, 201], accountSchema) };
    },
    async bind(accountNumber, bound, idempotencyKey) {
      const answer = await callJson(`${baseUrl}/core/v1/accounts/${accountNumber}/binding`, {
        body: bound,
        idempotencyKey,
      });
      // Core banking answers the whole account; the port answers the binding it now has.
      return expect(answer, [200, 201], accountSchema).binding;
    },
    async listAccountsOpened(from, to) {
      const query = new URLSearchParams({ openedFrom: from.toISOString(), openedTo: to.toISOString() });
      const answer = await callJson(`${baseUrl}/core/v1/accounts?${query}`, { timeoutMs: 30_000 });
      return expect(answer, [200], accountListSchema).accounts;
    },
    async checkHolder(accountNumber, holder) {
      const answer = await callJson(
        `${baseUrl}/core/v1/accounts/${encodeURIComponent(accountNumber)}/holder-check`,
        { body: { name: holder.name, idNumber: holder.idNumber, mobile: holder.mobile } },
      );
      if (answer.status === 404) return undefined;
      return expect(answer, [200], holderCheckResponseSchema);
    },
    async getHolder(accountNumber) {
      const answer = await callJson(
        `${baseUrl}/core/v1/accounts/${encodeURIComponent(accountNumber)}/holder`,
      );
      if (answer.status === 404) return undefined;
      return expect(answer, [200], accountHolderSchema);
    },
    async recordIdValidity(accountNumber, validUntil) {
      const answer = await callJson(
        `${baseUrl}/core/v1/accounts/${encodeURIComponent(accountNumber)}/id-validity`,
        { method: 'PUT', body: { validUntil } },
      );
      expect(answer, [200], accountSchema);
    },
    async listIdExpiring(before, page) {
      const query = new URLSearchParams({ before, limit: String(page.limit) });
      if (page.after !== undefined) query.set('after', page.after);
      if (page.from !== undefined) query.set('from', page.from);
      const answer = await callJson(`${baseUrl}/core/v1/accounts/id-expiring?${query}`, {
        timeoutMs: 30_000,
      });
      return expect(answer, [200], idExpiringListSchema);
    },
    async listReVerificationDue(before, page) {
      const query = new URLSearchParams({ before, limit: String(page.limit) });
      if (page.unscheduledOpenedBefore !== undefined)
        query.set('unscheduledOpenedBefore', page.unscheduledOpenedBefore);
      if (page.after !== undefined) query.set('after', page.after);
      if (page.from !== undefined) query.set('from', page.from);
      const answer = await callJson(`${baseUrl}/core/v1/accounts/re-verification-due?${query}`, {
        timeoutMs: 30_000,
      });
      return expect(answer, [200], reVerificationDueListSchema);
    },
    async recordReVerificationDue(accountNumber, dueAt) {
      const answer = await callJson(
        `${baseUrl}/core/v1/accounts/${encodeURIComponent(accountNumber)}/re-verification-due`,
        { method: 'PUT', body: { dueAt } },
      );
      expect(answer, [200], accountSchema);
    },
    async listIdle(before, page) {
      const query = new URLSearchParams({ before, limit: String(page.limit) });
      if (page.from !== undefined) query.set('from', page.from);
      if (page.after !== undefined) query.set('after', page.after);
      const answer = await callJson(`${baseUrl}/core/v1/accounts/idle?${query}`, { timeoutMs: 30_000 });
      return expect(answer, [200], idleListSchema);
    },
    async recordCustomerActivity(accountNumber, activity) {
      const answer = await callJson(
        `${baseUrl}/core/v1/accounts/${encodeURIComponent(accountNumber)}/customer-activity`,
        { body: activity },
      );
      expect(answer, [200], accountSchema);
    },
    async getAccount(accountNumber) {
      const answer = await callJson(`${baseUrl}/core/v1/accounts/${encodeURIComponent(accountNumber)}`);
      if (answer.status === 404) return undefined;
      return expect(answer, [200], accountSchema);
    },
    async findAccountsByReference(reference) {
      const answer = await callJson(
        `${baseUrl}/core/v1/accounts/by-reference/${encodeURIComponent(reference)}`,
      );
      return expect(answer, [200], accountListSchema).accounts;
    },
    async placeHold(accountNumber, hold) {
      const answer = await callJson(`${baseUrl}/core/v1/accounts/${accountNumber}/holds`, {
        body: hold,
        // Names the account: a hold id may recur across accounts (an ID-expiry hold's is its end
        // date and stage), and a core banking that answers a known key with its first answer would
        // otherwise replay one account's answer for another's hold.
        idempotencyKey: `${accountNumber}:${hold.holdId}`,
      });
      expect(answer, [200, 201], accountSchema);
    },
    async liftHold(accountNumber, holdId) {
      const answer = await callJson(
        `${baseUrl}/core/v1/accounts/${accountNumber}/holds/${encodeURIComponent(holdId)}`,
        { method: 'DELETE' },
      );
      expect(answer, [200], accountSchema);
    },
    async closeAccount(accountNumber, reason) {
      const answer = await callJson(
        `${baseUrl}/core/v1/accounts/${encodeURIComponent(accountNumber)}/close`,
        {
          body: { reason },
        },
      );
      if (answer.status === 409 && coreErrorSchema.safeParse(answer.body).data?.error === 'BALANCE_REMAINS') {
        return { refused: 'BALANCE_REMAINS' };
      }
      return { closed: expect(answer, [200], accountSchema) };
    },
  };
}
