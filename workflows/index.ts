// The worker bundles this file: every workflow type it serves is exported here.
export { onboarding } from './onboarding/onboarding';
export { reconcile } from './reconcile';
export { review } from './review/review';
