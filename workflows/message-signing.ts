/**
 * The signing both kinds of staff message share (a review's, workflows/review/message-signature.ts;
 * a bank restriction's, workflows/bank-restriction/signature.ts): HMAC-SHA256 under
 * DECISION_SIGNING_KEY over a label of the kind's own, the message's scope and its argument with
 * keys sorted, and the check a validator makes. Pure: validators run in the workflow sandbox.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../domain/canonical-json';

/** Hex HMAC-SHA256 of the label, the scope and the argument: the label keeps one kind's signature from passing as another's. */
export function signMessage(key: string, label: string, scope: object, args: object): string {
  return bytesToHex(
    hmac(sha256, utf8ToBytes(key), utf8ToBytes(canonicalJson({ signed: label, ...scope, args }))),
  );
}

/** Compares every character whatever differs first, so timing tells nothing of the right one. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Why a message is refused, or undefined when it carries the signature of `sign` over its other
 * fields. `key` undefined: a worker bundled without one (a replay worker), which accepts no message.
 * `noun` names the message in the refusal; `signedFor` says what a signature is bound to.
 */
export function messageSignatureProblem(
  key: string | undefined,
  message: { signature?: string } & Readonly<Record<string, unknown>>,
  sign: (key: string, args: object) => string,
  words: { noun: string; signedFor: string },
): string | undefined {
  const { signature, ...args } = message;
  if (typeof signature !== 'string' || signature === '')
    return `unsigned ${words.noun}: only the API may send one, signed for this case`;
  if (key === undefined)
    return `${words.noun} refused: this worker was bundled without the decision signing key`;
  if (!sameText(sign(key, args), signature))
    return `${words.noun} signature does not match: not signed by the API for ${words.signedFor}`;
  return undefined;
}
