/**
 * Customer sessions (DESIGN.md, "Customer sessions"): what an app's backend mints for one
 * application or account so that the customer's device never holds the tenant's token.
 */
import * as z from 'zod';
import { applicationIdSchema } from './identifiers';

/** How long a session lives unless its minter asks otherwise, and the most it may ask. */
export const SESSION_TTL_SECONDS = { default: 15 * 60, min: 60, max: 24 * 3600 } as const;

/** Where a session token begins: a minted token is never mistaken for a configured one. */
export const SESSION_TOKEN_PREFIX = 'aos_';

const ttlSecondsSchema = z
  .number()
  .int()
  .min(SESSION_TTL_SECONDS.min, `must be at least ${SESSION_TTL_SECONDS.min} seconds`)
  .max(SESSION_TTL_SECONDS.max, `must be at most ${SESSION_TTL_SECONDS.max} seconds (24 hours)`)
  .optional();

/** POST /v1/sessions: one application (new or existing, of the minting tenant) or one account of it. */
export const createSessionRequestSchema = z.union([
  z.strictObject({ applicationId: applicationIdSchema, ttlSeconds: ttlSecondsSchema }),
  z.strictObject({
    accountNumber: z.string().regex(/^\d{10,30}$/, 'must be the digits of an account number'),
    ttlSeconds: ttlSecondsSchema,
  }),
]);
export type CreateSessionRequest = z.infer<typeof createSessionRequestSchema>;

export const sessionCreatedSchema = z.object({
  sessionToken: z.string(),
  /** Ends the session's life: a later call with its token is a 401. */
  expiresAt: z.iso.datetime(),
  /** Names the session in the audit log (minting) without the token. */
  sessionId: z.string(),
  /** The application the session acts for (an account's session: the application that opened it). */
  applicationId: z.string(),
  accountNumber: z.string().optional(),
});
export type SessionCreated = z.infer<typeof sessionCreatedSchema>;
