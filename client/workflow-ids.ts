/** Workflow ids derive from the app's UUID: repeatable for de-duplication, never personal data. */
export const onboardingWorkflowId = (applicationId: string): string => `application-${applicationId}`;
