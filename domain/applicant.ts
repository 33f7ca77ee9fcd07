import * as z from 'zod';
import { todayInChina } from './china-time';
import { parseIdNumber } from './id-number';

/** ID numbers carry local birth dates: "the future" is judged by today in China. */
export { todayInChina };

/**
 * Names of any script (rare characters beyond the basic CJK block included), with the
 * middle dot U+00B7 between parts of minority names, and 〇 (a Han character Unicode files as a
 * number). Never a narrow [\u4e00-\u9fa5].
 */
const NAME =
  /^[\p{L}\p{Ideographic}][\p{L}\p{M}\p{Ideographic}]*(?:\u00B7[\p{L}\p{Ideographic}][\p{L}\p{M}\p{Ideographic}]*)*$/u;
export const personNameSchema = z
  .string()
  .refine((s) => [...s].length >= 2 && [...s].length <= 64, 'must be 2 to 64 characters')
  .refine(
    (s) => NAME.test(s),
    'may hold letters of any script, with single middle dots (U+00B7) between parts',
  );

export const idNumberSchema = z.string().transform((raw, ctx) => {
  const parsed = parseIdNumber(raw, todayInChina());
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }
  return parsed.value.idNumber;
});

export const mobileSchema = z
  .string()
  .regex(/^1[3-9]\d{9}$/, 'must be an 11-digit mainland mobile number starting 13 to 19');

export const cardNumberSchema = z.string().regex(/^\d{16,19}$/, 'must be 16 to 19 digits');

export const boundAccountKindSchema = z.enum(['DEBIT', 'CREDIT']);

export const applicantSchema = z.strictObject({
  name: personNameSchema,
  idNumber: idNumberSchema,
  mobile: mobileSchema,
});
export type Applicant = z.infer<typeof applicantSchema>;

export const boundAccountSchema = z.strictObject({
  number: cardNumberSchema,
  /** The same person's Class I debit account or credit card, at any bank. */
  kind: boundAccountKindSchema,
});
export type BoundAccount = z.infer<typeof boundAccountSchema>;
