/**
 * Wire format of the core banking system's account API. State-changing calls carry an
 * `Idempotency-Key` header: the same key answers the same result and changes nothing more.
 */
import * as z from 'zod';

export const accountClassSchema = z.enum(['II', 'III']);
/** CLOSED is final (POST .../close) and wins over any hold. */
export const accountStatusSchema = z.enum(['ACTIVE', 'RECEIVE_ONLY', 'FROZEN', 'CLOSED']);
export const holdTypeSchema = z.enum(['RECEIVE_ONLY', 'FROZEN']);

/**
 * An ID card's validity as core banking keeps it: the card's last valid day (a China date,
 * YYYY-MM-DD) or LONG (长期, valid for life). The domain's own form (domain/id-validity.ts);
 * spelled out here because contracts import nothing of the project.
 */
export const idValiditySchema = z.union([z.literal('LONG'), z.iso.date()]);

/**
 * The holder's risk rating (LOW | MEDIUM | HIGH) and when it was given: set at opening by flow v4,
 * changed by re-verification. The domain's own form is domain/risk-rating.ts.
 */
export const riskRatingSchema = z.enum(['LOW', 'MEDIUM', 'HIGH']);

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
  /** The ID card's validity read at opening; absent from callers that predate it (nothing is then known). */
  idValidUntil: idValiditySchema.optional(),
  /** Flow v4's rating at opening; absent from flows that rate nobody (v1-v3). */
  riskRating: riskRatingSchema.optional(),
  /** When the holder is next to re-verify (ISO instant), from the rating at opening; absent when the caller set none. */
  reVerificationDueAt: z.iso.datetime({ offset: true }).optional(),
  /**
   * Limits the bank asks for below the class's caps (flow v4: the bank's policy lowers them for a
   * HIGH rating); core banking keeps the lower of each. Absent: the class's caps.
   */
  limits: z.object({ dailyCny: z.number().positive(), yearlyCny: z.number().positive() }).optional(),
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
  /** The holder's ID card validity as last recorded; absent when never recorded (and from core banking before it kept it). */
  idValidUntil: idValiditySchema.optional(),
  /** The holder's risk rating and when given; absent when never rated (accounts of v1-v3). */
  riskRating: riskRatingSchema.optional(),
  riskRatedAt: z.string().optional(),
  /** When the holder is next to re-verify (ISO instant); absent when never set (the sweep then goes by opening). */
  reVerificationDueAt: z.string().optional(),
  /**
   * The holder's last customer-initiated activity (ISO instant): the opening, a debit the holder
   * made (QUICK_PAY), an agreement signed, a passed re-verification; never a credit from others.
   * Absent from core banking before it kept it.
   */
  lastCustomerActivityAt: z.string().optional(),
});
export type CoreAccount = z.infer<typeof accountSchema>;

/** POST /core/v1/accounts/{accountNumber}/binding; answers the account. */
export const bindRequestSchema = z.object({ number: z.string(), kind: z.enum(['DEBIT', 'CREDIT']) });

/**
 * POST /core/v1/accounts/{accountNumber}/holds (idempotent by holdId; Idempotency-Key
 * `<accountNumber>:<holdId>`; lifting is DELETE .../holds/{holdId})
 */
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
 * GET /core/v1/accounts/by-reference/{reference}: the accounts opened under a reference (the
 * application id), whenever opened and whatever their status, as `accountListSchema`; an empty
 * list when none. A read, so no Idempotency-Key. What settles an opening whose answer never came
 * (an application opens under one Idempotency-Key, so it finds one account at most).
 */
export const accountsByReferenceParamsSchema = z.object({ reference: z.string().min(1) });

/**
 * POST /core/v1/accounts/{accountNumber}/holder-check: whether the elements a payment institution
 * sent with a signing request are the account's holder. A read, so no Idempotency-Key. The answer
 * never says which element differed: a caller probing with one real element learns nothing more.
 */
export const holderCheckRequestSchema = z.object({
  name: z.string().min(1),
  idNumber: z.string().min(1),
  mobile: z.string().min(1),
});
export const holderCheckResponseSchema = z.object({
  result: z.enum(['MATCH', 'MISMATCH']),
  /** False for accounts opened without a mobile (flow v2): the bank has nowhere to send a code. */
  mobileOnFile: z.boolean(),
});
export type HolderCheckAnswer = z.infer<typeof holderCheckResponseSchema>;

/**
 * GET /core/v1/accounts/{n}/holder: the bank's own record of who holds the account, for the
 * bank's services only (re-submitted ID photos are checked against it years after opening).
 */
export const accountHolderSchema = z.object({ name: z.string(), idNumber: z.string() });
export type AccountHolder = z.infer<typeof accountHolderSchema>;

/** PUT /core/v1/accounts/{accountNumber}/id-validity: a newly presented card's validity; answers the account. */
export const idValidityRequestSchema = z.object({ validUntil: idValiditySchema });

/**
 * PUT /core/v1/accounts/{accountNumber}/risk-rating: a new rating (re-verification, a bank's
 * review); answers the account with riskRating and riskRatedAt set. Idempotent by its body.
 */
