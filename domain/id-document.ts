/**
 * Tiers of an ID-card photo check. Tier 1 (not an ID card, expired, data contradicting what
 * was entered) rejects; tier 2 (occluded, blurred, glare, partly unreadable) opens the account
 * and sends it to review; clean images pass.
 */
import type { ImageQualityFlag, OcrResponse } from '../contracts/providers';
import { pass, reject, review } from './step-results';
import type { ReasonCode, StepResult } from './steps';

const TIER_2: Record<ImageQualityFlag, ReasonCode> = {
  OCCLUDED: 'ID_IMAGE_OCCLUDED',
  BLURRED: 'ID_IMAGE_BLURRED',
  GLARE: 'ID_IMAGE_GLARE',
  PARTLY_UNREADABLE: 'ID_IMAGE_PARTLY_UNREADABLE',
};

export function classifyIdDocument(
  front: OcrResponse,
  back: OcrResponse,
  entered: { name: string; idNumber: string },
  today: string,
): StepResult {
  const step = 'ID_DOCUMENT';
  if (!front.isIdCard || !back.isIdCard || front.side !== 'FRONT' || back.side !== 'BACK') {
    return reject(step, 'ID_NOT_AN_ID_CARD');
  }
  const { validUntil } = back.fields;
  if (validUntil && validUntil !== 'LONG' && validUntil < today) return reject(step, 'ID_CARD_EXPIRED');
  const { name, idNumber } = front.fields;
  if ((name && name !== entered.name) || (idNumber && idNumber.toUpperCase() !== entered.idNumber)) {
    return reject(step, 'ID_DATA_MISMATCH');
  }
  const reasons = new Set<ReasonCode>([...front.quality, ...back.quality].map((q) => TIER_2[q]));
  // A field the reader could not see, even without a quality flag, still needs a human look.
  if (!name || !idNumber || !validUntil) reasons.add('ID_IMAGE_PARTLY_UNREADABLE');
  return reasons.size > 0 ? review(step, ...[...reasons].sort()) : pass(step);
}
