/**
 * How staff (an operator's proposal, a supervisor's confirmation, an operator's decision) and the
 * holder (an appeal) reach a bank-restriction case (bank-restriction.ts). Who sends comes from the
 * caller's token, set by the API, which signs each staff message (signature.ts); validators refuse
 * an unsigned or wrongly signed one, and what the case is not waiting for, before anything is
 * recorded.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  BankRestrictionCase,
  RestrictionCategory,
  RestrictionDecision,
} from '../../domain/bank-restrictions';
import type { Intent } from '../../domain/opening-intent';
import type { ReVerificationDocuments, RiskLifePolicy } from '../../domain/risk-life';
import type { RestrictionSigned } from './signature';

/**
 * The operator's proposal as the API signed it, sent with the case's start (update-with-start): the
 * same fields as the start's `proposal`, and when it was signed (signature.ts: a proposal is taken
 * only while fresh).
 */
export type ProposalMessage = {
  proposedBy: string;
  category: RestrictionCategory;
  note: string;
  /** Epoch milliseconds, the API's clock. */
  signedAt: number;
} & RestrictionSigned;

/** A supervisor's confirmation: the same category as the proposal, their own note. */
// Types, not interfaces: an argument typed with one is then a Record, as the signature check takes.
export type Confirmation = {
  supervisor: string;
  category: RestrictionCategory;
  note: string;
} & RestrictionSigned;

/** The holder's appeal: a re-verification as the API received it, and the risk life's policy it runs under. */
export interface Appeal {
  documents: ReVerificationDocuments;
  intent: Intent;
  policy: RiskLifePolicy;
}

export type DecisionMessage = {
  operator: string;
  decision: RestrictionDecision;
  note: string;
} & RestrictionSigned;

/** Answers the case as proposed, once the signed proposal is taken. */
export const proposeRestriction = defineUpdate<BankRestrictionCase, [ProposalMessage]>('proposeRestriction');
/** Answers once the restriction is in force (the hold placed). */
export const confirmRestriction = defineUpdate<BankRestrictionCase, [Confirmation]>('confirmRestriction');
/** Answers the appeal's re-verification case id once it has started. */
export const appealRestriction = defineUpdate<{ caseId: string }, [Appeal]>('appealRestriction');
/** Answers once the decision has taken effect (the hold lifted, or the restriction upheld). */
export const decideRestriction = defineUpdate<BankRestrictionCase, [DecisionMessage]>('decideRestriction');
export const getBankRestriction = defineQuery<BankRestrictionCase>('getBankRestriction');