export const riskRatingRequestSchema = z.object({ riskRating: riskRatingSchema });

/**
 * GET /core/v1/accounts/id-expiring?before=YYYY-MM-DD[&after=cursor][&limit=N]: the open (not
 * CLOSED) accounts whose holder's card, dated (not LONG), is valid until a day before `before`,
 * ordered by (idValidUntil, accountNumber). `nextCursor` is set when more remain: pass it as
 * `after` for the next page.
 */
export const idExpiringQuerySchema = z.object({
  before: z.iso.date(),
  /** Only cards valid until this day or later (the expiry sweep's window: older ones were acted on already). */
  from: z.iso.date().optional(),
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const idExpiringAccountSchema = z.object({
  accountNumber: z.string(),
  idValidUntil: z.iso.date(),
  status: accountStatusSchema,
  channel: z.string(),
  reference: z.string(),
  partnerId: z.string().nullable().optional(),
});
export type IdExpiringAccount = z.infer<typeof idExpiringAccountSchema>;
export const idExpiringListSchema = z.object({
  accounts: z.array(idExpiringAccountSchema),
  nextCursor: z.string().optional(),
});
export type IdExpiringList = z.infer<typeof idExpiringListSchema>;

/**
 * PUT /core/v1/accounts/{accountNumber}/re-verification-due: when the holder is next to
 * re-verify (set after each re-verification, and by the sweep for accounts that had none);
 * answers the account. Idempotent by its body.
 */
export const reVerificationDueRequestSchema = z.object({ dueAt: z.iso.datetime({ offset: true }) });

/**
 * GET /core/v1/accounts/re-verification-due?before=<instant>[&unscheduledOpenedBefore=<instant>]
 * [&after=cursor][&limit=N]: the open (not CLOSED) accounts whose re-verification is due before
 * `before`, and, with `unscheduledOpenedBefore`, those with no due date kept that were opened
 * before it; ordered by (due date, or else opening, accountNumber). `nextCursor` is set when
 * more remain: pass it as `after` for the next page. The re-verification sweep's listing,
 * modelled on id-expiring.
 */
export const reVerificationDueQuerySchema = z.object({
  before: z.iso.datetime({ offset: true }),
  unscheduledOpenedBefore: z.iso.datetime({ offset: true }).optional(),
  after: z.string().min(1).optional(),
  /**
   * Starts the listing at this instant (those due from it on), as id-expiring's `from`: the
   * console's due list starts where the grace period's overdue accounts end. `after` wins.
   */
  from: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const reVerificationDueAccountSchema = z.object({
  accountNumber: z.string(),
  /** Absent for an account with no due date kept (listed by its opening). */
  reVerificationDueAt: z.string().optional(),
  openedAt: z.string(),
  riskRating: riskRatingSchema.optional(),
  riskRatedAt: z.string().optional(),
  status: accountStatusSchema,
  channel: z.string(),
  reference: z.string(),
  partnerId: z.string().nullable().optional(),
  /** The ids of the account's active holds: whether a due hold is placed already. */
  holdIds: z.array(z.string()),
});
export type ReVerificationDueAccount = z.infer<typeof reVerificationDueAccountSchema>;
export const reVerificationDueListSchema = z.object({
  accounts: z.array(reVerificationDueAccountSchema),
  nextCursor: z.string().optional(),
});
export type ReVerificationDueList = z.infer<typeof reVerificationDueListSchema>;

/**
 * POST /core/v1/accounts/{accountNumber}/customer-activity: an act of the holder core banking did
 * not see itself (a re-verification passed at the bank's service), at an instant; answers the
 * account. The last activity kept is the latest ever told, so the same call again changes nothing.
 */
export const customerActivityKindSchema = z.enum(['RE_VERIFIED']);
export const customerActivityRequestSchema = z.object({
  kind: customerActivityKindSchema,
  at: z.iso.datetime({ offset: true }),
});

/**
 * GET /core/v1/accounts/idle?before=<instant>[&from=<instant>][&after=cursor][&limit=N]: the open
 * (not CLOSED) accounts whose last customer-initiated activity is before `before` (and at or after
 * `from`), ordered by (lastCustomerActivityAt, accountNumber). `nextCursor` is set when more
 * remain: pass it as `after` for the next page. The dormancy sweep's listing.
 */
export const idleQuerySchema = z.object({
  before: z.iso.datetime({ offset: true }),
  from: z.iso.datetime({ offset: true }).optional(),
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const idleAccountSchema = z.object({
  accountNumber: z.string(),
  lastCustomerActivityAt: z.string(),
  status: accountStatusSchema,
  channel: z.string(),
  reference: z.string(),
  partnerId: z.string().nullable().optional(),
  /** The ids of the account's active holds: whether it is asleep already. */
  holdIds: z.array(z.string()),
});
export type IdleAccount = z.infer<typeof idleAccountSchema>;
export const idleListSchema = z.object({
  accounts: z.array(idleAccountSchema),
  nextCursor: z.string().optional(),
});
export type IdleList = z.infer<typeof idleListSchema>;

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
