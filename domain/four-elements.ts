/**
 * UnionPay element checks as step results: four elements (name, ID number, card, reserved
 * mobile) and three elements (the same without the mobile, so never a phone mismatch).
 */
import type { UnionPayResult } from '../contracts/providers';
import { pass, reject } from './step-results';
import type { ReasonCode, StepResult } from './steps';

const REASONS = {
  MISMATCH: 'CARD_MISMATCH',
  PHONE_MISMATCH: 'CARD_PHONE_MISMATCH',
  CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED: 'CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED',
  CARD_REPORTED_LOST: 'CARD_REPORTED_LOST',
  CARD_EXPIRED: 'CARD_EXPIRED',
  CARD_RESTRICTED: 'CARD_RESTRICTED',
  PIN_TRIES_EXCEEDED: 'CARD_PIN_TRIES_EXCEEDED',
  DAILY_CHECKS_EXCEEDED: 'CARD_DAILY_CHECKS_EXCEEDED',
} as const satisfies Record<Exclude<UnionPayResult, 'MATCH' | 'BUSY'>, ReasonCode>;

/** BUSY never gets here: it is the one transient answer, retried by the activity. */
export function classifyFourElements(result: Exclude<UnionPayResult, 'BUSY'>): StepResult {
  return result === 'MATCH' ? pass('CARD_FOUR_ELEMENTS') : reject('CARD_FOUR_ELEMENTS', REASONS[result]);
}

export function classifyThreeElements(result: Exclude<UnionPayResult, 'BUSY'>): StepResult {
  return result === 'MATCH' ? pass('CARD_THREE_ELEMENTS') : reject('CARD_THREE_ELEMENTS', REASONS[result]);
}
