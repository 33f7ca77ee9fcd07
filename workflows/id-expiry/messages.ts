/** How the API reaches a renewal of the holder's ID card. */
import { defineUpdate } from '@temporalio/workflow';
import type { IdCardPhotos } from '../../domain/documents';
import type { IdRenewalResult } from '../../domain/id-expiry';

/**
 * New photos of the holder's card (update-with-start):
 * answers the renewal's decision as soon as it is known, while its webhook is delivered in the
 * background; refused while another renewal of the account is being checked.
 */
export const renewIdCard = defineUpdate<IdRenewalResult, [documents: IdCardPhotos]>('renewIdCard');
