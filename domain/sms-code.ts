/**
 * The SMS code's shape, without zod: the API's schema (application.ts) and the workflow's
 * update validator share it, and workflow code builds no schema (each workflow would pay for it).
 */
export const SMS_CODE_PATTERN = /^\d{6}$/;
export const SMS_CODE_MESSAGE = 'must be the 6-digit code from the SMS';
