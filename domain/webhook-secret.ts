/**
 * The webhook secret rule, for the SDK: it may import domain/ only, and the rule lives in
 * contracts/webhook-secret.ts because the signer beside it (contracts/ imports nothing of the
 * project) needs it too. One implementation, reached from both ends.
 */
export { base64Bytes, webhookKey } from '../contracts/webhook-secret';
