/** What `test/global-setup.ts` hands to test files: `inject('temporalAddress')` and so on. */
declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the shared in-memory Temporal dev server, namespace `default`. */
    temporalAddress: string;
    /** Base URL of the providers sandbox (UnionPay, face, watch list, SMS). */
    providersUrl: string;
    /** Base URL of the core-banking sandbox. */
    coreBankingUrl: string;
    /** The workflow code bundled once for the run (JSON of code and source map): harnesses load it instead of bundling per file. */
    workflowBundleFile: string;
  }
}

/**
 * The worker signs webhooks with it; the sandbox inbox verifies them, as a real app would. The
 * Standard Webhooks form apps are given, of random bytes (not UTF-8), so a key that went through
 * text on the way would not verify.
 */
export const TEST_WEBHOOK_SECRET = 'whsec_nanXPQ4KNXM6J5cAgRi2tEdrRyuNBHZGIxE+pjxTjVg=';

/** The partner banks' webhooks (their own sandbox inboxes), each signed with its own secret. */
export const TEST_PARTNER_WEBHOOK_SECRETS: Record<string, string> = {
  'partner-x': 'whsec_MkEHFJvv8sc6RKoo7GcoTKyEJW1o02Wvf75GRss92cE=',
  'partner-y': 'whsec_VjhK3FTiiCMXqp0VxBjyGpD3zq7/RB4A5O5aO6zAG4c=',
};
