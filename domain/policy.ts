import * as z from 'zod';
import type { Channel, FlowVersion } from './identifiers';
import { type ReviewPolicy, reviewPolicySchema } from './review';

/** Policy is workflow input, so tests run the same code with seconds instead of minutes. */
export const policySchema = z.object({
  smsCodeMaxAttempts: z.number().int().min(1).max(10),
  /**
   * The longest the application waits for one code before it is abandoned. The code's own
   * lifetime, as UnionPay reports it when it sends the code, shortens the wait to match: the
   * application never waits for a code that can no longer be confirmed.
   */
  smsCodeWaitSeconds: z.number().positive(),
  /** How long after a code was sent the app may ask for a new one (resend). */
  smsResendIntervalSeconds: z.number().min(0),
  /** How many new codes the app may ask for; the tries (smsCodeMaxAttempts) count across all of them. */
  smsMaxResends: z.number().int().min(0).max(10),
  /**
   * The business deadline: an application still not finished this long after it started ends
   * as FAILED (DEADLINE_EXCEEDED). It bounds every wait and every vendor and core-banking call.
   */
  applicationDeadlineSeconds: z.number().positive(),
  /** The hold placed at once on an account opened for an application that then failed. */
  failedAccountRestriction: z.enum(['RECEIVE_ONLY', 'FROZEN']),
  /** How long placing that hold is retried before ops are alerted that the account is not restricted. */
  restrictionGiveUpSeconds: z.number().positive(),
  /** Webhooks to the app are retried with backoff for this long, then given up (and logged so). */
  webhookGiveUpSeconds: z.number().positive(),
  review: reviewPolicySchema,
  /**
   * Flow v4's linked applicants: the `identitiesAt`-th and later distinct identity to apply from
   * one device or one mobile within `windowSeconds` is a doubt (LINKED_APPLICANTS). Optional:
   * inputs of applications started before it hold none, and read the defaults.
   */
  linkedApplicants: z
    .object({ windowSeconds: z.number().positive(), identitiesAt: z.number().int().min(2) })
    .optional(),
  /**
   * Flow v4: the limits an account opens with when its holder is rated HIGH, below the class's
   * caps (core banking keeps the lower of the two). Absent: HIGH keeps the class's limits.
   */
  highRiskLimits: z.object({ dailyCny: z.number().positive(), yearlyCny: z.number().positive() }).optional(),
});
export type Policy = z.infer<typeof policySchema>;

/** Abuse limits the API enforces before anything starts (vendors allow about 5 card checks a day). */
export const abuseLimitsSchema = z.object({
  applicationsPerCardPerDay: z.number().int().positive(),
  applicationsPerMobilePerDay: z.number().int().positive(),
  /** One person trying name and ID number over and over is looking for a match, or is being impersonated. */
  applicationsPerIdNumberPerDay: z.number().int().positive(),
  /** One app or partner token: a leaked token must not become a free identity oracle. */
  applicationsPerCallerPerDay: z.number().int().positive(),
});
export type AbuseLimits = z.infer<typeof abuseLimitsSchema>;

export const defaultAbuseLimits: AbuseLimits = {
  applicationsPerCardPerDay: 5,
  applicationsPerMobilePerDay: 5,
  applicationsPerIdNumberPerDay: 5,
  applicationsPerCallerPerDay: 100_000,
};

/**
 * What each channel offers and how it differs from the bank's base policy. The bank's own app
 * runs the current flow only (v1 and v2 are retired there; applications already running keep
 * theirs). A partner bank's app embeds the flow through the SDK and may run any version; by
 * default the three-element + face flow, since the partner's customers are its own and the
 * reserved phone is where applicants dropped out.
 */
export interface ChannelPolicy {
  /** Versions a start request on this channel may ask for. */
  flowVersions: readonly FlowVersion[];
  /** The version when the request names none. */
  defaultFlowVersion: FlowVersion;
  /** Changes to the base policy (caps, SLAs, SMS tries) for this channel's applications. */
  overrides: PolicyOverrides;
}

export type PolicyOverrides = Partial<Omit<Policy, 'review'>> & { review?: Partial<ReviewPolicy> };

export type ChannelPolicies = Readonly<Record<Channel, ChannelPolicy>>;

export const channelPolicies: ChannelPolicies = {
  // v4 is what the law asks of a remote opening; v3 stays offered while apps move over.
  OWN_APP: { flowVersions: ['v3', 'v4'], defaultFlowVersion: 'v4', overrides: {} },
  PARTNER: {
    flowVersions: ['v1', 'v2', 'v3', 'v4'],
    defaultFlowVersion: 'v2',
    // Partner agreements promise a faster review turnaround than the bank's own queue.
    overrides: { review: { operatorSlaSeconds: 2 * 3600 } },
  },
};

/** The policy an application of this channel runs under (workflow input, fixed at start). */
export function policyFor(base: Policy, channel: ChannelPolicy): Policy {
  const { review, ...rest } = channel.overrides;
  return { ...base, ...rest, review: { ...base.review, ...review } };
}
