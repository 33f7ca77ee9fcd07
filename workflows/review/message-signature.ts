/**
 * Decisions, claims and claim releases reach a review as Temporal updates, and whoever may write
 * to the namespace (the CLI, the Web UI, any client with its credentials) may send an update: the
 * operator's name in its argument proves nothing. The API, which takes that name from the
 * caller's token, signs each one with DECISION_SIGNING_KEY; the review's validators check the
 * signature with the key baked into the worker's bundle (worker/create-worker.ts) and refuse a
 * message without one, or with one that does not match, before anything is recorded.
 *
 * A signature covers the update's name, the workflow id, the update id and the whole argument
 * (operator, whether a supervisor, the round and the decision's body): it does not carry over to
 * another case, round, operator or body, nor to another update. Sent again under its own update
 * id (read off the history), Temporal answers the first outcome: update ids deduplicate in a run.
 *
 * Pure (the validators run in the workflow sandbox: no node:crypto, no environment), shared by
 * the API and the workflow so that both sign the same bytes.
 */
import { messageSignatureProblem, signMessage } from '../message-signing';

/**
 * The type of the refusal of a message the API did not sign for its update: sent straight to
 * Temporal, or by an API holding another key. Not in domain/refusals.ts on purpose: the API meets
 * it only when misconfigured, and answers it as the 500 that is.
 */
export const UNSIGNED_MESSAGE = 'UNSIGNED_MESSAGE';

/** The updates that act for an operator, and how a refusal names each. */
const NOUNS = { decide: 'decision', claim: 'claim', releaseClaim: 'claim release' } as const;

export type SignedUpdate = keyof typeof NOUNS;

/** Where a message is sent: a signature holds only there. */
export interface SignatureScope {
  update: SignedUpdate;
  workflowId: string;
  updateId: string;
}

/** The signature an update argument carries beside its fields. */
// A type, not an interface: an argument typed with it is then a Record, as signatureProblem takes.
export type Signed = {
  /**
   * Hex HMAC-SHA256 (signUpdate). Optional in the type because histories recorded before
   * signing carry none and must still replay; a validator refuses a message without one.
   */
  signature?: string;
};

/**
 * The signature of `args` for this update of this workflow: under a label of its own (the key
 * signs nothing else that could be passed off as a message), the scope, and the argument with its
 * keys sorted so that field order is no matter.
 */
export function signUpdate(key: string, scope: SignatureScope, args: object): string {
  return signMessage(key, 'account-opening/review-message/v1', scope, args);
}

/**
 * Why the message is refused, or undefined when the API signed it for this very update.
 * `key` undefined: a worker bundled without one (a replay worker), which accepts no message.
 */
export function signatureProblem(
  key: string | undefined,
  scope: SignatureScope,
  message: Signed & Readonly<Record<string, unknown>>,
): string | undefined {
  return messageSignatureProblem(key, message, (k, args) => signUpdate(k, scope, args), {
    noun: NOUNS[scope.update],
    signedFor: 'this case, round, operator and update',
  });
}
