/**
 * Records the release baseline into test/histories: one history per flow version and review path,
 * and per path of every other workflow (run with `npm run record-histories` after a deliberate,
 * patched workflow change, and commit the files; docs/changing-workflows.md). Not part of
 * `npm test`: the replay suite only reads what this wrote.
 *
 * Payloads are encrypted (docs/encryption.md): each path is recorded as `<path>-encrypted`, and
 * the data keys its history needs, wrapped by the fixed test master key, go to
 * test/histories/data-keys.json. A block can be recorded on its own (`-t "<its name>"`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { visibilityApplicationIndex } from '../../adapters/visibility';
import { Applications } from '../../api/services/applications';
import { defaultPolicy, type Policy } from '../../domain/application';
import { addDays, todayInChina } from '../../domain/china-time';
import { defaultIdExpiryPolicy } from '../../domain/id-expiry';
import { defaultRetentionPolicy } from '../../domain/retention';
import {
  agreementWorkflowId,
  onboardingWorkflowId,
  renewalWorkflowId,
  reviewWorkflowId,
} from '../../domain/workflow-ids';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { MemoryDataKeyStore } from '../../stores/data-key-store';
import { SqliteLegalHoldStore } from '../../stores/legal-holds';
import { SqlitePersonRows } from '../../stores/person-rows';
import { SqliteRetentionIndex } from '../../stores/retention-index';
import { createWorker } from '../../worker/create-worker';
import { loadRecordedKeys, saveRecordedKeys } from '../replay/recorded-keys';
import { testKeyring } from '../security/keys';
import { bearer, startApi } from '../support/api';
import { listPunished, newDevice, newV4Application } from '../support/flow-v4';
import {
  type Harness,
  newApplication,
  newFlowApplication,
  readSmsCode,
  sandboxPorts,
  startHarness,
  workflowBundle,
} from '../support/harness';
import { saveHistory as savePlain } from '../support/histories';
import { newCard, newPerson } from '../support/people';
import { eventually, newPhotos, openWithReview } from '../support/review';
import { refuse, startOwnSandboxes } from '../workflows/own-sandboxes';
import { recordBankRestrictions } from './bank-restriction';
import { recordDormancy } from './dormancy';
import { recordReVerificationOutcome } from './re-verification-outcome';
import { recordRiskLife } from './risk-life';

// The keys recorded before come along: the deployment key (for payloads of no application) must
// stay the one earlier histories were encrypted under.
const keyStore = new MemoryDataKeyStore(await loadRecordedKeys());
let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    {
      smsCodeWaitSeconds: 2,
      review: { operatorSlaSeconds: 1, resubmissionDeadlineSeconds: 2 },
    },
    { keyring: testKeyring(keyStore) },
  );
});
afterAll(async () => {
  await saveRecordedKeys(await keyStore.list());
  await h?.stop();
});

/** Each path under its encrypted name; the plaintext recordings of the same paths stay as they are. */
const saveHistory = (client: Harness['client'], workflowId: string, name: string, runId?: string) =>
  savePlain(client, workflowId, `${name}-encrypted`, runId);

