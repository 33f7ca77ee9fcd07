/**
 * How staff (a supervisor's confirmation, an operator's decision) and the holder (an appeal) reach
 * a bank-restriction case (bank-restriction.ts). Who sends comes from the caller's token, set by
 * the API; validators refuse what the case is not waiting for before anything is recorded.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  BankRestrictionCase,
  RestrictionCategory,
  RestrictionDecision,
} from '../../domain/bank-restrictions';
import type { Intent } from '../../domain/opening-intent';
import type { ReVerificationDocuments, RiskLifePolicy } from '../../domain/risk-life';

/** A supervisor's confirmation: the same category as the proposal, their own note. */
export interface Confirmation {
  supervisor: string;
  category: RestrictionCategory;
  note: string;
}

/** The holder's appeal: a re-verification as the API received it, and the risk life's policy it runs under. */
export interface Appeal {
  documents: ReVerificationDocuments;
  intent: Intent;
  policy: RiskLifePolicy;
}

export interface DecisionMessage {
  operator: string;
  decision: RestrictionDecision;
  note: string;
}

/** Answers once the restriction is in force (the hold placed). */
export const confirmRestriction = defineUpdate<BankRestrictionCase, [Confirmation]>('confirmRestriction');
/** Answers the appeal's re-verification case id once it has started. */
export const appealRestriction = defineUpdate<{ caseId: string }, [Appeal]>('appealRestriction');
/** Answers once the decision has taken effect (the hold lifted, or the restriction upheld). */
export const decideRestriction = defineUpdate<BankRestrictionCase, [DecisionMessage]>('decideRestriction');
export const getBankRestriction = defineQuery<BankRestrictionCase>('getBankRestriction');
