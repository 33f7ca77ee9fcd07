/**
 * The one owner rule for every route that reads or changes an application, account, review,
 * agreement or document: an app sees only what belongs to its own channel and, on the PARTNER
 * channel, its own partner bank; a customer's session only its own application and the account
 * it opened (or the account it was minted for); staff see everything. Whatever a caller may not
 * see is answered exactly like something that does not exist, so ids cannot be probed across
 * tenants or customers. Which roles reach a route at all is api/access.ts.
 */

import { type Caller, ownerOf } from './auth';
import { NotFoundError } from './services/errors';

/** What records who it belongs to: applications, core-banking accounts, documents. */
export interface Owned {
  channel: string;
  partnerId?: string | null;
  /** The application it is, or that opened it (a core-banking account's `reference`). */
  applicationId?: string;
  accountNumber?: string | null;
}

/** Operators and supervisors: they read detailed reasons, holds and alerts; nobody else does. */
export const isStaff = (caller: Caller): boolean =>
  caller.role === 'operator' || caller.role === 'supervisor';

export function visibleTo(caller: Caller, thing: Owned): boolean {
  if (isStaff(caller)) return true;
  // Institutions see their agreements only, never accounts, applications or documents.
  if (caller.role !== 'app' && caller.role !== 'session') return false;
  const mine = ownerOf(caller);
  const tenant = thing.channel === mine.channel && (thing.partnerId ?? null) === (mine.partnerId ?? null);
  if (!tenant || caller.role === 'app') return tenant;
  const session = caller.session;
  if (!session) return false;
  return (
    (thing.applicationId !== undefined && thing.applicationId === session.applicationId) ||
    (session.accountNumber !== undefined && thing.accountNumber === session.accountNumber)
  );
}

/** The thing, if the caller may see it; otherwise the same 404 as for an unknown id. */
export function requireOwner<T extends Owned>(caller: Caller, thing: T | undefined, notFound: string): T {
  if (!thing || !visibleTo(caller, thing)) throw new NotFoundError(notFound);
  return thing;
}

/** A core-banking account as an owned thing: the application that opened it is its `reference`. */
export const ownedAccount = <
  A extends { channel: string; partnerId?: string | null; reference: string; accountNumber: string },
>(
  account: A | undefined,
): (A & { applicationId: string }) | undefined => account && { ...account, applicationId: account.reference };