const finish = (workflowId: string) => h.client.workflow.getHandle(workflowId).result();
const approve = { decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' } as const;
const reject = { decision: 'REJECT', reasonCode: 'DOCUMENT_ILLEGIBLE', note: 'unreadable' } as const;

it('records the onboarding paths', async () => {
  const clean = await newApplication(h.documents);
  await h.applications.start(clean);
  await h.applications.submitSmsCode(
    clean.applicationId,
    await readSmsCode(h.providersUrl, clean.applicant.mobile),
  );
  await finish(onboardingWorkflowId(clean.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(clean.applicationId), 'onboarding-v3-clean');
  const events = (await h.client.workflow.getHandle(onboardingWorkflowId(clean.applicationId)).fetchHistory())
    .events?.length;
  console.log(`[figures] clean v3 application: ${events} history events`);

  const rejected = await newApplication(h.documents, { person: newPerson('王不符'), card: newCard('0002') });
  await h.applications.start(rejected);
  await finish(onboardingWorkflowId(rejected.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(rejected.applicationId), 'onboarding-v3-rejected');

  const wrongCodes = await newApplication(h.documents);
  await h.applications.start(wrongCodes);
  const right = await readSmsCode(h.providersUrl, wrongCodes.applicant.mobile);
  const wrong = right === '111111' ? '222222' : '111111';
  await h.applications.submitSmsCode(wrongCodes.applicationId, wrong);
  await h.applications.submitSmsCode(wrongCodes.applicationId, right);
  await finish(onboardingWorkflowId(wrongCodes.applicationId));
  await saveHistory(
    h.client,
    onboardingWorkflowId(wrongCodes.applicationId),
    'onboarding-v3-wrong-code-then-right',
  );

  const resends = new Applications({
    client: h.client,
    taskQueue: h.taskQueue,
    policy: { ...defaultPolicy, smsResendIntervalSeconds: 0, smsCodeWaitSeconds: 60 },
    firstAnswerWaitMs: 1000,
  });
  const resent = await newApplication(h.documents);
  await resends.start(resent);
  const first = await readSmsCode(h.providersUrl, resent.applicant.mobile);
  await resends.submitSmsCode(resent.applicationId, first === '111111' ? '222222' : '111111');
  expect(await resends.resendSmsCode(resent.applicationId)).toEqual({ resendsLeft: 2 });
  const resentCode = await readSmsCode(h.providersUrl, resent.applicant.mobile);
  expect((await resends.submitSmsCode(resent.applicationId, resentCode)).status).toBe('OPENED');
  await finish(onboardingWorkflowId(resent.applicationId));
  await saveHistory(
    h.client,
    onboardingWorkflowId(resent.applicationId),
    'onboarding-v3-wrong-code-resend-then-right',
  );

  const abandoned = await newApplication(h.documents);
  await h.applications.start(abandoned);
  expect((await finish(onboardingWorkflowId(abandoned.applicationId))).status).toBe('ABANDONED');
  await saveHistory(h.client, onboardingWorkflowId(abandoned.applicationId), 'onboarding-v3-abandoned');

  // A card busy once: its check retried alone, as a local activity of its own.
  const busyOnce = await newApplication(h.documents, { card: newCard('0010') });
  await h.applications.start(busyOnce);
  await h.applications.submitSmsCode(
    busyOnce.applicationId,
    await readSmsCode(h.providersUrl, busyOnce.applicant.mobile),
  );
  expect((await finish(onboardingWorkflowId(busyOnce.applicationId))).status).toBe('OPENED');
  await saveHistory(
    h.client,
    onboardingWorkflowId(busyOnce.applicationId),
    'onboarding-v3-busy-check-retried',
  );
});

it('records the v1 and v2 paths (partner channel)', async () => {
  const partner = { partnerId: 'partner-x' };
  const v1 = await newFlowApplication(h.documents, 'v1');
  await h.applications.start(v1, partner);
  await h.applications.submitSmsCode(
    v1.applicationId,
    await readSmsCode(h.providersUrl, v1.applicant.mobile),
  );
  await finish(onboardingWorkflowId(v1.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(v1.applicationId), 'onboarding-v1-clean');

  const v2 = await newFlowApplication(h.documents, 'v2', { withoutMobile: true });
  expect((await h.applications.start(v2, partner)).status).toBe('OPENED');
  await finish(onboardingWorkflowId(v2.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(v2.applicationId), 'onboarding-v2-clean');

  const borderline = await newFlowApplication(h.documents, 'v2', { withoutMobile: true, face: 'BORDERLINE' });
  expect((await h.applications.start(borderline, partner)).review).toBe('PENDING');
  await finish(onboardingWorkflowId(borderline.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(borderline.applicationId), 'onboarding-v2-face-review');

  const spoof = await newFlowApplication(h.documents, 'v2', { withoutMobile: true, face: 'SPOOF' });
  expect((await h.applications.start(spoof, partner)).status).toBe('REJECTED');
  await finish(onboardingWorkflowId(spoof.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(spoof.applicationId), 'onboarding-v2-face-spoof');
});

it('records the review paths', async () => {
  const approved = await openWithReview(h);
  await finish(onboardingWorkflowId(approved.req.applicationId));
  await saveHistory(h.client, onboardingWorkflowId(approved.req.applicationId), 'onboarding-v3-tier2-review');
  await h.reviews.decide(
    approved.reviewId,
    { round: 1, decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' },
    'op-alice',
  );
  await finish(approved.reviewId);
  await saveHistory(h.client, approved.reviewId, 'review-approved');

  // The longest path: escalated, rejected, a bad re-submission, frozen, a good one, approved.
  const longest = await openWithReview(h);
  await eventually(
    () => h.reviews.get(longest.reviewId),
    (c) => c.escalated,
  );
  await h.reviews.decide(longest.reviewId, { round: 1, ...reject }, 'op-alice');
  await h.reviews.resubmit(longest.req.applicationId, await newPhotos(h, longest.req.applicant, ['BLURRED']));
  await eventually(
    () => h.reviews.get(longest.reviewId),
    (c) => c.hold === 'FROZEN',
  );
  await h.reviews.resubmit(longest.req.applicationId, await newPhotos(h, longest.req.applicant));
  await h.reviews.decide(longest.reviewId, { round: 2, ...approve }, 'op-bob');
  await finish(longest.reviewId);
  const file = await saveHistory(
    h.client,
    reviewWorkflowId(longest.req.applicationId),
    'review-longest-path',
  );
  const events = (await h.client.workflow.getHandle(longest.reviewId).fetchHistory()).events?.length;
  console.log(`[figures] longest review path: ${events} history events (${file})`);
});

/**
 * The ways an application ends FAILED (docs/terminal-states.md): a bind refused (the account
 * restricted), with and without a review started before it, and with the hold refused too; an
 * opening refused; a check or the SMS code refused for good; a missing document; the deadline
 * passing in the checks and while the code is awaited. Then a reconciliation run over them.
 */
it('records the failed applications', async () => {
  const under = (overrides: Partial<Policy>) =>
    new Applications({
      client: h.client,
      taskQueue: h.taskQueue,
      policy: { ...defaultPolicy, ...overrides },
      firstAnswerWaitMs: 1000,
    });
  const confirm = async (applications: Applications, req: Awaited<ReturnType<typeof newApplication>>) =>
    applications.submitSmsCode(req.applicationId, await readSmsCode(h.providersUrl, req.applicant.mobile));
  const record = async (applicationId: string, name: string) => {
    await finish(onboardingWorkflowId(applicationId));
    await saveHistory(h.client, onboardingWorkflowId(applicationId), name);
  };
  const knobs = async (core: string[], providers: string[] = []) => {
    await refuse(h.coreBankingUrl, core);
    await refuse(h.providersUrl, providers);
  };

  try {
    await knobs(['bind']);
    const bind = await newApplication(h.documents);
    await h.applications.start(bind);
    expect((await confirm(h.applications, bind)).status).toBe('FAILED');
    await record(bind.applicationId, 'onboarding-v3-bind-refused');
    const tier2Bind = await newApplication(h.documents, { front: { quality: ['BLURRED'] } });
    await h.applications.start(tier2Bind);
    expect((await confirm(h.applications, tier2Bind)).status).toBe('FAILED');
    await record(tier2Bind.applicationId, 'onboarding-v3-tier2-bind-refused');

    await knobs(['bind', 'hold']);
    const unrestricted = await newApplication(h.documents);
    await h.applications.start(unrestricted);
    expect((await confirm(h.applications, unrestricted)).status).toBe('FAILED');
    await record(unrestricted.applicationId, 'onboarding-v3-bind-and-hold-refused');

    await knobs(['open']);
    const open = await newApplication(h.documents);
    await h.applications.start(open);
    expect((await confirm(h.applications, open)).status).toBe('FAILED');
    await record(open.applicationId, 'onboarding-v3-open-refused');

    await knobs([], ['identity']);
    const identity = await newApplication(h.documents);
    expect((await h.applications.start(identity)).status).toBe('FAILED');
    await record(identity.applicationId, 'onboarding-v3-check-refused');

    await knobs([], ['sms']);
    const sms = await newApplication(h.documents);
    await h.applications.start(sms);
    expect((await confirm(h.applications, sms)).status).toBe('FAILED');
    await record(sms.applicationId, 'onboarding-v3-sms-refused');
    await knobs([]);

    const missing = await newApplication(h.documents);
    const gone = { idFront: randomBytes(32).toString('hex'), idBack: randomBytes(32).toString('hex') };
    expect((await h.applications.start({ ...missing, documents: gone })).status).toBe('FAILED');
    await record(missing.applicationId, 'onboarding-v3-document-missing');

    const short = under({ applicationDeadlineSeconds: 3, smsCodeWaitSeconds: 60 });
    const busy = await newApplication(h.documents, { card: newCard('0009') });
    await short.start(busy);
    await record(busy.applicationId, 'onboarding-v3-deadline-in-checks');
    const slow = await newApplication(h.documents);
    await short.start(slow);
    await record(slow.applicationId, 'onboarding-v3-deadline-awaiting-code');

    // A reconciliation run over what was just recorded (its worker reads this task queue's applications).
    const queue = `record-reconcile-${randomUUID()}`;
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const worker = await createWorker({
      connection,
      namespace: 'default',
      taskQueue: queue,
      ports: {
        ...sandboxPorts(h.documentsDir, h.keyring),
        applications: visibilityApplicationIndex(h.client, h.taskQueue),
      },
      dataConverter: encryptedDataConverter(h.keyring),
      workflowBundle: await workflowBundle(),
    });
    const workflowId = `reconcile-record-${randomUUID()}`;
    await worker.runUntil(
      h.client.workflow.execute('reconcile', {
        workflowId,
        taskQueue: queue,
        args: [{ periodSeconds: 3600, lagSeconds: 0 }],
      }),
    );
    await connection.close();
    await saveHistory(h.client, workflowId, 'reconcile-run');
  } finally {
    await knobs([]);
  }
});

/**
 * The review's other paths: a watch-list doubt that restricts from the start and is cleared by
 * two operators; a hold core banking refused, then placed; closed with a supervisor; fraud
 * confirmed; frozen past the deadline and closed; and a review that continued as new (both runs).
 */
it('records the review decisions and bounds', async () => {
  const b = await startHarness(
    {
      review: {
        operatorSlaSeconds: 60,
        resubmissionDeadlineSeconds: 2,
        frozenDeadlineSeconds: 1,
        continueAsNewAtUpdates: 3,
        bankActionWindowSeconds: 1,
        bankActionBackoffSeconds: 1,
        bankActionMaxBackoffSeconds: 2,
      },
    },
    { keyring: testKeyring(keyStore) },
  );
  const finished = (workflowId: string) => b.client.workflow.getHandle(workflowId).result();
  const record = async (reviewId: string, name: string) => {
    await finished(reviewId);
    await saveHistory(b.client, reviewId, name);
  };
  const supervisor = { id: 'sup-carol', role: 'supervisor' };
  const close = {
    decision: 'CLOSE_ACCOUNT',
    reasonCode: 'CUSTOMER_UNREACHABLE',
    note: 'unreachable',
  } as const;
  const fraud = { decision: 'CONFIRM_FRAUD', reasonCode: 'FORGED_DOCUMENT', note: 'montage' } as const;
  const legible = { decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' } as const;
  try {
    const watch = await newApplication(b.documents, { person: newPerson('周疑似') });
    await b.applications.start(watch);
    await b.applications.submitSmsCode(
      watch.applicationId,
      await readSmsCode(b.providersUrl, watch.applicant.mobile),
    );
    const watchId = reviewWorkflowId(watch.applicationId);
    await eventually(
      () => b.reviews.get(watchId),
      (c) => c.hold === 'RECEIVE_ONLY',
    );
    await b.reviews.decide(watchId, { round: 1, ...legible }, 'op-alice');
    await b.reviews.decide(watchId, { round: 1, ...legible }, 'op-bob');
    await record(watchId, 'review-watchlist-two-operators');

    const refused = await openWithReview(b);
    await refuse(b.coreBankingUrl, ['hold']);
    expect((await b.reviews.decide(refused.reviewId, { round: 1, ...reject }, 'op-alice')).status).toBe(
      'ACTION_PENDING',
    );
    await refuse(b.coreBankingUrl, []);
    await eventually(
      () => b.reviews.get(refused.reviewId),
      (c) => c.status === 'AWAITING_RESUBMISSION',
    );
    await b.reviews.resubmit(refused.req.applicationId, await newPhotos(b, refused.req.applicant));
    await b.reviews.decide(refused.reviewId, { round: 2, ...approve }, 'op-bob');
    await record(refused.reviewId, 'review-hold-refused-then-placed');

    const closed = await openWithReview(b);
    await b.reviews.decide(closed.reviewId, { round: 1, ...close }, 'op-alice');
    await b.reviews.decide(closed.reviewId, { round: 1, ...close }, supervisor);
    await record(closed.reviewId, 'review-closed');

    const fraudulent = await openWithReview(b);
    await b.reviews.decide(fraudulent.reviewId, { round: 1, ...fraud }, 'op-alice');
    await b.reviews.decide(fraudulent.reviewId, { round: 1, ...fraud }, supervisor);
    await record(fraudulent.reviewId, 'review-fraud-confirmed');

    const frozen = await openWithReview(b);
    await b.reviews.decide(frozen.reviewId, { round: 1, ...reject }, 'op-alice');
    await record(frozen.reviewId, 'review-frozen-then-closed');

    const long = await openWithReview(b);
    const firstRun = (await b.client.workflow.getHandle(long.reviewId).describe()).runId;
    await b.reviews.decide(long.reviewId, { round: 1, ...reject }, 'op-alice');
    await b.reviews.resubmit(long.req.applicationId, await newPhotos(b, long.req.applicant));
    await b.reviews.claim(long.reviewId, 'op-bob');
    await eventually(
      async () => (await b.client.workflow.getHandle(long.reviewId).describe()).runId,
      (runId) => runId !== firstRun,
    );
    await b.reviews.decide(long.reviewId, { round: 2, ...approve }, 'op-bob');
    await finished(long.reviewId);
    await saveHistory(b.client, long.reviewId, 'review-continued-first-run', firstRun);
    await saveHistory(b.client, long.reviewId, 'review-continued-second-run');
  } finally {
    await refuse(b.coreBankingUrl, []);
    await b.stop();
  }
});

/**
 * Issue 14's workflows: a signing with a wrong code then the right one, a signing refused for
 * elements that do not match, the ID-expiry sweep acting on an account, a renewal, and a review
 * whose re-submitted photos record the card's end date. The sweep acts on every account of the
 * sandbox it is given (its events sealed under each account's application key): it gets
 * sandboxes of its own.
 */
it('records the agreement and expiry paths', async () => {
  const own = await startOwnSandboxes();
  const b = await startHarness(
    {},
    { keyring: testKeyring(keyStore), providersUrl: own.providersUrl, coreBankingUrl: own.coreBankingUrl },
  );
  const api = await startApi(b);
  const wechat = bearer('institution', 'WECHAT_PAY');
  try {
    const req = await newApplication(b.documents, { back: { validForDays: 40 } });
    await b.applications.start(req);
    const opened = await b.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(b.providersUrl, req.applicant.mobile),
    );
    if (opened.status !== 'OPENED') throw new Error('not opened');
    const request = {
      accountNumber: opened.accountNumber,
      holder: req.applicant,
      scope: 'QUICK_PAY',
      perDebitLimitCny: '100',
      dailyLimitCny: '200',
    };
    const started = await api.inject({
      method: 'POST',
      url: '/v1/agreements',
      headers: wechat,
      payload: { ...request, reference: `record-${randomUUID()}` },
    });
    const { agreementId } = started.json() as { agreementId: string };
    const code = await readSmsCode(b.providersUrl, req.applicant.mobile);
    const url = `/v1/agreements/${agreementId}/sms-code`;
    await api.inject({
      method: 'POST',
      url,
      headers: wechat,
      payload: { code: code === '111111' ? '222222' : '111111' },
    });
    await api.inject({ method: 'POST', url, headers: wechat, payload: { code } });
    await b.client.workflow.getHandle(agreementWorkflowId(agreementId)).result();
    await saveHistory(b.client, agreementWorkflowId(agreementId), 'agreement-wrong-code-then-signed');

    const mismatch = await api.inject({
      method: 'POST',
      url: '/v1/agreements',
      headers: wechat,
      payload: {
        ...request,
        holder: { ...req.applicant, mobile: '13900000000' },
        reference: `record-${randomUUID()}`,
      },
    });
    const refusedId = (mismatch.json() as { agreementId: string }).agreementId;
    await b.client.workflow.getHandle(agreementWorkflowId(refusedId)).result();
    await saveHistory(b.client, agreementWorkflowId(refusedId), 'agreement-holder-mismatch');

    const validUntil = addDays(todayInChina(), 40);
    for (const [days, name] of [
      [30, 'id-expiry-sweep-receive-only'],
      [60, 'id-expiry-sweep-frozen'],
    ] as const) {
      const workflowId = `record-id-expiry-${randomUUID()}`;
      await b.client.workflow.execute('idExpirySweep', {
        workflowId,
        taskQueue: b.taskQueue,
        args: [{ policy: defaultIdExpiryPolicy, asOf: addDays(validUntil, days) }],
      });
      await saveHistory(b.client, workflowId, name);
    }
    const renewed = await api.inject({
      method: 'POST',
      url: `/v1/accounts/${opened.accountNumber}/id-renewal`,
      headers: bearer('app'),
      payload: await newPhotos(b, req.applicant),
    });
    expect(renewed.json()).toMatchObject({ accepted: true });
    await saveHistory(b.client, renewalWorkflowId(req.applicationId), 'id-renewal-accepted');

    // Re-submitted photos that pass record the card's end date.
    const reviewed = await openWithReview(b);
    await b.reviews.decide(reviewed.reviewId, { round: 1, ...reject }, 'op-alice');
    await b.reviews.resubmit(reviewed.req.applicationId, await newPhotos(b, reviewed.req.applicant));
    await b.reviews.decide(reviewed.reviewId, { round: 2, ...approve }, 'op-bob');
    await b.client.workflow.getHandle(reviewed.reviewId).result();
    await saveHistory(b.client, reviewed.reviewId, 'review-resubmission-records-validity');
  } finally {
    await api.close();
    await b.stop();
    await own.close();
  }
});

it('records the renewal while its webhook is undelivered', async () => {
  // The decision answered by update, the webhook after it: a second renewal checked by the same run.
  const down = await startHarness(
    {},
    { keyring: testKeyring(keyStore), appWebhookUrl: 'http://127.0.0.1:9/nowhere' },
  );
  const apis = new Map([[down, await startApi(down)]]);
  /** An account opened on the harness, and a renewal of its card through the API. */
  const open = async (harness: Harness) => {
    const req = await newApplication(harness.documents);
    await harness.applications.start(req);
    const opened = await harness.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(harness.providersUrl, req.applicant.mobile),
    );
    if (opened.status !== 'OPENED') throw new Error('not opened');
    const renew = async () =>
      (
        await apis.get(harness)!.inject({
          method: 'POST',
          url: `/v1/accounts/${opened.accountNumber}/id-renewal`,
          headers: bearer('app'),
          payload: await newPhotos(harness, req.applicant),
        })
      ).json();
    return { workflowId: renewalWorkflowId(req.applicationId), renew };
  };
  try {
    // The app's webhook down: a second renewal checked by the run still delivering the first's.
    const twice = await open(down);
    expect(await twice.renew()).toMatchObject({ accepted: true });
    expect(await twice.renew()).toMatchObject({ accepted: true });
    await down.client.workflow.getHandle(twice.workflowId).terminate('recorded');
    await saveHistory(down.client, twice.workflowId, 'id-renewal-two-while-undelivered');
  } finally {
    for (const api of apis.values()) await api.close();
    await down.stop();
  }
});

/**
 * Openings that settle before the application answers (issue 20): a watch-list doubt held receive-only before
 * OPENED is answered; a doubt's hold refused (the application fails, its account frozen); an
 * opening whose answer is lost until the deadline, its account then found by the application's
 * reference and frozen; and one that never reached core banking, found to have opened nothing.
 * On sandboxes of their own whose core banking loses or drops openings on request.
 */
it('records the settled openings', async () => {
  const lose = { answers: false, requests: false };
  const unavailable = { error: 'UNAVAILABLE', message: 'core banking is unavailable (recorder hook)' };
  const isOpen = (method: string, url: string) =>
    method === 'POST' && url.split('?')[0] === '/core/v1/accounts';
  const own = await startOwnSandboxes({
    beforeListen: ({ coreBanking }) => {
      coreBanking.addHook('onRequest', async (request, reply) => {
        if (lose.requests && isOpen(request.method, request.url)) return reply.status(503).send(unavailable);
      });
      coreBanking.addHook('onSend', async (request, reply, payload) => {
        if (!lose.answers || !isOpen(request.method, request.url)) return payload;
        reply.status(503);
        return JSON.stringify(unavailable);
      });
    },
  });
  const b = await startHarness(
    {},
    { keyring: testKeyring(keyStore), providersUrl: own.providersUrl, coreBankingUrl: own.coreBankingUrl },
  );
  const record = async (applicationId: string, name: string) => {
    const view = await b.client.workflow.getHandle(onboardingWorkflowId(applicationId)).result();
    await saveHistory(b.client, onboardingWorkflowId(applicationId), name);
    return view;
  };
  const confirm = async (req: Awaited<ReturnType<typeof newApplication>>) =>
    b.applications.submitSmsCode(req.applicationId, await readSmsCode(b.providersUrl, req.applicant.mobile));
  const short = new Applications({
    client: b.client,
    taskQueue: b.taskQueue,
    policy: { ...defaultPolicy, applicationDeadlineSeconds: 5 },
  });
  const partner = { partnerId: 'partner-x' };
  try {
    const doubt = await newApplication(b.documents, { person: newPerson('周疑似') });
    await b.applications.start(doubt);
    expect(await confirm(doubt)).toMatchObject({ status: 'OPENED', review: 'PENDING' });
    await record(doubt.applicationId, 'onboarding-v3-watchlist-doubt-held');

    await refuse(own.coreBankingUrl, ['hold']);
    const refused = await newApplication(b.documents, { person: newPerson('周疑似') });
    await b.applications.start(refused);
    expect((await confirm(refused)).status).toBe('FAILED');
    await record(refused.applicationId, 'onboarding-v3-watchlist-doubt-hold-refused');
    await refuse(own.coreBankingUrl, []);

    lose.answers = true;
    const found = await newFlowApplication(b.documents, 'v2', { withoutMobile: true, face: 'BORDERLINE' });
    await short.start(found, partner);
    const frozen = await record(found.applicationId, 'onboarding-v2-open-lost-account-found');
    expect(frozen).toMatchObject({ status: 'FAILED', failedStep: 'OPEN_ACCOUNT', review: 'NONE' });
    expect(frozen.accountNumber).toBeDefined();
    lose.answers = false;

    lose.requests = true;
    const none = await newFlowApplication(b.documents, 'v2', { withoutMobile: true });
    await short.start(none, partner);
    const nothing = await record(none.applicationId, 'onboarding-v2-open-lost-none-found');
    expect(nothing).toMatchObject({ status: 'FAILED', failedStep: 'OPEN_ACCOUNT' });
    expect(nothing.accountNumber).toBeUndefined();
  } finally {
    await refuse(own.coreBankingUrl, []);
    await b.stop();
    await own.close();
  }
});

/**
 * Issue 20, the review's failure paths: a re-submission whose check gives up (OCR down) and is
 * sent again, and accepted photos that lift the ID-expiry sweep's holds. On sandboxes of their
 * own: their fault knobs reach no one else.
 */
it('records the review failure paths', async () => {
  const own = await startOwnSandboxes();
  const b = await startHarness(
    { review: { resubmissionCallSeconds: 1 } },
    { keyring: testKeyring(keyStore), providersUrl: own.providersUrl, coreBankingUrl: own.coreBankingUrl },
  );
  const faults = async (body: object) => {
    const res = await fetch(`${own.providersUrl}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.ok).toBe(true);
  };
  const record = async (reviewId: string, name: string) => {
    await b.client.workflow.getHandle(reviewId).result();
    await saveHistory(b.client, reviewId, name);
  };
  try {
    const outage = await openWithReview(b);
    const photos = await newPhotos(b, outage.req.applicant);
    await b.reviews.decide(outage.reviewId, { round: 1, ...reject }, 'op-alice');
    await faults({ errorRate: 1 });
    await expect(b.reviews.resubmit(outage.req.applicationId, photos)).rejects.toThrow(
      /could not be checked/,
    );
    await faults({});
    expect(await b.reviews.resubmit(outage.req.applicationId, photos)).toMatchObject({ accepted: true });
    await b.reviews.decide(outage.reviewId, { round: 2, ...approve }, 'op-bob');
    await record(outage.reviewId, 'review-resubmission-check-gave-up-then-accepted');

    const expired = await openWithReview(b);
    const holdId = 'id-expiry:2025-01-01:RECEIVE_ONLY';
    const held = await fetch(`${own.coreBankingUrl}/core/v1/accounts/${expired.accountNumber}/holds`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `${expired.accountNumber}:${holdId}`,
      },
      body: JSON.stringify({ holdId, type: 'RECEIVE_ONLY', reason: 'ID_CARD_EXPIRED' }),
    });
    expect(held.ok).toBe(true);
    await b.reviews.decide(expired.reviewId, { round: 1, ...reject }, 'op-alice');
    await b.reviews.resubmit(expired.req.applicationId, await newPhotos(b, expired.req.applicant));
    await b.reviews.decide(expired.reviewId, { round: 2, ...approve }, 'op-bob');
    await record(expired.reviewId, 'review-resubmission-lifts-id-expiry');
  } finally {
    await faults({});
    await b.stop();
    await own.close();
  }
});

/**
 * Issue 21: a signing sealed under its account's application key (bound before it starts). On
 * sandboxes of their own.
 */
it('records the signing sealed per person', async () => {
  const own = await startOwnSandboxes();
  const b = await startHarness(
    {},
    { keyring: testKeyring(keyStore), providersUrl: own.providersUrl, coreBankingUrl: own.coreBankingUrl },
  );
  const api = await startApi(b);
  const wechat = bearer('institution', 'WECHAT_PAY');
  try {
    const req = await newApplication(b.documents, { back: { validForDays: 40 } });
    await b.applications.start(req);
    const opened = await b.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(b.providersUrl, req.applicant.mobile),
    );
    if (opened.status !== 'OPENED') throw new Error('not opened');
    const started = await api.inject({
      method: 'POST',
      url: '/v1/agreements',
      headers: wechat,
      payload: {
        accountNumber: opened.accountNumber,
        holder: req.applicant,
        scope: 'QUICK_PAY',
        perDebitLimitCny: '100',
        dailyLimitCny: '200',
        reference: `record-${randomUUID()}`,
      },
    });
    const { agreementId } = started.json() as { agreementId: string };
    const code = await readSmsCode(b.providersUrl, req.applicant.mobile);
    await api.inject({
      method: 'POST',
      url: `/v1/agreements/${agreementId}/sms-code`,
      headers: wechat,
      payload: { code },
    });
    await b.client.workflow.getHandle(agreementWorkflowId(agreementId)).result();
    await saveHistory(b.client, agreementWorkflowId(agreementId), 'agreement-signed-sealed-per-person');
  } finally {
    await api.close();
    await b.stop();
    await own.close();
  }
});

/**
 * A reconciliation run whose mismatch (an account whose application this run's index does not
 * know) names the application only. On sandboxes of its own.
 */
it('records the reconcile of an account without application', async () => {
  const own = await startOwnSandboxes();
  const b = await startHarness(
    {},
    { keyring: testKeyring(keyStore), providersUrl: own.providersUrl, coreBankingUrl: own.coreBankingUrl },
  );
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  try {
    const req = await newApplication(b.documents);
    await b.applications.start(req);
    await b.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(b.providersUrl, req.applicant.mobile),
    );
    // The period ends at the run's time: let the account be older than it.
    await new Promise((r) => setTimeout(r, 1100));
    const queue = `record-reconcile-${randomUUID()}`;
    const worker = await createWorker({
      connection,
      namespace: 'default',
      taskQueue: queue,
      ports: {
        ...sandboxPorts(b.documentsDir, b.keyring, {
          providersUrl: own.providersUrl,
          coreBankingUrl: own.coreBankingUrl,
        }),
        // An index of another queue: the account just opened has no application it knows.
        applications: visibilityApplicationIndex(b.client, `no-applications-${randomUUID()}`),
      },
      dataConverter: encryptedDataConverter(b.keyring),
      workflowBundle: await workflowBundle(),
    });
    const workflowId = `reconcile-record-${randomUUID()}`;
    const report = await worker.runUntil(
      b.client.workflow.execute('reconcile', {
        workflowId,
        taskQueue: queue,
        args: [{ periodSeconds: 3600, lagSeconds: 0 }],
      }),
    );
    expect(report).toMatchObject({
      mismatches: [{ kind: 'ACCOUNT_WITHOUT_APPLICATION', applicationId: req.applicationId }],
    });
    await saveHistory(b.client, workflowId, 'reconcile-run-account-without-application');
  } finally {
    await connection.close();
    await b.stop();
    await own.close();
  }
});

/**
 * Issue 24: v2 applications whose checks went through the Tencent Cloud adapters
 * (PROVIDER_PROFILE=tencent-cloud), the FACE check's input carrying the applicant's name (which
 * ImageRecognition needs).
 */
it('records the v2 paths through Tencent Cloud', async () => {
  const t = await startHarness({}, { keyring: testKeyring(keyStore), providerProfile: 'tencent-cloud' });
  try {
    const partner = { partnerId: 'partner-x' };
    const clean = await newFlowApplication(t.documents, 'v2', { withoutMobile: true });
    expect((await t.applications.start(clean, partner)).status).toBe('OPENED');
    await t.client.workflow.getHandle(onboardingWorkflowId(clean.applicationId)).result();
    await saveHistory(
      t.client,
      onboardingWorkflowId(clean.applicationId),
      'onboarding-v2-clean-tencent-cloud',
    );
    const borderline = await newFlowApplication(t.documents, 'v2', {
      withoutMobile: true,
      face: 'BORDERLINE',
    });
    expect(await t.applications.start(borderline, partner)).toMatchObject({
      status: 'OPENED',
      review: 'PENDING',
    });
    await t.client.workflow.getHandle(onboardingWorkflowId(borderline.applicationId)).result();
    await saveHistory(
      t.client,
      onboardingWorkflowId(borderline.applicationId),
      'onboarding-v2-face-review-tencent-cloud',
    );
  } finally {
    await t.stop();
  }
});

/**
 * Flow v4 (issue 22): clean (LOW), the declaration not confirmed, a listed
 * person, the second identity on a device (MEDIUM), the third (LINKED_APPLICANTS, HIGH, receive-only)
 * and a watch-list doubt (HIGH, lowered limits). Each uses a device of its own, so the shared linked-applicants counts of other runs do not reach them.
 */
it('records the flow v4 paths', async () => {
  const b = await startHarness({}, { keyring: testKeyring(keyStore) });
  const record = async (applicationId: string, name: string) => {
    const view = await b.client.workflow.getHandle(onboardingWorkflowId(applicationId)).result();
    await saveHistory(b.client, onboardingWorkflowId(applicationId), name);
    return view;
  };
  const open = async (req: Awaited<ReturnType<typeof newV4Application>>) => {
    await b.applications.start(req);
    return b.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(b.providersUrl, req.applicant.mobile),
    );
  };
  try {
    const clean = await newV4Application(b.documents);
    expect(await open(clean)).toMatchObject({ status: 'OPENED', review: 'NONE' });
    expect(await record(clean.applicationId, 'onboarding-v4-clean')).toMatchObject({ riskRating: 'LOW' });

    const unconfirmed = await newV4Application(b.documents, {
      intent: { purpose: 'SAVINGS', declaresNoRentOrSale: false },
    });
    expect((await b.applications.start(unconfirmed)).status).toBe('REJECTED');
    await record(unconfirmed.applicationId, 'onboarding-v4-intent-not-confirmed');

    const listed = await newV4Application(b.documents);
    await listPunished(b.providersUrl, listed.applicant.idNumber);
    expect((await b.applications.start(listed)).reasons).toEqual(['PUNISHMENT_LISTED']);
    await record(listed.applicationId, 'onboarding-v4-listed');

    const device = newDevice();
    await open(await newV4Application(b.documents, { device }));
    const second = await newV4Application(b.documents, { device });
    await open(second);
    expect(await record(second.applicationId, 'onboarding-v4-medium-rating')).toMatchObject({
      riskRating: 'MEDIUM',
    });
    const third = await newV4Application(b.documents, { device });
    expect(await open(third)).toMatchObject({ status: 'OPENED', review: 'PENDING' });
    expect(await record(third.applicationId, 'onboarding-v4-linked-doubt')).toMatchObject({
      riskRating: 'HIGH',
      links: { identitiesOnDevice: 3 },
    });

    const watch = await newV4Application(b.documents, { person: newPerson('周疑似') });
    expect(await open(watch)).toMatchObject({ status: 'OPENED', review: 'PENDING' });
    expect(await record(watch.applicationId, 'onboarding-v4-high-rating')).toMatchObject({
      riskRating: 'HIGH',
    });
  } finally {
    await b.stop();
  }
});

/**
 * The account's risk life (issue 23): the re-verification sweep's hold, and re-verifications
 * passed and failed (test/record/risk-life.ts), on sandboxes of their own.
 */
it('records the risk-life paths', async () => {
  const own = await startOwnSandboxes();
  const b = await startHarness(
    {},
    { keyring: testKeyring(keyStore), providersUrl: own.providersUrl, coreBankingUrl: own.coreBankingUrl },
  );
  const api = await startApi(b);
  try {
    await recordRiskLife(b, api, saveHistory);
  } finally {
    await api.close();
    await b.stop();
    await own.close();
  }
});

/**
 * Abnormal-account restrictions (issue 23, part 2): lapsed, lifted, appealed and escalated cases,
 * and a lift core banking refused at first (test/record/bank-restriction.ts).
 */
it('records the bank-restriction paths', async () => {
  // Sandboxes of their own: one path has core banking refuse a lift.
  const own = await startOwnSandboxes();
  const b = await startHarness(
    {},
    { keyring: testKeyring(keyStore), providersUrl: own.providersUrl, coreBankingUrl: own.coreBankingUrl },
  );
  try {
    await recordBankRestrictions(b, saveHistory);
  } finally {
    await b.stop();
    await own.close();
  }
});

/**
 * Dormancy (issue 23): the dormancy sweep's paths (test/record/dormancy.ts), on sandboxes of
 * their own.
 */
it('records the dormancy paths', async () => {
  const own = await startOwnSandboxes();
  const b = await startHarness(
    {},
    { keyring: testKeyring(keyStore), providersUrl: own.providersUrl, coreBankingUrl: own.coreBankingUrl },
  );
  try {
    await recordDormancy(b, saveHistory);
  } finally {
    await b.stop();
    await own.close();
  }
});

/**
 * Issue 21: the daily retention run (a new workflow type) destroying a rejected applicant's data
 * once a one-second never-customer period passed.
 */
it('records the retention run', async () => {
  const b = await startHarness({}, { keyring: testKeyring(keyStore) });
  const retentionQueue = `retention-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue: retentionQueue,
    ports: sandboxPorts(b.documentsDir, b.keyring, { audit: b.audit }),
    dataConverter: encryptedDataConverter(b.keyring),
    workflowBundle: await workflowBundle(),
    retention: {
      index: new SqliteRetentionIndex(path.join(b.documentsDir, 'retention.db')),
      holds: new SqliteLegalHoldStore(path.join(b.documentsDir, 'legal-holds.db')),
      keyring: b.keyring,
      documents: b.documents,
      personRows: new SqlitePersonRows(
        {
          sessions: path.join(b.documentsDir, 'api-sessions.db'),
          limits: path.join(b.documentsDir, 'limits.db'),
        },
        'test-counter-hmac-key-0123456789',
      ),
      client: b.client,
      taskQueue: b.taskQueue,
    },
  });
  const running = worker.run();
  try {
    const req = await newApplication(b.documents, { card: newCard('0001') });
    expect(await b.applications.start(req)).toMatchObject({ status: 'REJECTED' });
    await eventually(
      async () =>
        (
          await b.client.workflow.count(
            `WorkflowId = 'application-${req.applicationId}' AND ExecutionStatus != 'Running'`,
          )
        ).count,
      (n) => n === 1,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const workflowId = `retention-run-${randomUUID()}`;
    const totals = await b.client.workflow.execute('retentionRun', {
      taskQueue: retentionQueue,
      workflowId,
      args: [
        {
          policy: {
            ...defaultRetentionPolicy,
            neverCustomerSeconds: 1,
            visibilityLagSeconds: 0,
            pageSize: 2,
          },
        },
      ],
    });
    expect(totals).toMatchObject({ destroyed: 1 });
    await saveHistory(b.client, workflowId, 'retention-run-destroyed');
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await b.stop();
  }
});

/**
 * Issue 23, part 4: the funnel's ReVerificationOutcome upsert, a passed and a failed case
 * (test/record/re-verification-outcome.ts).
 */
it('records the re-verification outcome', async () => {
  const b = await startHarness({}, { keyring: testKeyring(keyStore) });
  const api = await startApi(b);
  try {
    await recordReVerificationOutcome(b, api, saveHistory);
  } finally {
    await api.close();
    await b.stop();
  }
});
