// The worker bundles this file: every workflow type it serves is exported here.
export { onboarding } from './onboarding/onboarding';
export { review } from './review/review';
