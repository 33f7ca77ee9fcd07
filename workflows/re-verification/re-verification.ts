/**
 * A re-verification of the account's holder (domain/risk-life.ts): the intent declaration again,
 * and new ID photos (OCR and the identity register) or a selfie (face), checked like an opening's
 * against the holder core banking knows, as a review checks re-submitted photos. Passed: the next
 * due date is set from the account's rating, the holds of a missed re-verification are lifted,
 * and the app hears ID_RE_VERIFIED. Not passed: nothing changes, the app hears
 * ID_RE_VERIFICATION_FAILED with the reasons, and the holder may try again (a new case).
 * One case at a time per account (the workflow id is the application's).
 */
import {
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { todayInChina } from '../../domain/china-time';
import type { Intent } from '../../domain/opening-intent';
import { outcomeOf } from '../../domain/re-verification-outcomes';
import type {
  ReVerificationDocuments,
  ReVerificationReason,
  ReVerificationResult,
  RiskLifePolicy,
} from '../../domain/risk-life';
import { checkOptions, coreBankingOptions } from '../activity-options';
import { Outbox } from '../outbox';
import { ReVerificationOutcomeKey } from '../search-attributes';

const checks = proxyLocalActivities<Activities>(
  checkOptions({ within: '1 minute', final: ['MissingDocument'] }),
);
const bank = proxyActivities<Activities>(coreBankingOptions({ final: ['AccountNotFound'] }));

/** The app's receiver is retried for a day, as a renewal's. */
const EVENT_GIVE_UP_SECONDS = 24 * 3600;

export interface ReVerificationInput {
  accountNumber: string;
  applicationId: string;
  partnerId?: string;
  documents: ReVerificationDocuments;
  intent: Intent;
  policy: RiskLifePolicy;
}

export async function reVerification(input: ReVerificationInput): Promise<ReVerificationResult> {
  const outbox = new Outbox(EVENT_GIVE_UP_SECONDS, input.partnerId);
  const result = await decide(input);
  // The funnel counts outcomes through visibility (api/services/funnel.ts): the decision as a code,
  // published before the webhook's delivery so a case waiting on the app's receiver counts as decided.
  upsertSearchAttributes([{ key: ReVerificationOutcomeKey, value: outcomeOf(result) }]);
  const { accountNumber, applicationId } = input;
  const caseId = workflowInfo().firstExecutionRunId;
  outbox.send(
    result.passed
      ? {
          eventId: `${applicationId}:re-verification:${caseId}:ID_RE_VERIFIED`,
          type: 'ID_RE_VERIFIED',
          applicationId,
          data: { accountNumber, caseId, nextDueAt: result.nextDueAt, lifted: result.lifted.length },
        }
      : {
          eventId: `${applicationId}:re-verification:${caseId}:ID_RE_VERIFICATION_FAILED`,
          type: 'ID_RE_VERIFICATION_FAILED',
          applicationId,
          data: { accountNumber, caseId, reasons: result.reasons, action: 'RE_VERIFY' },
        },
  );
  await outbox.settled();
  return result;
}

const failed = (reasons: ReVerificationReason[]): ReVerificationResult => ({
  passed: false,
  reasons,
  lifted: [],
});

async function decide(input: ReVerificationInput): Promise<ReVerificationResult> {
  const { accountNumber, applicationId, documents } = input;
  // Any boolean is an answer: withholding the declaration fails the case, as it rejects an opening.
  if (!input.intent.declaresNoRentOrSale) return failed(['INTENT_NOT_CONFIRMED']);
  const holder = await checks.getAccountHolder({ accountNumber });
  if (!holder) return failed(['ID_DATA_MISMATCH']);
  if ('selfie' in documents) {
    const face = await checks.checkReVerificationFace({
      applicationId,
      caseId: workflowInfo().firstExecutionRunId,
      idNumber: holder.idNumber,
      name: holder.name,
      selfie: documents.selfie,
    });
    // A borderline likeness is not a pass: the holder tries again (an opening's REVIEW needs an account to hold).
    if (face.outcome !== 'PASS') return failed(face.reasons);
  } else {
    const card = await checks.checkIdDocument({ applicant: holder, documents });
    if (card.outcome !== 'PASS') return failed(card.reasons);
    const { validUntil } = card;
    if (!validUntil || (validUntil !== 'LONG' && validUntil < todayInChina(new Date())))
      return failed(['ID_CARD_EXPIRED']);
    const register = await checks.checkIdentity(holder);
    if (register.outcome !== 'PASS') return failed(register.reasons);
  }
  const done = await bank.completeReVerification({
    accountNumber,
    verifiedAt: new Date().toISOString(),
    policy: input.policy,
  });
  return { passed: true, reasons: [], nextDueAt: done.nextDueAt, lifted: done.lifted };
}
