/**
 * Callers and their bearer tokens, as the environment lists them: "who=token,who=token". Each
 * caller has its own token, so decisions record who made them. Pure, so that both the server's
 * configuration (config/) and the operator CLI (which may not import server code) parse the
 * lists the same way and share the development defaults.
 */
import * as z from 'zod';

export interface Credential {
  id: string;
  token: string;
}

/** The development tokens `npm start` prints: set real ones anywhere else. */
export const developmentTokens = {
  APP_TOKENS: 'bank-app=dev-app-token-change-me',
  PARTNER_APP_TOKENS: 'partner-demo=dev-partner-app-token-change-me',
  OPERATOR_TOKENS: 'op-alice=dev-operator-alice-change-me,op-bob=dev-operator-bob-change-me',
  SUPERVISOR_TOKENS: 'sup-carol=dev-supervisor-carol-change-me',
  /** Payment institutions (WECHAT_PAY, UNIONPAY, JD_PAY): they sign agreements and debit under them. */
  INSTITUTION_TOKENS:
    'WECHAT_PAY=dev-wechat-pay-token-change-me,UNIONPAY=dev-unionpay-token-change-me,JD_PAY=dev-jd-pay-token-change-me',
  /** Engineers: they decode payloads through the codec server (as operators may). */
  ENGINEER_TOKENS: 'eng-dave=dev-engineer-dave-change-me',
  /**
   * Not tokens: the development partner's webhook signing secret, listed the same way. The
   * `whsec_` form apps' Standard Webhooks libraries take, of the bytes of the former plain default
   * (`dev-partner-demo-webhook-secret-change-me`), so that the key is the same either way.
   */
  PARTNER_WEBHOOK_SECRETS: 'partner-demo=whsec_ZGV2LXBhcnRuZXItZGVtby13ZWJob29rLXNlY3JldC1jaGFuZ2UtbWU=',
} as const;

/**
 * The bank's own app's development webhook secret (`WEBHOOK_SECRET`): `whsec_` of the bytes of the
 * former plain default, `dev-webhook-secret-change-me`, so an app still holding that one verifies.
 */
export const developmentWebhookSecret = 'whsec_ZGV2LXdlYmhvb2stc2VjcmV0LWNoYW5nZS1tZQ==';

/**
 * Keys the signatures with which the API vouches for each decision, claim and release it sends a
 * review (workflows/review/message-signature.ts); the worker checks them with the same key.
 */
export const developmentDecisionSigningKey = 'dev-decision-signing-key-change-me-0123456789';

/**
 * A "who=token,..." list, the fallback when the variable is unset (outside production: there an
 * unset list is empty, config/production.ts).
 */
export const credentials = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((list, ctx): Credential[] =>
      // An empty list is no callers (a bank without partner apps); tokens may hold '=' (base64).
      (list.trim() === '' ? [] : list.split(',')).map((pair) => {
        const at = pair.indexOf('=');
        const [id, token] =
          at < 0 ? [pair.trim(), ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        if (!/^[\w.-]{2,40}$/.test(id) || token.length < 16) {
          ctx.addIssue({
            code: 'custom',
            message: 'each entry must be who=token, with a token of 16+ characters',
          });
        }
        return { id, token };
      }),
    );
