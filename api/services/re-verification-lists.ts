/**
 * The console's risk-life lists (issue 23, part 4): accounts whose re-verification is DUE (asked,
 * within the grace period) and OVERDUE (past it: receive-only once the sweep has held them), read
 * page by page from core banking's listing (`GET /core/v1/accounts/re-verification-due`), which
 * keeps the due dates; claims on them (stores/account-claims.ts) so two operators do not work one
 * account; and each open, claim and release written to the audit log.
 *
 * Staff see what the review console shows of a person: the holder's name masked, the rating,
 * the account's own facts. Nothing here is logged.
 *
 * APPEALED lists the bank restriction cases whose holder's appeal passed its re-verification and
 * awaits an operator's decision, paged from visibility (BankRestrictions.listByStatus); each case's
 * account is core banking's, found by the application id it was opened under. An account is on one
 * list at a time for its claim's audit: APPEALED first (an operator's decision is due), then its
 * re-verification's due date.
 */
import { randomUUID } from 'node:crypto';
import type { CoreBanking } from '../../adapters/ports';
import type { CoreAccount, ReVerificationDueAccount } from '../../contracts/core-banking';
import type { BankRestrictionCase, RestrictionCaseListItem } from '../../domain/bank-restrictions';
import { maskName } from '../../domain/masking';
import type {
  RiskLifeAccount,
  RiskLifeList,
  RiskLifeListItem,
  RiskLifeListPage,
} from '../../domain/re-verification-outcomes';
import type { Claim } from '../../domain/review';
import { defaultReviewPolicy } from '../../domain/review-defaults';
import {
  defaultRiskLifePolicy,
  RE_VERIFICATION_HOLD_PREFIX,
  type RiskLifePolicy,
  reVerificationStage,
} from '../../domain/risk-life';
import type { AccountClaimStore } from '../../stores/account-claims';
import type { AuditTrail } from '../../stores/audit';
import { type BankRestrictions, RestrictionCursorError } from './bank-restrictions';
import { ConflictError, ForbiddenError, NotFoundError } from './errors';

/** The cursor a page answers: its list and core banking's own cursor, so one list's cursor never pages another. */
export function encodeCursor(list: RiskLifeList, inner: string): string {
  return Buffer.from(JSON.stringify([list, inner])).toString('base64url');
}

/** Core banking's cursor inside ours, if `cursor` is one this list answered. */
export function decodeCursor(list: RiskLifeList, cursor: string): string | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      decoded[0] === list &&
      typeof decoded[1] === 'string' &&
      decoded[1].length > 0
    )
      return decoded[1];
  } catch {
    // not JSON: not ours
  }
  return undefined;
}

/** A page of a due-date list from core banking, with where the next begins. */
type Lister = (
  now: Date,
  page: { after?: string; limit: number },
) => Promise<{ accounts: ReVerificationDueAccount[]; nextCursor?: string }>;

/** One claim per account, whichever list shows it. */
const subjectOf = (accountNumber: string) => `risk-life:${accountNumber}`;

/** A 400 naming the query's field (api/problem.ts answers Fastify-shaped 4xx errors as they come). */
class BadCursor extends Error {
  readonly statusCode = 400;
  constructor() {
    super('query.cursor must be a cursor this listing answered');
  }
}

export interface ReVerificationListsDeps {
  coreBanking: Pick<
    CoreBanking,
    'listReVerificationDue' | 'getHolder' | 'getAccount' | 'findAccountsByReference'
  >;
  /** The bank restriction cases: APPEALED's listing, and whether an opened account's appeal awaits a decision. */
  restrictions: Pick<BankRestrictions, 'listByStatus' | 'latest'>;
  claims: AccountClaimStore;
  audit: Pick<AuditTrail, 'record'>;
  policy?: RiskLifePolicy;
  /** How long a claim holds: the review console's lease by default. */
  claimLeaseSeconds?: number;
  clock?: () => Date;
}

