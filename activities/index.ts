import type { Ports } from '../adapters/ports';
import { createAgreementActivities } from './agreements';
import { createAuditActivities } from './audit';
import { createDormancyActivities } from './dormancy';
import { createIdExpiryActivities } from './id-expiry';
import { createOnboardingActivities } from './onboarding';
import { createReVerificationActivities } from './re-verification';
import { createReconcileActivities } from './reconcile';
import { createRetentionActivities, type RetentionDeps } from './retention';
import { createReviewActivities } from './review';

/**
 * Every activity the worker registers, built from the ports it is given; `retention`: the stores
 * the retention run reads and destroys (without them its activities fail, non-retryable).
 */
export function createActivities(ports: Ports, retention?: RetentionDeps) {
  return {
    ...createOnboardingActivities(ports),
    ...createReviewActivities(ports),
    ...createAuditActivities(ports),
    ...createReconcileActivities(ports),
    ...createAgreementActivities(ports),
    ...createIdExpiryActivities(ports),
    ...createReVerificationActivities(ports),
    ...createDormancyActivities(ports),
    ...createRetentionActivities(ports, retention),
  };
}

export type Activities = ReturnType<typeof createActivities>;
