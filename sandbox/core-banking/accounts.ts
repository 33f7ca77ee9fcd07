/**
 * The core banking account API (contracts/core-banking.ts): open, bind, read (by number, or by
 * the opening's reference), hold, lift and close; check a signing request's holder; keep the
 * holder's ID card validity and list expiring ones.
 */
import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  accountsByReferenceParamsSchema,
  bindRequestSchema,
  type CoreAccount,
  customerActivityRequestSchema,
  holderCheckRequestSchema,
  type IdExpiringList,
  type IdleList,
  idExpiringQuerySchema,
  idleQuerySchema,
  idValidityRequestSchema,
  listAccountsQuerySchema,
  openAccountRequestSchema,
  placeHoldRequestSchema,
  type ReVerificationDueList,
  reVerificationDueQuerySchema,
  reVerificationDueRequestSchema,
  riskRatingRequestSchema,
} from '../../contracts/core-banking';
import { closeAccountRequestSchema } from '../../contracts/core-banking-payments';
import { withLuhnDigit } from '../../domain/bank-card';
import { todayInChina } from '../../domain/china-time';
import { catalogue } from '../catalogue';
import { HttpError, parseOr400, requireIdempotencyKey } from '../http';
import { fingerprintOf } from '../idempotency';
import type { CoreBankingStore, DuePosition, ExpiryPosition } from './store';

const OPEN_SCOPE = 'core.open-account';
const BIND_SCOPE = 'core.bind';
const { accountNumber: numbering, limits } = catalogue.coreBanking;

const accountParamsSchema = z.object({ accountNumber: z.string() });
const holdParamsSchema = accountParamsSchema.extend({ holdId: z.string() });

/** Every instant an account can have been opened at (stored as ISO 8601 strings, compared as text). */
const EVER = { from: '0000-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' };

/** Card-style numbers: the bank's prefix, random digits, and a Luhn check digit like real ones. */
function newAccountNumber(store: CoreBankingStore): string {
  for (;;) {
    let body = numbering.prefix;
    while (body.length < numbering.length - 1) body += String(randomInt(0, 10));
    const candidate = withLuhnDigit(body);
    if (!store.accountExists(candidate)) return candidate;
  }
}

export function accountOr404(store: CoreBankingStore, accountNumber: string): CoreAccount {
  const account = store.getAccount(accountNumber);
  if (!account) throw new HttpError(404, 'ACCOUNT_NOT_FOUND', 'no such account');
  return account;
}

const keyReused = () =>
  new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with another request');

/** Idempotency records point at the account; a replay answers the account as it is now, not a stale copy. */
const recordedAccountNumber = (body: unknown): string =>
  z.object({ accountNumber: z.string() }).parse(body).accountNumber;

/**
 * The id-expiring listing's cursor: where the last page ended, opaque to callers (base64url) so
 * none builds one by hand and the order's columns can change without breaking them.
 */
const cursorSchema = z.tuple([z.iso.date(), z.string().min(1)]);
const cursorOf = (at: ExpiryPosition): string =>
  Buffer.from(JSON.stringify([at.validUntil, at.accountNumber])).toString('base64url');
function positionOf(cursor: string): ExpiryPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success)
    throw new HttpError(400, 'BAD_REQUEST', 'query.after: not a cursor this listing answered');
  return { validUntil: parsed.data[0], accountNumber: parsed.data[1] };
}

/** The re-verification listing's cursor, opaque like the id-expiring one. */
const dueCursorSchema = z.tuple([z.string().min(1), z.string().min(1)]);
const dueCursorOf = (at: DuePosition): string =>
  Buffer.from(JSON.stringify([at.at, at.accountNumber])).toString('base64url');
function duePositionOf(cursor: string): DuePosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = dueCursorSchema.safeParse(decoded);
  if (!parsed.success)
    throw new HttpError(400, 'BAD_REQUEST', 'query.after: not a cursor this listing answered');
  return { at: parsed.data[0], accountNumber: parsed.data[1] };
}

/** Elements compare as a person would write them: spaces around them ignored, an ID number's x is X. */
const sameElement = (a: string, b: string): boolean => a.trim() === b.trim();
const sameIdNumber = (a: string, b: string): boolean => a.trim().toUpperCase() === b.trim().toUpperCase();

/**
 * The class's caps, lowered where the bank asked for less (flow v4: a HIGH-risk holder); never
 * raised: the class's caps are the regulator's.
 */
