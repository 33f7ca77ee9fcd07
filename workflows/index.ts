// The worker bundles this file: every workflow type it serves is exported here.

import type { agreement as agreementWorkflow } from './agreement/agreement';
import type { bankRestriction as bankRestrictionWorkflow } from './bank-restriction/bank-restriction';
import type { idRenewal as renewalWorkflow } from './id-expiry/renewal';
import type { idExpirySweep as sweepWorkflow } from './id-expiry/sweep';
import type { reVerification as reVerificationWorkflow } from './re-verification/re-verification';
import type { retentionRun as retentionWorkflow } from './retention/run';
import type { review as reviewWorkflow } from './review/review';
import type { dormancySweep as dormancySweepWorkflow } from './risk-sweeps/dormancy-sweep';
import type { reVerificationSweep as reVerificationSweepWorkflow } from './risk-sweeps/re-verification-sweep';

export { onboarding } from './onboarding/onboarding';
export { reconcile } from './reconcile';

/**
 * The review's modules load when a review runs, not at every workflow's start: with
 * reuseV8Context each workflow evaluates the modules it loads anew, and the review's bring in
 * domain/review.ts and its schemas, which an onboarding without a doubt never uses.
 */
export function review(...args: Parameters<typeof reviewWorkflow>): ReturnType<typeof reviewWorkflow> {
  return (require('./review/review') as typeof import('./review/review')).review(...args);
}

/** A signing loads its own modules only when one runs, for the same reason. */
export function agreement(
  ...args: Parameters<typeof agreementWorkflow>
): ReturnType<typeof agreementWorkflow> {
  return (require('./agreement/agreement') as typeof import('./agreement/agreement')).agreement(...args);
}

/** The ID-expiry lifecycle: the daily sweep and a renewal, each loading its modules when it runs. */
export function idExpirySweep(...args: Parameters<typeof sweepWorkflow>): ReturnType<typeof sweepWorkflow> {
  return (require('./id-expiry/sweep') as typeof import('./id-expiry/sweep')).idExpirySweep(...args);
}

export function idRenewal(...args: Parameters<typeof renewalWorkflow>): ReturnType<typeof renewalWorkflow> {
  return (require('./id-expiry/renewal') as typeof import('./id-expiry/renewal')).idRenewal(...args);
}

/** The account's risk life: a re-verification and the daily sweep, each loading its modules when it runs. */
export function reVerification(
  ...args: Parameters<typeof reVerificationWorkflow>
): ReturnType<typeof reVerificationWorkflow> {
  return (
    require('./re-verification/re-verification') as typeof import('./re-verification/re-verification')
  ).reVerification(...args);
}

export function reVerificationSweep(
  ...args: Parameters<typeof reVerificationSweepWorkflow>
): ReturnType<typeof reVerificationSweepWorkflow> {
  return (
    require('./risk-sweeps/re-verification-sweep') as typeof import('./risk-sweeps/re-verification-sweep')
  ).reVerificationSweep(...args);
}

/** The daily dormancy sweep (docs/risk-life.md, Dormancy), loading its modules when it runs. */
export function dormancySweep(
  ...args: Parameters<typeof dormancySweepWorkflow>
): ReturnType<typeof dormancySweepWorkflow> {
  return (
    require('./risk-sweeps/dormancy-sweep') as typeof import('./risk-sweeps/dormancy-sweep')
  ).dormancySweep(...args);
}

/** The daily retention run (docs/retention.md), loading its modules when it runs. */
export function retentionRun(
  ...args: Parameters<typeof retentionWorkflow>
): ReturnType<typeof retentionWorkflow> {
  return (require('./retention/run') as typeof import('./retention/run')).retentionRun(...args);
}

/** An abnormal-account restriction case (docs/risk-life.md), loading its modules when one runs. */
export function bankRestriction(
  ...args: Parameters<typeof bankRestrictionWorkflow>
): ReturnType<typeof bankRestrictionWorkflow> {
  return (
    require('./bank-restriction/bank-restriction') as typeof import('./bank-restriction/bank-restriction')
  ).bankRestriction(...args);
}
