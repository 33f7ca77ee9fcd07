/**
 * Applications over Temporal: start (update-with-start, answers at the first decision point),
 * submit the SMS code (update), read (query). The HTTP layer maps the errors to status codes.
 */

import { createHash } from 'node:crypto';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  type AbuseLimits,
  type ApplicationView,
  type ChannelPolicies,
  channelPolicies,
  type OnboardingInput,
  type Policy,
  policyFor,
  type ResendCodeResult,
  type StartApplicationRequest,
  type SubmitCodeResult,
} from '../../domain/application';
import { passesLuhn } from '../../domain/bank-card';
import { canonicalJson } from '../../domain/canonical-json';
import { secondsToChinaMidnight, todayInChina } from '../../domain/china-time';
import { fairnessKeyOf } from '../../domain/fairness';
import { flows } from '../../domain/flows';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import type { DailyLimitStore, Use } from '../../stores/daily-limits';
import {
  awaitFirstAnswer,
  getApplication,
  getRequestFingerprint,
  resendSmsCode,
  submitSmsCode,
} from '../../workflows/onboarding/messages';
import type { onboarding } from '../../workflows/onboarding/onboarding';
import { ApplicationStatusKey, searchAttributesAtStart } from '../../workflows/search-attributes';
import { withDeadline } from './deadline';
import { ConflictError, FieldError, TooManyError } from './errors';
import { readView } from './read-view';
import { isClosedWorkflowError, translateWorkflowError } from './workflow-errors';

export interface ApplicationsOptions {
  client: Client;
  taskQueue: string;
  /** The bank's base policy; each channel's overrides apply on top of it. */
  policy: Policy;
  /** Flow versions offered, the default one, and policy overrides per channel (domain/policy.ts). */
  channelPolicies?: ChannelPolicies;
  /** How long a start call waits for the first answer before it answers "still checking". */
  firstAnswerWaitMs?: number;
  /** Each application checks a card with UnionPay and sends an SMS: both are capped per day. */
  limits?: { store: DailyLimitStore; caps: AbuseLimits };
}

export class Applications {
  constructor(private readonly opts: ApplicationsOptions) {}

  private get channels(): ChannelPolicies {
    return this.opts.channelPolicies ?? channelPolicies;
  }

