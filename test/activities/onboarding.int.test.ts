/**
 * Activities in the SDK's mock activity environment, against the sandboxes over HTTP:
 * what a retried activity does to the outside world.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import { DocumentStore } from '../../adapters/documents';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import '../provided';
import { testKeyring } from '../security/keys';
import { OWN_APP_TENANT, readAccount, sandboxPorts } from '../support/harness';
import { newCard, newPerson } from '../support/people';

let activities: ReturnType<typeof createActivities>;
let documents: DocumentStore;
let coreBankingUrl: string;
/** Activities that read documents learn the application from the workflow that runs them. */
const applicationId = randomUUID();
const env = new MockActivityEnvironment({
  workflowExecution: { workflowId: onboardingWorkflowId(applicationId), runId: randomUUID() },
});
/** env.run cannot infer the result type from the activity; this keeps tests typed. */
const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  env.run(fn, ...args) as Promise<R>;

beforeAll(async () => {
  coreBankingUrl = inject('coreBankingUrl');
  const documentsDir = await mkdtemp(path.join(os.tmpdir(), 'documents-'));
  const keyring = testKeyring();
  documents = new DocumentStore(documentsDir, keyring);
  activities = createActivities(sandboxPorts(documentsDir, keyring));
});

const personAccounts = async (idNumber: string) => {
  const res = await fetch(`${coreBankingUrl}/sandbox/stats?idNumber=${idNumber}`);
  return ((await res.json()) as { accounts: number }).accounts;
};

describe('openAccount', () => {
  it('a retried call answers the same account and opens no second one', async () => {
    const applicant = newPerson();
    const input = { applicationId: randomUUID(), applicant, channel: 'OWN_APP' };
    const first = await run(activities.openAccount, input);
    const retry = await run(activities.openAccount, input);
    expect(retry).toEqual(first);
    expect(await personAccounts(applicant.idNumber)).toBe(1);
  });

  it('a second application of the same person opens a second account', async () => {
    const applicant = newPerson();
    const base = { applicant, channel: 'OWN_APP' };
    const a = await run(activities.openAccount, { ...base, applicationId: randomUUID() });
    const b = await run(activities.openAccount, { ...base, applicationId: randomUUID() });
    expect(a).not.toEqual(b);
    expect(await personAccounts(applicant.idNumber)).toBe(2);
  });
});

describe('bindAccount', () => {
  it('a retried bind keeps one binding', async () => {
    const applicant = newPerson();
    const applicationId = randomUUID();
    const opened = await run(activities.openAccount, {
      applicationId,
      applicant,
      channel: 'OWN_APP',
    });
    if (!('accountNumber' in opened)) throw new Error('not opened');
    const bind = {
      applicationId,
      accountNumber: opened.accountNumber,
      boundAccount: { number: newCard(), kind: 'CREDIT' as const },
    };
    await run(activities.bindAccount, bind);
    await run(activities.bindAccount, bind);
    const account = await readAccount(coreBankingUrl, opened.accountNumber);
    expect(account.binding).toMatchObject({ kind: 'CREDIT' });
  });
});

describe('checkCardFourElements', () => {
  it('a retried check answers the same verification and sends one code', async () => {
    const applicant = newPerson();
    const input = { applicationId: randomUUID(), applicant, cardNumber: newCard() };
    const first = await run(activities.checkCardFourElements, input);
    const retry = await run(activities.checkCardFourElements, input);
    expect(first.result.outcome).toBe('PASS');
    expect(retry.verificationId).toBe(first.verificationId);
  });

  it('a card UnionPay keeps busy fails as retryable, so Temporal retries it', async () => {
    const input = { applicationId: randomUUID(), applicant: newPerson(), cardNumber: newCard('0009') };
    const err = await run(activities.checkCardFourElements, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
  });
});

describe('checkIdDocument', () => {
  it("passes clean photos whose data match the entry, with the card's end date read from its back", async () => {
    const applicant = newPerson();
    const idFront = await documents.put(
      makeIdCardImage({ side: 'FRONT', name: applicant.name, idNumber: applicant.idNumber }),
      OWN_APP_TENANT,
    );
    const idBack = await documents.put(makeIdCardImage({ side: 'BACK', validUntil: 'LONG' }), OWN_APP_TENANT);
    expect(await run(activities.checkIdDocument, { applicant, documents: { idFront, idBack } })).toEqual({
      step: 'ID_DOCUMENT',
      outcome: 'PASS',
      reasons: [],
      validUntil: 'LONG',
    });
  });

  it('sends a partly unreadable front to review', async () => {
    const applicant = newPerson();
    const idFront = await documents.put(
      makeIdCardImage({
        side: 'FRONT',
        name: applicant.name,
        idNumber: applicant.idNumber,
        quality: ['PARTLY_UNREADABLE'],
      }),
      OWN_APP_TENANT,
    );
    const idBack = await documents.put(
      makeIdCardImage({ side: 'BACK', validUntil: '2040-05-01' }),
      OWN_APP_TENANT,
    );
    expect(await run(activities.checkIdDocument, { applicant, documents: { idFront, idBack } })).toEqual({
      step: 'ID_DOCUMENT',
      outcome: 'REVIEW',
      reasons: ['ID_IMAGE_PARTLY_UNREADABLE'],
      validUntil: '2040-05-01',
    });
  });
});

describe('runChecks', () => {
  it('answers each check in the order asked: an answer, a failure for good by its type, or retry', async () => {
    const applicant = newPerson();
    const person = { name: applicant.name, idNumber: applicant.idNumber };
    const outcomes = await run(activities.runChecks, {
      calls: [
        { check: 'IDENTITY', input: person },
        // No photos named: the document check can never answer.
        { check: 'ID_DOCUMENT', input: { applicant: person, documents: {} } },
        // A card UnionPay keeps busy: a fault that may pass.
        {
          check: 'CARD_FOUR_ELEMENTS',
          input: { applicationId: randomUUID(), applicant, cardNumber: newCard('0009') },
        },
        { check: 'WATCHLIST', input: { ...person, deadlineAt: new Date(Date.now() - 1000).toISOString() } },
      ],
    });
    expect(outcomes).toEqual([
      { check: 'IDENTITY', answer: { step: 'IDENTITY', outcome: 'PASS', reasons: [] } },
      { check: 'ID_DOCUMENT', failedForGood: 'MissingDocument' },
      { check: 'CARD_FOUR_ELEMENTS', retry: true },
      { check: 'WATCHLIST', failedForGood: 'DeadlineExceeded' },
    ]);
  });
});
