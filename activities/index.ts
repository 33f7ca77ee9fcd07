import type { Ports } from '../adapters/ports';
import { createAgreementActivities } from './agreements';
import { createAuditActivities } from './audit';
import { createIdExpiryActivities } from './id-expiry';
import { createOnboardingActivities } from './onboarding';
import { createReVerificationActivities } from './re-verification';
import { createReconcileActivities } from './reconcile';
import { createReviewActivities } from './review';

/** Every activity the worker registers, built from the ports it is given. */
export function createActivities(ports: Ports) {
  return {
    ...createOnboardingActivities(ports),
    ...createReviewActivities(ports),
    ...createAuditActivities(ports),
    ...createReconcileActivities(ports),
    ...createAgreementActivities(ports),
    ...createIdExpiryActivities(ports),
    ...createReVerificationActivities(ports),
  };
}

export type Activities = ReturnType<typeof createActivities>;