const limitsAsked = (
  caps: CoreAccount['limits'],
  asked: { dailyCny: number; yearlyCny: number } | undefined,
): CoreAccount['limits'] =>
  asked
    ? {
        ...caps,
        dailyCny: Math.min(caps.dailyCny, asked.dailyCny),
        yearlyCny: Math.min(caps.yearlyCny, asked.yearlyCny),
      }
    : caps;

/** The cap per person and class core banking keeps itself (every channel's accounts count). */
export type PerPersonCaps = Record<CoreAccount['accountClass'], number>;

export function registerAccountRoutes(
  app: FastifyInstance,
  store: CoreBankingStore,
  now: () => Date,
  caps: PerPersonCaps,
): void {
  app.post('/core/v1/accounts', async (request, reply) => {
    const key = requireIdempotencyKey(request);
    const body = parseOr400(openAccountRequestSchema, request.body);
    const fingerprint = fingerprintOf(body);
    const answer = store.transaction(() => {
      const seen = store.idempotency.lookup(OPEN_SCOPE, key, fingerprint);
      if (seen.kind === 'REUSED') throw keyReused();
      if (seen.kind === 'REPLAY')
        return { status: 200, account: accountOr404(store, recordedAccountNumber(seen.answer.body)) };

      const held = store.countAccountsOf(body.customer.idNumber, body.accountClass);
      const cap = caps[body.accountClass];
      if (held >= cap) {
        throw new HttpError(
          409,
          'PERSON_ACCOUNT_CAP_REACHED',
          `this person already holds ${held} Class ${body.accountClass} account(s); the cap is ${cap}`,
        );
      }
      const accountNumber = newAccountNumber(store);
      store.insertAccount({
        accountNumber,
        accountClass: body.accountClass,
        channel: body.channel,
        ...(body.partnerId && { partnerId: body.partnerId }),
        reference: body.reference,
        customer: body.customer,
        limits: limitsAsked(limits[body.accountClass], body.limits),
        openedAt: now().toISOString(),
        ...(body.idValidUntil && { idValidUntil: body.idValidUntil }),
        ...(body.riskRating && { riskRating: body.riskRating }),
        // Stored as every instant here is (toISOString), so the listing compares them as text.
        ...(body.reVerificationDueAt && {
          reVerificationDueAt: new Date(body.reVerificationDueAt).toISOString(),
        }),
      });
      store.idempotency.save(OPEN_SCOPE, key, fingerprint, { status: 201, body: { accountNumber } }, now());
      return { status: 201, account: accountOr404(store, accountNumber) };
    });
    return reply.status(answer.status).send(answer.account);
  });

  app.post('/core/v1/accounts/:accountNumber/binding', async (request) => {
    const key = requireIdempotencyKey(request);
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const body = parseOr400(bindRequestSchema, request.body);
    const fingerprint = fingerprintOf({ accountNumber, ...body });
    return store.transaction(() => {
      const seen = store.idempotency.lookup(BIND_SCOPE, key, fingerprint);
      if (seen.kind === 'REUSED') throw keyReused();
      if (seen.kind === 'REPLAY') return accountOr404(store, accountNumber);
      accountOr404(store, accountNumber);
      store.bind(accountNumber, body.number, body.kind, now());
      store.idempotency.save(BIND_SCOPE, key, fingerprint, { status: 200, body: { accountNumber } }, now());
      return accountOr404(store, accountNumber);
    });
  });

  /** Reconciliation: the accounts opened in [openedFrom, openedTo), oldest first. */
  app.get('/core/v1/accounts', async (request) => {
    const query = parseOr400(listAccountsQuerySchema, request.query, 'query');
    const numbers = store.accountsOpened(
      new Date(query.openedFrom).toISOString(),
      new Date(query.openedTo).toISOString(),
      query.reference,
    );
    return { accounts: numbers.map((n) => accountOr404(store, n)) };
  });

  /**
   * The accounts of one reference, whenever opened: what settles an opening whose answer was
   * lost. Beside `/core/v1/accounts/:accountNumber/...` as the listing below is: the static
   * segment wins.
   */
  app.get('/core/v1/accounts/by-reference/:reference', async (request) => {
    const { reference } = parseOr400(accountsByReferenceParamsSchema, request.params, 'path');
    const numbers = store.accountsOpened(EVER.from, EVER.to, reference);
    return { accounts: numbers.map((n) => accountOr404(store, n)) };
  });

  /**
   * The expiry sweep's listing. Registered beside `/core/v1/accounts/:accountNumber`: the router
   * prefers the static segment, so no account number can shadow it.
   */
  app.get('/core/v1/accounts/id-expiring', async (request): Promise<IdExpiringList> => {
    const query = parseOr400(idExpiringQuerySchema, request.query, 'query');
    // `from` starts the listing at that day: (from, '') sorts before every account of that day.
    const after =
      query.after !== undefined
        ? positionOf(query.after)
        : query.from !== undefined
          ? { validUntil: query.from, accountNumber: '' }
          : undefined;
    // One more than asked says whether another page follows without a second query.
    const rows = store.idExpiring(query.before, after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      accounts: page.map((row) => {
        const account = accountOr404(store, row.accountNumber);
        return {
          accountNumber: account.accountNumber,
          idValidUntil: row.validUntil,
          status: account.status,
          channel: account.channel,
          reference: account.reference,
          ...(account.partnerId && { partnerId: account.partnerId }),
        };
      }),
      ...(rows.length > query.limit && last && { nextCursor: cursorOf(last) }),
    };
  });

  /** The re-verification sweep's listing (a static segment, like id-expiring). */
  app.get('/core/v1/accounts/re-verification-due', async (request): Promise<ReVerificationDueList> => {
    const query = parseOr400(reVerificationDueQuerySchema, request.query, 'query');
    const rows = store.reVerificationDue(
      new Date(query.before).toISOString(),
      query.unscheduledOpenedBefore && new Date(query.unscheduledOpenedBefore).toISOString(),
      // `from` starts at that instant: (from, '') sorts before every account due then.
      query.after !== undefined
        ? duePositionOf(query.after)
        : query.from !== undefined
          ? { at: new Date(query.from).toISOString(), accountNumber: '' }
          : undefined,
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      accounts: page.map((row) => {
        const account = accountOr404(store, row.accountNumber);
        return {
          accountNumber: account.accountNumber,
          ...(account.reVerificationDueAt && { reVerificationDueAt: account.reVerificationDueAt }),
          openedAt: account.openedAt,
          ...(account.riskRating && { riskRating: account.riskRating }),
          ...(account.riskRatedAt && { riskRatedAt: account.riskRatedAt }),
          status: account.status,
          channel: account.channel,
          reference: account.reference,
          ...(account.partnerId && { partnerId: account.partnerId }),
          holdIds: account.holds.map((h) => h.holdId),
        };
      }),
      ...(rows.length > query.limit && last && { nextCursor: dueCursorOf(last) }),
    };
  });

  /** The dormancy sweep's listing (a static segment, like id-expiring); its cursor is opaque like the others. */
  app.get('/core/v1/accounts/idle', async (request): Promise<IdleList> => {
    const query = parseOr400(idleQuerySchema, request.query, 'query');
    const rows = store.idle(
      new Date(query.before).toISOString(),
      query.from && new Date(query.from).toISOString(),
      query.after !== undefined ? duePositionOf(query.after) : undefined,
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      accounts: page.map((row) => {
        const account = accountOr404(store, row.accountNumber);
        return {
          accountNumber: account.accountNumber,
          lastCustomerActivityAt: row.at,
          status: account.status,
          channel: account.channel,
          reference: account.reference,
          ...(account.partnerId && { partnerId: account.partnerId }),
          holdIds: account.holds.map((h) => h.holdId),
        };
      }),
      ...(rows.length > query.limit && last && { nextCursor: dueCursorOf(last) }),
    };
  });

  /**
   * An act of the holder's that core banking did not see (a re-verification passed at the bank's
   * service). Idempotent by its nature: the latest instant ever told is kept, so no key is needed.
   * An instant in the future is refused: it would keep the account awake for nothing.
   */
  app.post('/core/v1/accounts/:accountNumber/customer-activity', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const body = parseOr400(customerActivityRequestSchema, request.body);
    const at = new Date(body.at);
    // A minute's leeway for the caller's clock.
    if (at.getTime() > now().getTime() + 60_000)
      throw new HttpError(400, 'BAD_REQUEST', 'body.at: must not be in the future');
    return store.transaction(() => {
      accountOr404(store, accountNumber);
      store.recordCustomerActivity(accountNumber, at.toISOString());
      return accountOr404(store, accountNumber);
    });
  });

  /**
   * Whether a signing request's elements are the holder's: MATCH only when name, ID number and
   * mobile all are, and never which one differed. A read: nothing recorded, no key.
   */
  app.post('/core/v1/accounts/:accountNumber/holder-check', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const body = parseOr400(holderCheckRequestSchema, request.body);
    const holder = store.holderOf(accountNumber);
    if (!holder) throw new HttpError(404, 'ACCOUNT_NOT_FOUND', 'no such account');
    const mobileOnFile = holder.mobile !== '';
    const matches =
      sameElement(body.name, holder.name) &&
      sameIdNumber(body.idNumber, holder.idNumber) &&
      mobileOnFile &&
      sameElement(body.mobile, holder.mobile);
    return { result: matches ? 'MATCH' : 'MISMATCH', mobileOnFile };
  });

  /** The holder's name and ID number, for the bank's own services (never the mobile: nothing needs it). */
  app.get('/core/v1/accounts/:accountNumber/holder', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const holder = store.holderOf(accountNumber);
    if (!holder) throw new HttpError(404, 'ACCOUNT_NOT_FOUND', 'no such account');
    return { name: holder.name, idNumber: holder.idNumber };
  });

  /**
   * A newly presented card's validity replaces the one kept. Idempotent by its nature (the same
   * value again changes nothing and answers the same account), so no key is needed.
   */
  app.put('/core/v1/accounts/:accountNumber/id-validity', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const body = parseOr400(idValidityRequestSchema, request.body);
    return store.transaction(() => {
      accountOr404(store, accountNumber);
      store.recordIdValidity(accountNumber, body.validUntil);
      return accountOr404(store, accountNumber);
    });
  });

  /** A new rating, given now. The same rating again changes nothing but its date. */
  app.put('/core/v1/accounts/:accountNumber/risk-rating', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const body = parseOr400(riskRatingRequestSchema, request.body);
    return store.transaction(() => {
      accountOr404(store, accountNumber);
      store.recordRiskRating(accountNumber, body.riskRating, now());
      return accountOr404(store, accountNumber);
    });
  });

  /** When the holder is next to re-verify; idempotent by its nature, like id-validity. */
  app.put('/core/v1/accounts/:accountNumber/re-verification-due', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const body = parseOr400(reVerificationDueRequestSchema, request.body);
    return store.transaction(() => {
      accountOr404(store, accountNumber);
      store.recordReVerificationDue(accountNumber, new Date(body.dueAt).toISOString());
      return accountOr404(store, accountNumber);
    });
  });

  /** Sandbox only: the account is gone from core banking, as after a loss or a closure made elsewhere. */
  app.delete('/sandbox/accounts/:accountNumber', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    store.transaction(() => {
      accountOr404(store, accountNumber);
      store.deleteAccount(accountNumber);
    });
    return { deleted: true };
  });

  app.get('/core/v1/accounts/:accountNumber', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    return accountOr404(store, accountNumber);
  });

  app.post('/core/v1/accounts/:accountNumber/holds', async (request, reply) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const body = parseOr400(placeHoldRequestSchema, request.body);
    const answer = store.transaction(() => {
      accountOr404(store, accountNumber);
      const placed = store.placeHold(accountNumber, body, now());
      return { status: placed ? 201 : 200, account: accountOr404(store, accountNumber) };
    });
    return reply.status(answer.status).send(answer.account);
  });

  app.delete('/core/v1/accounts/:accountNumber/holds/:holdId', async (request) => {
    const { accountNumber, holdId } = parseOr400(holdParamsSchema, request.params, 'path');
    return store.transaction(() => {
      accountOr404(store, accountNumber);
      store.liftHold(accountNumber, holdId, now());
      return accountOr404(store, accountNumber);
    });
  });

  /**
   * Final: the account's agreements are cancelled and what is left goes to the bound account,
   * outside the caps. A frozen account moves no money (不收不付), so one with a balance stays open
   * (409 BALANCE_REMAINS), as does one with a balance and nothing bound. Closing again answers
   * the closed account.
   */
  app.post('/core/v1/accounts/:accountNumber/close', async (request) => {
    const { accountNumber } = parseOr400(accountParamsSchema, request.params, 'path');
    const body = parseOr400(closeAccountRequestSchema, request.body);
    return store.transaction(() => {
      const account = accountOr404(store, accountNumber);
      if (account.status === 'CLOSED') return account;
      const at = now();
      const balanceFen = store.payments.balanceFen(accountNumber);
      if (balanceFen > 0) {
        if (account.status === 'FROZEN' || !store.isBound(accountNumber)) {
          throw new HttpError(
            409,
            'BALANCE_REMAINS',
            'the balance cannot leave the account (frozen, or nothing bound): it stays open',
          );
        }
        store.payments.append({
          accountNumber,
          at,
          chinaDate: todayInChina(at),
          kind: 'CLOSING_TRANSFER_TO_BOUND',
          amountFen: balanceFen,
          countsTowardsCaps: false,
        });
      }
      store.closeAccount(accountNumber, body.reason, at);
      store.payments.cancelAgreementsOf(accountNumber, 'ACCOUNT_CLOSED', at);
      return accountOr404(store, accountNumber);
    });
  });
}
