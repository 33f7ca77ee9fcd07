/**
 * Four eyes on a bank restriction holds only if the names in its messages are the API's: whoever
 * may write to the namespace (the CLI, the Web UI, any client with its credentials) could otherwise
 * propose as one operator and confirm as a supervisor of their choosing, or lift as anyone. So the
 * API, which takes each name from the caller's token, signs the proposal, the confirmation and the
 * decision with DECISION_SIGNING_KEY (as it signs a review's messages:
 * workflows/review/message-signature.ts), and the case's validators refuse a message without a
 * signature, or with one that is not for this very message, before anything is recorded
 * (RESTRICTION_UNSIGNED, domain/refusals.ts).
 *
 * A signature covers the message's kind, the workflow id, the update id, the case (the run) where
 * the message meets a case already open, and the whole argument (actor and body): it does not carry
 * over to another case of the account, another actor or body, or another kind of message. A
 * proposal starts its case, so it cannot name the case: it carries the time it was signed instead,
 * and the case takes it only while fresh, so an old proposal read off a history cannot open a new
 * case in someone's name. Sent again under its own update id, Temporal answers the first outcome.
 *
 * Pure (validators run in the workflow sandbox: no node:crypto, no environment), shared by the API
 * and the workflow so that both sign the same bytes. Its own label: a review's signature is never
 * a restriction's, nor the other way round.
 */
import { messageSignatureProblem, signMessage } from '../message-signing';

/** The messages that act for a member of staff, and how a refusal names each. */
const NOUNS = {
  proposeRestriction: 'proposal',
  confirmRestriction: 'confirmation',
  decideRestriction: 'decision',
} as const;

export type SignedRestrictionMessage = keyof typeof NOUNS;

/** Where a message is sent: a signature holds only there. */
export interface RestrictionSignatureScope {
  message: SignedRestrictionMessage;
  workflowId: string;
  updateId: string;
  /** The case (its run id) a confirmation or decision is for; none for the proposal that opens it. */
  caseId?: string;
}

/** The signature a message carries beside its fields. */
export type RestrictionSigned = {
  /**
   * Hex HMAC-SHA256 (signRestrictionMessage). Optional in the type so that a message without one
   * reaches the validator, which refuses it with RESTRICTION_UNSIGNED instead of failing to decode.
   */
  signature?: string;
};

/** How long a signed proposal opens a case: long enough for the API's call, far too short for a replay. */
export const PROPOSAL_FRESH_MS = 5 * 60 * 1000;

/** The signature of `args` for this message of this case. */
export function signRestrictionMessage(key: string, scope: RestrictionSignatureScope, args: object): string {
  return signMessage(key, 'account-opening/bank-restriction-message/v1', scope, args);
}

/**
 * Why the message is refused, or undefined when the API signed it for this very message.
 * `key` undefined: a worker bundled without one (a replay worker), which accepts no message.
 */
export function restrictionSignatureProblem(
  key: string | undefined,
  scope: RestrictionSignatureScope,
  message: RestrictionSigned & Readonly<Record<string, unknown>>,
): string | undefined {
  return messageSignatureProblem(key, message, (k, args) => signRestrictionMessage(k, scope, args), {
    noun: NOUNS[scope.message],
    signedFor: 'this case, member of staff and message',
  });
}
