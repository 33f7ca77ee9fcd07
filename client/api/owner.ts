/**
 * The one owner rule for every route that reads or changes an application, account, review or
 * document: an app sees only what belongs to its own channel and, on the PARTNER channel, its own
 * partner bank; staff see everything. Whatever an app may not see is answered exactly like
 * something that does not exist, so ids cannot be probed across apps.
 */
import { NotFoundError } from '../errors';
import { type Caller, ownerOf } from './auth';

/** What records who it belongs to: applications, core-banking accounts, documents. */
export interface Owned {
  channel: string;
  partnerId?: string | null;
}

export function visibleTo(caller: Caller, thing: Owned): boolean {
  if (caller.role === 'operator' || caller.role === 'supervisor') return true;
  // Institutions see their agreements only, never accounts, applications or documents.
  if (caller.role !== 'app') return false;
  const mine = ownerOf(caller);
  return thing.channel === mine.channel && (thing.partnerId ?? null) === (mine.partnerId ?? null);
}

/** The thing, if the caller may see it; otherwise the same 404 as for an unknown id. */
export function requireOwner<T extends Owned>(caller: Caller, thing: T | undefined, notFound: string): T {
  if (!thing || !visibleTo(caller, thing)) throw new NotFoundError(notFound);
  return thing;
}
