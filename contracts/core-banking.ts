/**
 * Wire format of the core banking system's account API. State-changing calls carry an
 * `Idempotency-Key` header: the same key answers the same result and changes nothing more.
 */
import * as z from 'zod';

export const accountClassSchema = z.enum(['II', 'III']);
/** CLOSED is final (POST .../close) and wins over any hold. */
export const accountStatusSchema = z.enum(['ACTIVE', 'RECEIVE_ONLY', 'FROZEN', 'CLOSED']);
export const holdTypeSchema = z.enum(['RECEIVE_ONLY', 'FROZEN']);

/** Non-bound payments and inflows, each direction (PBoC 2016-11, 2018-01). */
export const accountLimitsSchema = z.object({
  dailyCny: z.number(),
  yearlyCny: z.number(),
  balanceCapCny: z.number().nullable(),
});

/** POST /core/v1/accounts */
export const openAccountRequestSchema = z.object({
  /** The mobile is absent when the flow asked for none (v2: face instead of the reserved phone). */
  customer: z.object({ name: z.string(), idNumber: z.string(), mobile: z.string().optional() }),
  accountClass: accountClassSchema,
  channel: z.string(),
  /** Accounts opened through a partner bank's app belong to that partner (PARTNER channel). */
  partnerId: z.string().optional(),
  /** What originated the account (the application id): leads an account back to its review. */
  reference: z.string(),
  // Core banking owns the per-person cap (a setting of its own, counting the person's accounts of
  // every channel): 409 PERSON_ACCOUNT_CAP_REACHED beyond it. Requests no longer carry it; one
  // that still does (`perPersonCap`) is read without it.
});

export const bindingSchema = z.object({
  maskedNumber: z.string(),
  kind: z.enum(['DEBIT', 'CREDIT']),
  boundAt: z.string(),
});

export const holdSchema = z.object({
  holdId: z.string(),
  type: holdTypeSchema,
  reason: z.string(),
  placedAt: z.string(),
});

export const accountSchema = z.object({
  accountNumber: z.string(),
  accountClass: accountClassSchema,
  status: accountStatusSchema,
  channel: z.string(),
  partnerId: z.string().nullable().optional(),
  reference: z.string(),
  limits: accountLimitsSchema,
  openedAt: z.string(),
  binding: bindingSchema.nullable(),
  holds: z.array(holdSchema),
  /** Set once the account is closed; absent on open accounts (and from core banking before closing existed). */
  closedAt: z.string().optional(),
});
export type CoreAccount = z.infer<typeof accountSchema>;

/** POST /core/v1/accounts/{accountNumber}/binding; answers the account. */
export const bindRequestSchema = z.object({ number: z.string(), kind: z.enum(['DEBIT', 'CREDIT']) });

/** POST /core/v1/accounts/{accountNumber}/holds (idempotent by holdId; lifting is DELETE .../holds/{holdId}) */
export const placeHoldRequestSchema = z.object({
  holdId: z.string(),
  type: holdTypeSchema,
  reason: z.string(),
});

/**
 * GET /core/v1/accounts?openedFrom=...&openedTo=...[&reference=...]: the accounts opened in
 * [openedFrom, openedTo) (ISO 8601 instants), oldest first, for reconciliation.
 */
export const listAccountsQuerySchema = z.object({
  openedFrom: z.iso.datetime({ offset: true }),
  openedTo: z.iso.datetime({ offset: true }),
  reference: z.string().min(1).optional(),
});
export const accountListSchema = z.object({ accounts: z.array(accountSchema) });

/**
 * Errors: { error: CODE, message } with 4xx for answers, 5xx for faults. `422 REFUSED` is a
 * refusal for good (the system will not do it, however often asked): never retried.
 */
export const coreErrorSchema = z.object({
  error: z.enum([
    'PERSON_ACCOUNT_CAP_REACHED',
    'ACCOUNT_NOT_FOUND',
    'IDEMPOTENCY_KEY_REUSED',
    'BAD_REQUEST',
    'REFUSED',
    'AGREEMENT_NOT_FOUND',
    'AGREEMENT_NUMBER_REUSED',
    'ACCOUNT_CLOSED',
    'REFERENCE_REUSED',
    'BALANCE_REMAINS',
  ]),
  message: z.string(),
});
