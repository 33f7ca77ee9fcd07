/** How institutions (through the API) reach a signing. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AgreementSigningView, SubmitAgreementCodeResult } from '../../domain/agreement-signing';

/** The start's update (update-with-start): answers once the elements are checked and the code is sent, or refused. */
export const awaitSigningAnswer = defineUpdate<AgreementSigningView, [string]>('awaitSigningAnswer');

/** The code the holder received; a wrong one answers the tries left. */
export const submitAgreementCode = defineUpdate<SubmitAgreementCodeResult, [string]>('submitAgreementCode');

/** The institution or the holder's app cancels a signing not yet signed (a signed one is cancelled in core banking). */
export const cancelSigning = defineUpdate<AgreementSigningView, [{ by: string }]>('cancelSigning');

export const getSigning = defineQuery<AgreementSigningView>('getSigning');

/** The fingerprint of the request that started the signing: a start re-sent after it ended is checked against it. */
export const getSigningFingerprint = defineQuery<string>('getSigningFingerprint');
