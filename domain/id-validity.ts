/**
 * An ID card's validity as its back side states it: an end date, or 长期 (valid for life). Read at
 * opening and at each re-submission, and kept with the account so its expiry can be acted on.
 */
import { z } from 'zod';
import { daysBetween } from './china-time';

export const LONG_VALIDITY = 'LONG';
export const idValidUntilSchema = z.union([z.literal(LONG_VALIDITY), z.iso.date()]);
export type IdValidUntil = z.infer<typeof idValidUntilSchema>;

const COMPACT = /^(\d{4})[.\-/]?(\d{2})[.\-/]?(\d{2})$/;

/**
 * The validity an OCR answered, in the one form the domain uses. Readers print the back side's
 * text in several ways ("2040.03.07", "20400307", "长期"); what is none of them, or no real
 * date, counts as unread, so the photo goes to a human instead of failing the application.
 */
export function readValidUntil(raw: string | undefined): IdValidUntil | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === LONG_VALIDITY || text === '长期') return LONG_VALIDITY;
  const parts = COMPACT.exec(text);
  if (!parts) return undefined;
  const date = `${parts[1]}-${parts[2]}-${parts[3]}`;
  return idValidUntilSchema.safeParse(date).success ? date : undefined;
}

/**
 * Days from `today` (a China date) until the card's last valid day: 0 on that day, negative once
 * expired, undefined for a card valid for life (it never expires).
 */
export function daysUntilExpiry(validUntil: IdValidUntil, today: string): number | undefined {
  return validUntil === LONG_VALIDITY ? undefined : daysBetween(today, validUntil);
}
