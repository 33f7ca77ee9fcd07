/** Workflow ids derive from the app's UUID: repeatable for de-duplication, never personal data. */
export const onboardingWorkflowId = (applicationId: string): string => `application-${applicationId}`;

export const reviewWorkflowId = (applicationId: string): string => `review-${applicationId}`;

/** Review ids are the review workflow ids: what operators see and type. */
export const applicationIdOfReview = (reviewId: string): string | undefined =>
  /^review-([0-9a-f-]{36})$/.exec(reviewId)?.[1];

/** A renewal of the holder's ID card (the expiry lifecycle): one at a time per account. */
export const renewalWorkflowId = (applicationId: string): string => `renewal-${applicationId}`;

/** A re-verification of the account's holder (its risk life): one at a time per account. */
export const reVerificationWorkflowId = (applicationId: string): string => `re-verification-${applicationId}`;

/** An abnormal-account restriction case (domain/bank-restrictions.ts): one open at a time per account. */
export const bankRestrictionWorkflowId = (applicationId: string): string =>
  `bank-restriction-${applicationId}`;

/** The application an onboarding, review, renewal, re-verification or bank-restriction workflow belongs to. */
export const applicationIdOfWorkflow = (workflowId: string): string | undefined =>
  /^(?:application|review|renewal|re-verification|bank-restriction)-([0-9a-f-]{36})$/.exec(workflowId)?.[1];

/** A signing's workflow: its id is the agreementId, derived from the institution and its reference. */
export const agreementWorkflowId = (agreementId: string): string => `agreement-${agreementId}`;

const AGREEMENT_ID = /^agr-([0-9a-f]{32})$/;
export const isAgreementId = (id: string): boolean => AGREEMENT_ID.test(id);

/**
 * The agreement number (协议号) the bank issues on signing, derived from the agreementId, so
 * that cancelling or reading a signed agreement finds it in core banking whether or not the
 * signing's workflow is still kept. A number alone debits nothing: core banking also checks the
 * institution on every debit.
 */
export const agreementNumberOf = (agreementId: string): string => {
  const hex = AGREEMENT_ID.exec(agreementId)?.[1];
  if (!hex) throw new Error('not an agreementId');
  return `AG${hex.toUpperCase()}`;
};

/** The agreementId an agreement number was derived from; undefined for a number the bank did not derive. */
export const agreementIdOfNumber = (agreementNumber: string): string | undefined =>
  /^AG[0-9A-F]{32}$/.test(agreementNumber) ? `agr-${agreementNumber.slice(2).toLowerCase()}` : undefined;
