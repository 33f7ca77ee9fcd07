/**
 * Photos of the holder's new ID card, checked as a review checks re-submitted ones: against the
 * holder core banking knows, and valid today. Accepted, the new end date is kept with the
 * account and the holds the expiry placed are lifted; the app hears ID_RENEWED. One check at a
 * time per account (the workflow id is the application's).
 *
 * The photos come by update (`renewIdCard`, sent with the start), which answers as soon as the renewal is decided: the webhook is delivered in the
 * background, for up to a day while the app's receiver is down. A renewal that arrives meanwhile
 * is checked by the same run, so an undelivered webhook never blocks the next renewal.
 */
import { allHandlersFinished, condition, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { todayInChina } from '../../domain/china-time';
import type { IdCardPhotos } from '../../domain/documents';
import type { IdRenewalResult } from '../../domain/id-expiry';
import { bank, checkOptions } from '../activity-options';
import { Outbox } from '../outbox';
import { refuse } from '../refuse';
import { renewIdCard } from './messages';

const checks = proxyLocalActivities<Activities>(
  checkOptions({ within: '1 minute', final: ['MissingDocument'] }),
);

export interface IdRenewalInput {
  accountNumber: string;
  applicationId: string;
  partnerId?: string;
}

export type { IdRenewalResult };

/** The last renewal's decision (none if its check failed). */
export async function idRenewal(input: IdRenewalInput): Promise<IdRenewalResult | undefined> {
  const outbox = new Outbox(24 * 3600, input.partnerId);

  let checking = false;
  let received = 0;
  let last: IdRenewalResult | undefined;
  const renew = async (documents: IdCardPhotos): Promise<IdRenewalResult> => {
    // Both before any await: a second update in the same activation finds this one checking.
    checking = true;
    received += 1;
    try {
      last = await decide(input, documents, outbox);
      return last;
    } finally {
      checking = false;
    }
  };
  setHandler(renewIdCard, renew, {
    validator: (_documents) => {
      if (checking)
        refuse('PHOTOS_IN_FLIGHT', 'photos for this account are being checked; try again shortly');
    },
  });

  await condition(() => received > 0);
  for (;;) {
    await condition(() => !checking);
    const seen = received;
    let delivered = false;
    void outbox.settled().then(() => {
      delivered = true;
    });
    await condition(() => delivered || received !== seen);
    if (delivered && received === seen) break;
  }
  await condition(allHandlersFinished);
  return last;
}

async function decide(
  input: IdRenewalInput,
  documents: IdCardPhotos,
  outbox: Outbox,
): Promise<IdRenewalResult> {
  const { accountNumber, applicationId } = input;
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
  outbox.send({
    eventId: `${applicationId}:id-renewed:${validUntil}`,
    type: 'ID_RENEWED',
    applicationId,
    data: { accountNumber, idValidUntil: validUntil, lifted: lifted.length },
  });
  return { accepted: true, reasons: [], idValidUntil: validUntil, lifted };
}
