/**
 * An account in the APPEALED state of a bank restriction, made through the API as staff and the
 * holder make it: an operator proposes, a supervisor confirms, the holder's session appeals with
 * their own photos and the re-verification passes. For the console's APPEALED list (issue 23 part 4).
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { BankRestrictionCase } from '../../domain/bank-restrictions';
import { bearer } from './api';
import { type Harness, openCleanly } from './harness';
import { eventually, newPhotos } from './review';

export interface AppealedAccount {
  accountNumber: string;
  applicationId: string;
  name: string;
  case: BankRestrictionCase;
}

export async function openAppealed(h: Harness, api: FastifyInstance): Promise<AppealedAccount> {
  const { req, accountNumber } = await openCleanly(h);
  const restrict = (role: 'operator' | 'supervisor', note: string) =>
    api.inject({
      method: 'POST',
      url: `/v1/accounts/${accountNumber}/restrictions`,
      headers: bearer(role, role === 'operator' ? 'op-alice' : undefined),
      payload: { category: 'SUSPECTED_ACCOUNT_TRADING', note },
    });
  expect((await restrict('operator', 'many small credits')).statusCode).toBe(202);
  expect((await restrict('supervisor', 'confirmed')).statusCode).toBe(201);
  const session = await api.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: bearer('app'),
    payload: { accountNumber },
  });
  const appeal = await api.inject({
    method: 'POST',
    url: `/v1/accounts/${accountNumber}/re-verifications`,
    headers: { authorization: `Bearer ${session.json().sessionToken}` },
    payload: {
      documents: await newPhotos(h, req.applicant),
      intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true },
    },
  });
  expect(appeal.statusCode).toBe(202);
  const view = async () =>
    (await api.inject({ url: `/v1/accounts/${accountNumber}`, headers: bearer('operator') })).json()
      .bankRestriction as BankRestrictionCase | undefined;
  const appealed = await eventually(view, (c) => c?.status === 'APPEALED', 300);
  if (appealed?.status !== 'APPEALED') throw new Error(`appeal not passed: ${appealed?.status}`);
  return { accountNumber, applicationId: req.applicationId, name: req.applicant.name, case: appealed };
}
