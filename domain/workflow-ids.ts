/** Workflow ids derive from the app's UUID: repeatable for de-duplication, never personal data. */
export const onboardingWorkflowId = (applicationId: string): string => `application-${applicationId}`;

export const reviewWorkflowId = (applicationId: string): string => `review-${applicationId}`;

/** Review ids are the review workflow ids: what operators see and type. */
export const applicationIdOfReview = (reviewId: string): string | undefined =>
  /^review-([0-9a-f-]{36})$/.exec(reviewId)?.[1];

/** The application an onboarding or review workflow belongs to. */
export const applicationIdOfWorkflow = (workflowId: string): string | undefined =>
  /^(?:application|review)-([0-9a-f-]{36})$/.exec(workflowId)?.[1];