export class ReVerificationLists {
  private readonly policy: RiskLifePolicy;
  private readonly leaseSeconds: number;
  private readonly clock: () => Date;
  private readonly listers: Record<Exclude<RiskLifeList, 'APPEALED'>, Lister>;

  constructor(private readonly deps: ReVerificationListsDeps) {
    this.policy = deps.policy ?? defaultRiskLifePolicy;
    this.leaseSeconds = deps.claimLeaseSeconds ?? defaultReviewPolicy.claimLeaseSeconds;
    this.clock = deps.clock ?? (() => new Date());
    const graceStart = (now: Date) => new Date(now.getTime() - this.policy.graceSeconds * 1000).toISOString();
    // Core banking lists by due date: DUE is [now - grace, now), OVERDUE everything before it.
    // Accounts with no due date kept are not asked yet (the sweep dates them first): not listed.
    this.listers = {
      DUE: (now, page) =>
        deps.coreBanking.listReVerificationDue(now.toISOString(), { ...page, from: graceStart(now) }),
      OVERDUE: (now, page) => deps.coreBanking.listReVerificationDue(graceStart(now), page),
    };
  }

  async list(query: { status: RiskLifeList; cursor?: string; limit: number }): Promise<RiskLifeListPage> {
    const now = this.clock();
    const after = query.cursor === undefined ? undefined : decodeCursor(query.status, query.cursor);
    if (query.cursor !== undefined && after === undefined) throw new BadCursor();
    if (query.status === 'APPEALED')
      return this.appealed(now, { ...(after && { after }), limit: query.limit });
    const page = await this.listers[query.status](now, { ...(after && { after }), limit: query.limit }).catch(
      (err: unknown) => {
        // Core banking refuses a cursor it did not answer (400): the caller's cursor, not a fault.
        if (after !== undefined && err instanceof Error && /status 400/.test(err.message))
          throw new BadCursor();
        throw err;
      },
    );
    const claims = await this.deps.claims.live(
      page.accounts.map((a) => subjectOf(a.accountNumber)),
      now,
    );
    const accounts = await Promise.all(
      page.accounts.flatMap((a) => {
        const dueAt = a.reVerificationDueAt;
        if (!dueAt) return [];
        return [this.item(a, dueAt, query.status, claims.get(subjectOf(a.accountNumber)))];
      }),
    );
    return {
      accounts,
      ...(page.nextCursor && { nextCursor: encodeCursor(query.status, page.nextCursor) }),
    };
  }

  /** One account opened from a list: its facts as staff keep them, the open audited before anything is answered. */
  async open(accountNumber: string, actor: string): Promise<RiskLifeAccount> {
    const account = await this.account(accountNumber);
    const now = this.clock();
    const restriction = await this.deps.restrictions.latest(account.reference);
    const placed = this.placed(account, restriction?.open ? restriction.view : undefined, now);
    await this.deps.audit.record({
      id: `risk-life-open:${randomUUID()}`,
      at: now.toISOString(),
      actor,
      action: 'ACCOUNT_VIEWED',
      applicationId: account.reference,
      accountNumber,
      reason: placed?.list ?? 'NOT_DUE',
    });
    const [holder, claims] = await Promise.all([
      this.deps.coreBanking.getHolder(accountNumber),
      this.deps.claims.live([subjectOf(accountNumber)], now),
    ]);
    const claim = claims.get(subjectOf(accountNumber));
    return {
      accountNumber,
      applicationId: account.reference,
      ...placed,
      ...(restriction?.open && { bankRestriction: restriction.view }),
      held: account.holds.some((h) => h.holdId.startsWith(RE_VERIFICATION_HOLD_PREFIX)),
      holderName: maskName(holder?.name ?? ''),
      ...(account.riskRating && { riskRating: account.riskRating }),
      ...(account.riskRatedAt && { riskRatedAt: account.riskRatedAt }),
      accountStatus: account.status,
      channel: account.channel,
      openedAt: account.openedAt,
      holds: account.holds.map((h) => ({
        holdId: h.holdId,
        type: h.type,
        reason: h.reason,
        placedAt: h.placedAt,
      })),
      ...(claim && { claim }),
    };
  }

