/** What `test/global-setup.ts` hands to test files: `inject('temporalAddress')` and so on. */
declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the shared in-memory Temporal dev server, namespace `default`. */
    temporalAddress: string;
    /** Base URL of the providers sandbox (UnionPay, face, watch list, SMS). */
    providersUrl: string;
    /** Base URL of the core-banking sandbox. */
    coreBankingUrl: string;
  }
}

/** The worker signs webhooks with it; the sandbox inbox verifies them, as a real app would. */
export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

/** The partner banks' webhooks (their own sandbox inboxes), each signed with its own secret. */
export const TEST_PARTNER_WEBHOOK_SECRETS: Record<string, string> = {
  'partner-x': 'test-partner-x-webhook-secret-0123456789',
  'partner-y': 'test-partner-y-webhook-secret-0123456789',
};
