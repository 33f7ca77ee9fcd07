/** How apps (through the API) talk to a running application. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApplicationView, ResendCodeResult, SubmitCodeResult } from '../../domain/application';

/**
 * Sent with the start (update-with-start): answers as soon as the application waits for the
 * SMS code or has been decided, so the app never polls. The argument is the start request's
 * fingerprint: the same applicationId with a different body is refused.
 */
export const awaitFirstAnswer = defineUpdate<ApplicationView, [requestFingerprint: string]>(
  'awaitFirstAnswer',
);

/** The code the applicant received; answers the opened account, the tries left, or the rejection. */
export const submitSmsCode = defineUpdate<SubmitCodeResult, [code: string]>('submitSmsCode');

/**
 * A new code for the same verification, once the policy's interval since the last one has
 * passed and while new codes are left; the tries left carry over. Answers the new codes left.
 */
export const resendSmsCode = defineUpdate<ResendCodeResult, []>('resendSmsCode');

export const getApplication = defineQuery<ApplicationView>('getApplication');

/** The start request's fingerprint, to tell a repeated start from a different one after the end. */
export const getRequestFingerprint = defineQuery<string>('getRequestFingerprint');