  /**
   * Takes (or renews) the caller's claim on an account a list shows; 409 CLAIMED naming the
   * holder while another's holds, 409 NOT_CLAIMABLE when the account is on no list now.
   */
  async claim(accountNumber: string, actor: string): Promise<Claim> {
    const account = await this.account(accountNumber);
    const now = this.clock();
    const restriction = await this.deps.restrictions.latest(account.reference);
    const placed = this.placed(account, restriction?.open ? restriction.view : undefined, now);
    if (!placed) throw new ConflictError('the account is on no list now', {}, 'NOT_CLAIMABLE');
    const until = new Date(now.getTime() + this.leaseSeconds * 1000);
    const claim = await this.deps.claims.claim(subjectOf(accountNumber), actor, until, now);
    if (claim.claimedBy !== actor)
      throw new ConflictError('another operator holds this account', { ...claim }, 'CLAIMED');
    await this.deps.audit.record({
      id: `risk-life-claim:${randomUUID()}`,
      at: now.toISOString(),
      actor,
      action: 'ACCOUNT_CLAIMED',
      applicationId: account.reference,
      accountNumber,
      reason: placed.list,
      refs: { until: claim.until },
    });
    return claim;
  }

  /**
   * 409 CLAIMED naming the holder when another member of staff holds a live claim on the account:
   * whoever claimed it from a list decides it (as a review's claim holder decides the case). No
   * claim, or the caller's own: nothing to say.
   */
  async refuseOthersClaim(accountNumber: string, actor: string): Promise<void> {
    const claim = (await this.deps.claims.live([subjectOf(accountNumber)], this.clock())).get(
      subjectOf(accountNumber),
    );
    if (claim && claim.claimedBy !== actor)
      throw new ConflictError('another operator holds this account', { ...claim }, 'CLAIMED');
  }

  /** Ends a claim: its holder's, or anyone's for a supervisor; no claim, nothing to do. */
  async release(accountNumber: string, actor: string, supervisor: boolean): Promise<void> {
    const account = await this.account(accountNumber);
    const now = this.clock();
    const outcome = await this.deps.claims.release(subjectOf(accountNumber), actor, supervisor, now);
    if (outcome === 'NOT_HOLDER')
      throw new ForbiddenError(
        'only the holder of the claim, or a supervisor, may release it',
        'NOT_CLAIM_HOLDER',
      );
    if (outcome === 'RELEASED')
      await this.deps.audit.record({
        id: `risk-life-release:${randomUUID()}`,
        at: now.toISOString(),
        actor,
        action: 'ACCOUNT_CLAIM_RELEASED',
        applicationId: account.reference,
        accountNumber,
      });
  }

  private async account(accountNumber: string): Promise<CoreAccount> {
    const account = await this.deps.coreBanking.getAccount(accountNumber);
    // A closed account is on no list and has nothing for staff here.
    if (!account || account.status === 'CLOSED') throw new NotFoundError('no open account with this number');
    return account;
  }

  /**
   * Which list an account is on now: APPEALED while its open restriction case awaits a decision on
   * a passed appeal, else by its re-verification's due date; undefined while on none.
   */
  private placed(
    account: Pick<CoreAccount, 'reVerificationDueAt'>,
    openCase: BankRestrictionCase | undefined,
    now: Date,
  ):
    | { list: RiskLifeList; dueAt: string; overdue: boolean; restrictFrom?: string; caseId?: string }
    | undefined {
    if (openCase?.status === 'APPEALED' && openCase.appeal) {
      const dueAt = openCase.appeal.decisionDueAt;
      return { list: 'APPEALED', dueAt, overdue: Date.parse(dueAt) < now.getTime(), caseId: openCase.caseId };
    }
    const dueAt = account.reVerificationDueAt;
    if (!dueAt) return undefined;
    const list = reVerificationStage(dueAt, now.toISOString(), this.policy);
    return list && { list, dueAt, overdue: list === 'OVERDUE', restrictFrom: this.restrictFrom(dueAt) };
  }

