/**
 * The traces of a run hold none of the applicants' personal data nor their account numbers: the
 * worker traced as worker/main.ts traces it (workflows and activities, worker/tracing.ts) and the
 * client as the API does, every span kept in memory, while journeys run with core banking and a
 * provider failing on the way, so that failed activities put their failures into span statuses
 * and exception events. Each span's name, attributes, status message and events are searched.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import { Agreements, agreementIdOf } from '../../api/services/agreements';
import { defaultAgreementPolicy } from '../../domain/agreement-signing';
import type { SubmitCodeResult } from '../../domain/application';
import { agreementWorkflowId, onboardingWorkflowId } from '../../domain/workflow-ids';
import { bundleWorkflows } from '../../worker/create-worker';
import { tracingPlugin } from '../../worker/tracing';
import { reference } from '../support/agreements';
import {
  type Harness,
  newApplication,
  readSmsCode,
  startHarness,
  TEST_DECISION_SIGNING_KEY,
} from '../support/harness';
import { newPerson } from '../support/people';
import { openWithReview } from '../support/review';
import { type OwnSandboxes, startOwnSandboxes } from '../workflows/own-sandboxes';
import { findLeaks, type Sensitive, sensitiveOf } from './pii';

const exporter = new InMemorySpanExporter();
const spanProcessor = new SimpleSpanProcessor(exporter);
const resource = new Resource({ 'service.name': 'trace-scan' });
const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });

let sandboxes: OwnSandboxes;
let h: Harness;
let agreements: Agreements;
const sensitive: Sensitive[] = [];

beforeAll(async () => {
  // Activity and client spans go to the global provider; workflow spans reach the processor by sink.
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  sandboxes = await startOwnSandboxes();
  const plugin = await tracingPlugin({ resource, spanProcessor });
  h = await startHarness(
    {},
    {
      providersUrl: sandboxes.providersUrl,
      coreBankingUrl: sandboxes.coreBankingUrl,
      workflowBundle: await bundleWorkflows({
        decisionSigningKey: TEST_DECISION_SIGNING_KEY,
        plugins: [plugin],
      }),
      observability: { plugins: [plugin] },
      clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    },
  );
  agreements = new Agreements({
    client: h.client,
    taskQueue: h.taskQueue,
    policy: defaultAgreementPolicy,
    coreBanking: httpCoreBanking(h.coreBankingUrl),
  });
});
afterAll(async () => {
  await h?.stop();
  await sandboxes?.close();
  await provider.shutdown();
});

/** Every vendor-facing call of the sandbox answers 503 (1) or none does (0). */
async function failing(sandboxUrl: string, errorRate: 0 | 1): Promise<void> {
  const res = await fetch(`${sandboxUrl}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ errorRate }),
  });
  if (!res.ok) throw new Error(`PUT /sandbox/faults answered ${res.status}`);
}

function accountOf(answer: SubmitCodeResult): string {
  if (answer.status !== 'OPENED') throw new Error(`not opened: ${answer.status}`);
  return answer.accountNumber;
}

const failedActivityOf = (workflowId: string) => (s: ReadableSpan) =>
  s.name.startsWith('RunActivity:') &&
  s.status.code === SpanStatusCode.ERROR &&
  s.attributes.temporalWorkflowId === workflowId;

/** Waits until an activity of the workflow has failed and its span ended. */
async function untilActivityFailed(workflowId: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (exporter.getFinishedSpans().some(failedActivityOf(workflowId))) return;
    await sleep(100);
  }
  throw new Error(`no failed activity of ${workflowId} was traced`);
}

/** What a span shows a collector: its name, attributes, status and events. */
const shownBy = (s: ReadableSpan): string =>
  JSON.stringify({
    name: s.name,
    attributes: s.attributes,
    status: s.status,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    links: s.links.map((l) => l.attributes),
  });

describe('traces', () => {
  it('no span of the journeys names an applicant or an account, failed calls included', async () => {
    // Opens, and its holder signs an agreement while core banking fails the holder check at first.
    const opens = await newApplication(h.documents, { person: newPerson('欧阳明月') });
    await h.applications.start(opens);
    const opened = await h.applications.submitSmsCode(
      opens.applicationId,
      await readSmsCode(h.providersUrl, opens.applicant.mobile),
    );
    const accountNumber = accountOf(opened);
    sensitive.push(...sensitiveOf('opens', opens, { accountNumber }));

    const signingRef = reference('trace');
    // Bound to its holder's application beforehand: the start asks core banking for it otherwise.
    await h.keyring.bindWorkflow(
      agreementWorkflowId(agreementIdOf('WECHAT_PAY', signingRef)),
      opens.applicationId,
    );
    await failing(h.coreBankingUrl, 1);
    const signing = agreements.start(
      {
        accountNumber,
        holder: opens.applicant,
        scope: 'QUICK_PAY',
        perDebitLimitCny: '1000',
        dailyLimitCny: '1500',
        reference: signingRef,
      },
      'WECHAT_PAY',
    );
    await untilActivityFailed(agreementWorkflowId(agreementIdOf('WECHAT_PAY', signingRef)));
    await failing(h.coreBankingUrl, 0);
    const started = await signing;
    expect(started.status).toBe('AWAITING_SMS_CODE');
    const signed = await agreements.submitCode(
      started.agreementId,
      await readSmsCode(h.providersUrl, opens.applicant.mobile),
      'WECHAT_PAY',
    );
    expect(signed.status).toBe('SIGNED');

    // Opens for review; rejected, so a hold is placed, which core banking fails at first.
    const { req: reviewed, accountNumber: heldAccount, reviewId } = await openWithReview(h);
    sensitive.push(...sensitiveOf('reviewed', reviewed, { accountNumber: heldAccount }));
    await failing(h.coreBankingUrl, 1);
    const note = '欧阳的证件反光';
    sensitive.push({ label: 'operator note of reviewed', value: note });
    const decided = h.reviews.decide(
      reviewId,
      { round: 1, decision: 'REJECT', reasonCode: 'DOCUMENT_ILLEGIBLE', note },
      'op-alice',
    );
    await untilActivityFailed(reviewId);
    await failing(h.coreBankingUrl, 0);
    await decided;
    await expect
      .poll(async () => (await h.reviews.get(reviewId)).status, { timeout: 30_000 })
      .toBe('AWAITING_RESUBMISSION');

    // The providers fail at first: the checks' retries fail, then the application opens.
    const retried = await newApplication(h.documents, { person: newPerson('司马青云') });
    await failing(h.providersUrl, 1);
    const starting = h.applications.start(retried);
    await untilActivityFailed(onboardingWorkflowId(retried.applicationId));
    await failing(h.providersUrl, 0);
    expect((await starting).status).toBe('AWAITING_SMS_CODE');
    const retriedOpened = await h.applications.submitSmsCode(
      retried.applicationId,
      await readSmsCode(h.providersUrl, retried.applicant.mobile),
    );
    sensitive.push(...sensitiveOf('retried', retried, { accountNumber: accountOf(retriedOpened) }));

    const spans = exporter.getFinishedSpans();
    const failed = spans.filter((s) => s.status.code === SpanStatusCode.ERROR);
    // Not vacuous: workflows were traced, and failures with their exception events were seen.
    expect(spans.some((s) => s.name.startsWith('RunWorkflow:'))).toBe(true);
    expect(failed.some((s) => s.events.some((e) => e.name === 'exception'))).toBe(true);
    // Among them core banking's answers about one account, whose messages name its route.
    expect(failed.map((s) => s.status.message)).toContainEqual(expect.stringContaining('/core/v1/accounts/'));
    for (const workflowId of [
      agreementWorkflowId(agreementIdOf('WECHAT_PAY', signingRef)),
      reviewId,
      onboardingWorkflowId(retried.applicationId),
    ]) {
      expect(spans.some(failedActivityOf(workflowId)), `a failed activity of ${workflowId}`).toBe(true);
    }

    const leaks = spans.flatMap((s) => findLeaks(`span ${s.name}`, shownBy(s), sensitive));
    console.log(
      `[figures] ${spans.length} spans (${failed.length} failed) searched for ${sensitive.length} values`,
    );
    expect(leaks).toEqual([]);
  });
});
