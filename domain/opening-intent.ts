/**
 * What flow v4 asks of an applicant beyond identity (DESIGN.md, "Opening under the Anti-Telecom and
 * Online Fraud Law"): that they mean to open the account (开户意愿) and declare it will not be
 * rented, sold or lent (断卡), and the device they apply from, collected for anti-fraud use only.
 * Required in v4, optional before; device data is personal data, sealed like the rest.
 */
import * as z from 'zod';

export const openingPurposeSchema = z.enum(['SAVINGS', 'WEALTH', 'PAYMENTS', 'SALARY', 'OTHER']);
export type OpeningPurpose = z.infer<typeof openingPurposeSchema>;

export const intentSchema = z.object({
  purpose: openingPurposeSchema,
  /**
   * The applicant's declaration. Any boolean is well-formed input: `false` is an answer (the
   * application is rejected, INTENT_NOT_CONFIRMED), not a malformed request.
   */
  declaresNoRentOrSale: z.boolean(),
});
export type Intent = z.infer<typeof intentSchema>;

export const devicePlatformSchema = z.enum(['IOS', 'ANDROID', 'HARMONY', 'WEB']);

export const deviceSchema = z.object({
  /** The app's stable id of the installation (IDFV, OAID, a WebView's stored id): 8-128 safe characters. */
  deviceId: z.string().regex(/^[\w.:-]{8,128}$/, 'must be 8-128 letters, digits or . _ : -'),
  platform: devicePlatformSchema,
  /** The phone's address as the app's backend saw it; the API never takes its own peer address. */
  ip: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }),
  appVersion: z
    .string()
    .regex(/^[\w.+-]{1,32}$/, 'must be 1-32 letters, digits or . _ + -')
    .optional(),
});
export type Device = z.infer<typeof deviceSchema>;