  /**
   * A page of APPEALED: the cases from visibility (most recently proposed first, its order), each
   * with its account from core banking. A case whose account is closed, or whose deadline
   * visibility has not published yet, is left out of the page.
   */
  private async appealed(now: Date, page: { after?: string; limit: number }): Promise<RiskLifeListPage> {
    const cases = await this.deps.restrictions
      .listByStatus('APPEALED', { ...(page.after && { cursor: page.after }), limit: page.limit })
      .catch((err: unknown) => {
        if (err instanceof RestrictionCursorError) throw new BadCursor();
        throw err;
      });
    const rows = await Promise.all(cases.cases.map((c) => this.appealedAccount(c)));
    const found = rows.filter(
      (r): r is { c: RestrictionCaseListItem; dueAt: string; account: CoreAccount } => !!r,
    );
    const claims = await this.deps.claims.live(
      found.map((r) => subjectOf(r.account.accountNumber)),
      now,
    );
    const accounts = await Promise.all(
      found.map(async ({ c, dueAt, account }): Promise<RiskLifeListItem> => {
        const holder = await this.deps.coreBanking.getHolder(account.accountNumber);
        const claim = claims.get(subjectOf(account.accountNumber));
        return {
          accountNumber: account.accountNumber,
          applicationId: c.applicationId,
          list: 'APPEALED',
          dueAt,
          overdue: Date.parse(dueAt) < now.getTime(),
          caseId: c.caseId,
          held: account.holds.some((h) => h.holdId.startsWith(RE_VERIFICATION_HOLD_PREFIX)),
          holderName: maskName(holder?.name ?? ''),
          ...(account.riskRating && { riskRating: account.riskRating }),
          accountStatus: account.status,
          channel: account.channel,
          ...(claim && { claim }),
        };
      }),
    );
    return {
      accounts,
      ...(cases.nextCursor && { nextCursor: encodeCursor('APPEALED', cases.nextCursor) }),
    };
  }

  private async appealedAccount(
    c: RestrictionCaseListItem,
  ): Promise<{ c: RestrictionCaseListItem; dueAt: string; account: CoreAccount } | undefined> {
    const dueAt = c.appealDecisionDueAt;
    if (!dueAt) return undefined;
    const account = (await this.deps.coreBanking.findAccountsByReference(c.applicationId)).find(
      (a) => a.status !== 'CLOSED',
    );
    return account && { c, dueAt, account };
  }

  private restrictFrom(dueAt: string): string {
    return new Date(Date.parse(dueAt) + this.policy.graceSeconds * 1000).toISOString();
  }

  private async item(
    a: ReVerificationDueAccount,
    dueAt: string,
    list: RiskLifeList,
    claim: Claim | undefined,
  ): Promise<RiskLifeListItem> {
    const holder = await this.deps.coreBanking.getHolder(a.accountNumber);
    return {
      accountNumber: a.accountNumber,
      applicationId: a.reference,
      list,
      dueAt,
      restrictFrom: this.restrictFrom(dueAt),
      overdue: list === 'OVERDUE',
      held: a.holdIds.some((id) => id.startsWith(RE_VERIFICATION_HOLD_PREFIX)),
      holderName: maskName(holder?.name ?? ''),
      ...(a.riskRating && { riskRating: a.riskRating }),
      accountStatus: a.status,
      channel: a.channel,
      ...(claim && { claim }),
    };
  }
}