  /**
   * Starts the application, or finds the one already started with this applicationId. The
   * request's channel is the caller's (the API takes it from the token); a PARTNER-channel
   * start names the partner, recorded on the application and later on its account.
   */
  async start(
    req: StartApplicationRequest,
    /** The partner bank of a PARTNER-channel start, and the caller whose token started it (for its daily limit). */
    origin: { partnerId?: string; caller?: string } = {},
  ): Promise<ApplicationView> {
    const { partnerId } = origin;
    if ((req.channel === 'PARTNER') !== Boolean(partnerId)) {
      throw new Error(
        'a PARTNER-channel application needs its partnerId, and only such an application has one',
      );
    }
    const channel = this.channels[req.channel];
    if (!channel.flowVersions.includes(req.flowVersion)) {
      throw new FieldError(
        'flowVersion',
        `is not offered on the ${req.channel} channel, which offers ${channel.flowVersions.join(', ')}`,
      );
    }
    const flow = flows[req.flowVersion];
    // The request schema says so at the API; callers in process (tests, tools) are held to it too.
    for (const field of ['intent', 'device'] as const) {
      if (flow.intentAndDevice && !req[field])
        throw new FieldError(field, `is required by flow ${req.flowVersion}`);
    }
    const workflowId = onboardingWorkflowId(req.applicationId);
    // Another partner re-using an applicationId must not find this one's application.
    const fingerprint = fingerprintOf(partnerId ? { ...req, partnerId } : req);
    const input: OnboardingInput = {
      applicationId: req.applicationId,
      requestFingerprint: fingerprint,
      flowVersion: req.flowVersion,
      channel: req.channel,
      ...(partnerId && { partnerId }),
      applicant: req.applicant,
      boundAccount: req.boundAccount,
      // Only what the flow uses (ids, never images): v3 the ID photos, v2 the selfie, v1 none.
      documents: Object.fromEntries(flow.documents.map((d) => [d, req.documents[d]])),
      warnings: passesLuhn(req.boundAccount.number) ? [] : ['CARD_FAILS_LUHN'],
      policy: policyFor(this.opts.policy, channel),
      // v4 only (the schema requires them there); device data stays in this encrypted input.
      ...(flow.intentAndDevice && req.intent && { intent: req.intent }),
      ...(flow.intentAndDevice && req.device && { device: req.device }),
    };
    await this.enforceLimits(req, origin.caller);
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof onboarding>('onboarding', {
      workflowId,
      taskQueue: this.opts.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A finished application is never started again under the same id.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // One partner's burst must not queue every other partner's applicants behind it: the server
      // shares the task queue between keys. Its activities and its review (a child) inherit the key.
      priority: { fairnessKey: fairnessKeyOf({ channel: req.channel, partnerId }) },
      // CHECKING from the start: the funnel counts a running application where it stands.
      typedSearchAttributes: [
        ...searchAttributesAtStart(input),
        { key: ApplicationStatusKey, value: 'CHECKING' },
      ],
    });
    try {
      const update = await this.opts.client.workflow.startUpdateWithStart(awaitFirstAnswer, {
        args: [fingerprint],
        startWorkflowOperation,
        waitForStage: 'ACCEPTED',
      });
      return await withDeadline(update.result(), this.opts.firstAnswerWaitMs ?? 20_000, () =>
        this.get(req.applicationId),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        return this.finished(req.applicationId, fingerprint);
      throw translate(err);
    }
  }

  /** Every limit at once, or none: a refused start consumes nothing. */
  private async enforceLimits(req: StartApplicationRequest, caller: string | undefined): Promise<void> {
    if (!this.opts.limits) return;
    const { store, caps } = this.opts.limits;
    const uses: (Use & { what: string })[] = [
      {
        kind: 'card',
        value: req.boundAccount.number,
        limit: caps.applicationsPerCardPerDay,
        what: 'this card',
      },
      // v2 may come without a mobile: its SMS-free flow sends nothing to count.
      ...(req.applicant.mobile
        ? [
            {
              kind: 'mobile' as const,
              value: req.applicant.mobile,
              limit: caps.applicationsPerMobilePerDay,
              what: 'this mobile number',
            },
          ]
        : []),
      {
        kind: 'idNumber',
        value: req.applicant.idNumber,
        limit: caps.applicationsPerIdNumberPerDay,
        what: 'this ID number',
      },
      ...(caller
        ? [
            {
              kind: 'caller' as const,
              value: caller,
              limit: caps.applicationsPerCallerPerDay,
              what: 'this token',
            },
          ]
        : []),
    ];
    const over = await store.take(uses, req.applicationId, todayInChina());
    const hit = uses.find((u) => u.kind === over);
    if (hit) {
      throw new TooManyError(
        `${hit.what} already started ${hit.limit} applications today; try again tomorrow`,
        secondsToChinaMidnight(),
      );
    }
  }

  async submitSmsCode(
    applicationId: string,
    code: string,
    idempotencyKey?: string,
  ): Promise<SubmitCodeResult> {
    return this.whileWaiting(applicationId, () =>
      this.handle(applicationId).executeUpdate(submitSmsCode, {
        args: [code],
        ...(idempotencyKey && { updateId: `sms-code-${idempotencyKey}` }),
      }),
    );
  }

  /**
   * A new SMS code for the same verification (the tries left carry over); answers how many more
   * may be asked for. Too early is a 429 with Retry-After; none left, or not waiting, a 409.
   */
  async resendSmsCode(applicationId: string, idempotencyKey?: string): Promise<ResendCodeResult> {
    return this.whileWaiting(applicationId, () =>
      this.handle(applicationId).executeUpdate(resendSmsCode, {
        args: [],
        ...(idempotencyKey && { updateId: `sms-resend-${idempotencyKey}` }),
      }),
    );
  }

  private handle(applicationId: string) {
    return this.opts.client.workflow.getHandle(onboardingWorkflowId(applicationId));
  }

  /** An update meant for an application waiting for its code: one that has ended is a 409 saying how. */
  private async whileWaiting<T>(applicationId: string, update: () => Promise<T>): Promise<T> {
    try {
      return await update();
    } catch (err) {
      // An update to a workflow that just closed can also come back as "not found": the query,
      // which works on closed workflows, tells the two apart.
      if (isClosedWorkflowError(err) || err instanceof WorkflowNotFoundError) {
        const view = await this.get(applicationId);
        throw new ConflictError(
          `the application is ${view.status}, not waiting for a code`,
          { applicationStatus: view.status },
          'WRONG_STATE',
        );
      }
      // A refusal while the workflow still runs (it has just opened, say) says where it stands
      // too: the same 409, whether or not the workflow has closed yet.
      const refused = translate(err);
      if (refused instanceof ConflictError && refused.extra.applicationStatus === undefined) {
        const { status } = await this.get(applicationId);
        throw new ConflictError(
          refused.message,
          { ...refused.extra, applicationStatus: status },
          refused.code,
        );
      }
      throw refused;
    }
  }

  async get(applicationId: string): Promise<ApplicationView> {
    try {
      return await readView(
        this.opts.client.workflow.getHandle(onboardingWorkflowId(applicationId)),
        getApplication,
      );
    } catch (err) {
      throw translate(err);
    }
  }

  /** A start re-sent after the application ended answers its outcome, if it is the same request. */
  private async finished(applicationId: string, fingerprint: string): Promise<ApplicationView> {
    const handle = this.opts.client.workflow.getHandle(onboardingWorkflowId(applicationId));
    if ((await handle.query(getRequestFingerprint)) !== fingerprint) {
      throw new ConflictError(
        'this applicationId was already used with a different request',
        {},
        'REQUEST_MISMATCH',
      );
    }
    return this.get(applicationId);
  }
}

/** Same body, same fingerprint: key order and defaults do not matter. */
export function fingerprintOf(req: StartApplicationRequest & { partnerId?: string }): string {
  return createHash('sha256').update(canonicalJson(req)).digest('hex');
}

/** Validator refusals carry a type; domain/refusals.ts says which 4xx the HTTP layer answers. */
const translate = (err: unknown) =>
  translateWorkflowError(err, {
    notFound: 'no application with this applicationId',
  });
