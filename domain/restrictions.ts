/**
 * What apps, partners and customers' sessions are told of an account's holds (DESIGN.md, "What
 * apps and customers are told"): the kind of restriction and what the customer can do about it,
 * never the detailed reason. A watch-list doubt, a confirmed fraud or a rented account told to the
 * holder is a tip-off; staff read the holds as they are.
 */
import * as z from 'zod';
import { BANK_RESTRICTION_HOLD_PREFIX } from './bank-restrictions';
import { DORMANT_HOLD_PREFIX } from './dormancy';
import { ID_EXPIRY_HOLD_PREFIX } from './id-expiry';
import { rejectReasonSchema } from './review';
import { RE_VERIFICATION_HOLD_PREFIX } from './risk-life';

export const restrictionKindSchema = z.enum(['REVIEW', 'ID_EXPIRED', 'BANK_REVIEW']);
export const restrictionActionSchema = z.enum(['RESUBMIT_ID', 'RENEW_ID', 'RE_VERIFY', 'CONTACT_BANK']);

export const restrictionSchema = z.object({
  kind: restrictionKindSchema,
  since: z.string(),
  action: restrictionActionSchema,
});
export type Restriction = z.infer<typeof restrictionSchema>;

/** A hold as core banking keeps it (contracts/core-banking.ts), as far as this needs it. */
interface HoldLike {
  holdId: string;
  type: string;
  reason: string;
  placedAt: string;
}

/**
 * A review's rejection of the photos: the customer can fix it by sending new ones. Any other
 * review hold is the bank's to settle.
 */
const RESUBMITTABLE: ReadonlySet<string> = new Set(rejectReasonSchema.options);

export function restrictionOf(hold: HoldLike): Restriction {
  if (hold.holdId.startsWith(ID_EXPIRY_HOLD_PREFIX))
    return { kind: 'ID_EXPIRED', since: hold.placedAt, action: 'RENEW_ID' };
  // A missed re-verification: the holder lifts it by re-verifying (DESIGN.md: BANK_REVIEW, RE_VERIFY).
  if (hold.holdId.startsWith(RE_VERIFICATION_HOLD_PREFIX))
    return { kind: 'BANK_REVIEW', since: hold.placedAt, action: 'RE_VERIFY' };
  // A dormant account: the holder wakes it by re-verifying, as above.
  if (hold.holdId.startsWith(DORMANT_HOLD_PREFIX))
    return { kind: 'BANK_REVIEW', since: hold.placedAt, action: 'RE_VERIFY' };
  // A bank restriction in force: the holder may appeal by re-verifying (DESIGN.md); never its category.
  if (hold.holdId.startsWith(BANK_RESTRICTION_HOLD_PREFIX))
    return { kind: 'BANK_REVIEW', since: hold.placedAt, action: 'RE_VERIFY' };
  if (hold.type === 'RECEIVE_ONLY' && RESUBMITTABLE.has(hold.reason))
    return { kind: 'REVIEW', since: hold.placedAt, action: 'RESUBMIT_ID' };
  // Doubts (watch list, linked applicants), fraud, a failed application, a missed deadline:
  // whatever the bank found, the customer hears only that the bank is looking and whom to call.
  return { kind: 'BANK_REVIEW', since: hold.placedAt, action: 'CONTACT_BANK' };
}

/**
 * One restriction per hold, oldest first. With `reVerification`, an account whose re-verification
 * is due (and not yet held for it) also shows RE_VERIFY: the holder is asked before any hold.
 * `contactBank`: hold ids whose holder can no longer act in the app (a bank restriction's appeal
 * being decided, or upheld), shown with CONTACT_BANK.
 */
export function restrictionsOf(
  holds: readonly HoldLike[],
  reVerification?: { dueAt: string | undefined; now: Date },
  contactBank?: ReadonlySet<string>,
): Restriction[] {
  const restrictions = [...holds]
    .sort((a, b) => a.placedAt.localeCompare(b.placedAt))
    .map((h): Restriction => {
      const r = restrictionOf(h);
      // Holds whose appeal is being decided, or was and the restriction stands: the holder calls the bank.
      return contactBank?.has(h.holdId) ? { ...r, action: 'CONTACT_BANK' } : r;
    });
  const dueAt = reVerification?.dueAt;
  if (
    reVerification &&
    dueAt !== undefined &&
    Date.parse(dueAt) <= reVerification.now.getTime() &&
    !holds.some((h) => h.holdId.startsWith(RE_VERIFICATION_HOLD_PREFIX))
  )
    restrictions.push({ kind: 'BANK_REVIEW', since: dueAt, action: 'RE_VERIFY' });
  return restrictions;
}

/**
 * A hold as apps read it: its type and when, the restriction kind for a reason, and an id made
 * of those two alone. Review hold ids carry `FRAUD`, `doubt`, ...; even a hash of one could be
 * matched against the few suffixes there are, so nothing of it goes out.
 */
export function publicHold<H extends HoldLike>(hold: H): Pick<H, keyof HoldLike> {
  const { kind } = restrictionOf(hold);
  return {
    holdId: `${kind.toLowerCase()}-${Date.parse(hold.placedAt) || 0}`,
    type: hold.type,
    reason: kind,
    placedAt: hold.placedAt,
  };
}
