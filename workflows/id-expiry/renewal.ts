/**
 * Photos of the holder's new ID card, checked as a review checks re-submitted ones: against the
 * holder core banking knows, and valid today. Accepted, the new end date is kept with the
 * account and the holds the expiry placed are lifted; the app hears ID_RENEWED. One at a time per
 * account (the workflow id is the application's).
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { todayInChina } from '../../domain/china-time';
import type { IdCardPhotos } from '../../domain/documents';
import type { IdRenewalResult } from '../../domain/id-expiry';
import { Outbox } from '../outbox';

const checks = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '200 ms',
    maximumInterval: '5 seconds',
    nonRetryableErrorTypes: ['ProviderContractError', 'MissingDocument'],
  },
});
const bank = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 ms',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: ['ProviderContractError'],
  },
});

export interface IdRenewalInput {
  accountNumber: string;
  applicationId: string;
  partnerId?: string;
  documents: IdCardPhotos;
}

export type { IdRenewalResult };

export async function idRenewal(input: IdRenewalInput): Promise<IdRenewalResult> {
  const { accountNumber, applicationId, partnerId, documents } = input;
  const holder = await checks.getAccountHolder({ accountNumber });
  if (!holder) return { accepted: false, reasons: ['ID_DATA_MISMATCH'], lifted: [] };
  const check = await checks.checkIdDocument({ applicant: holder, documents });
  const { validUntil } = check;
  if (check.outcome !== 'PASS') return { accepted: false, reasons: check.reasons, lifted: [] };
  // A card read without its end date, or one that has ended, renews nothing.
  if (!validUntil || (validUntil !== 'LONG' && validUntil < todayInChina(new Date()))) {
    return { accepted: false, reasons: ['ID_CARD_EXPIRED'], lifted: [] };
  }
  await bank.recordIdValidity({ accountNumber, validUntil });
  const { lifted } = await bank.liftIdExpiryHolds({ accountNumber });
  const outbox = new Outbox(24 * 3600, partnerId);
  outbox.send({
    eventId: `${applicationId}:id-renewed:${validUntil}`,
    type: 'ID_RENEWED',
    applicationId,
    data: { accountNumber, idValidUntil: validUntil, lifted: lifted.length },
  });
  await outbox.settled();
  return { accepted: true, reasons: [], idValidUntil: validUntil, lifted };
}
