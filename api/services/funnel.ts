/**
 * Funnel figures per flow version and channel, counted through Temporal visibility: how many
 * applications reached each step, got through it, were rejected at it, were abandoned there (the
 * reserved phone's SMS code was where most applicants dropped out in practice), failed there, or
 * are at it now.
 */
import type { Client } from '@temporalio/client';
import { flows } from '../../domain/flows';
import { channelSchema } from '../../domain/identifiers';
import { channelPolicies } from '../../domain/policy';
import {
  type ReVerificationFunnel,
  reVerificationFailureClassSchema,
} from '../../domain/re-verification-outcomes';
import type { FunnelPeriod, FunnelRow } from '../../sdk/schemas';

export class Funnel {
  /** `taskQueue` scopes the counts to this deployment's applications. */
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Applications started within `period` (either end open), as the review console's chart asks. */
  async rows(period: FunnelPeriod = {}): Promise<FunnelRow[]> {
    const combos = channelSchema.options.flatMap((channel) =>
      channelPolicies[channel].flowVersions.map((flowVersion) => ({ channel, flowVersion })),
    );
    const started = startedIn(period);
    return Promise.all(
      combos.map(({ channel, flowVersion }) => this.row(flowVersion, channel, started.join(' AND '))),
    );
  }

  /**
   * Re-verification cases (workflows/re-verification) started within `period`: passed, failed by
   * the class of their reason, being checked, and ended without an outcome. A case publishes its
   * outcome (`ReVerificationOutcome`, since the re-verification-outcome patch) once decided, while
   * its webhook may still be on its way; until then it is in progress.
   */
  async reVerifications(period: FunnelPeriod = {}): Promise<ReVerificationFunnel> {
    const base = [
      `WorkflowType = 'reVerification' AND TaskQueue = '${this.taskQueue}'`,
      ...startedIn(period),
    ].join(' AND ');
    const count = (where?: string) =>
      this.client.workflow.count(where ? `${base} AND ${where}` : base).then((c) => c.count);
    const classes = reVerificationFailureClassSchema.options;
    const [started, passed, inProgress, undecided, ...failed] = await Promise.all([
      count(),
      count(`ReVerificationOutcome = 'PASSED'`),
      count(`ExecutionStatus = 'Running' AND ReVerificationOutcome IS NULL`),
      count(`ExecutionStatus != 'Running' AND ReVerificationOutcome IS NULL`),
      ...classes.map((c) => count(`ReVerificationOutcome = 'FAILED_${c}'`)),
    ]);
    const failedBy = Object.fromEntries(classes.map((c, i) => [c, failed[i] ?? 0])) as Record<
      (typeof classes)[number],
      number
    >;
    return {
      started,
      passed,
      failed: Object.values(failedBy).reduce((a, b) => a + b, 0),
      failedBy,
      inProgress,
      undecided,
    };
  }

  /** Values come from zod enums, so the queries cannot be injected into. */
  private async row(
    flowVersion: FunnelRow['flowVersion'],
    channel: FunnelRow['channel'],
    period = '',
  ): Promise<FunnelRow> {
    const base = `WorkflowType = 'onboarding' AND TaskQueue = '${this.taskQueue}' AND FlowVersion = '${flowVersion}' AND Channel = '${channel}'${period ? ` AND ${period}` : ''}`;
    // The checks share their waiting count: each query is asked once per row.
    const asked = new Map<string, Promise<number>>();
    const count = (where = '') => {
      let answer = asked.get(where);
      if (!answer) {
        answer = this.client.workflow.count(where ? `${base} AND ${where}` : base).then((c) => c.count);
        asked.set(where, answer);
      }
      return answer;
    };
    const flow = flows[flowVersion];
    // v4's intent is confirmed in the start's first workflow task, before its checks, but is
    // published with them (at the code or the end): while checking, an application waits at it
    // as at each check, and the counts of every step still add up to the started.
    const checks: readonly string[] = [...(flow.intentAndDevice ? ['INTENT'] : []), ...flow.checks];
    const names = [...checks, ...(flow.smsCode ? ['SMS_CODE'] : []), 'OPEN_ACCOUNT'];
    // Where a running application stands: its checks (all at once), its code, its account. A
    // FAILED one counts where it failed (FailedAt; binding counts at OPEN_ACCOUNT).
    const waitingAt = (step: string) =>
      checks.includes(step)
        ? `ApplicationStatus = 'CHECKING'`
        : step === 'SMS_CODE'
          ? `ApplicationStatus = 'AWAITING_SMS_CODE'`
          : `ApplicationStatus = 'OPENING'`;
    const failedAt = (step: string) =>
      step === 'OPEN_ACCOUNT'
        ? `ApplicationStatus = 'FAILED' AND FailedAt IN ('OPEN_ACCOUNT', 'BIND_ACCOUNT')`
        : `ApplicationStatus = 'FAILED' AND FailedAt = '${step}'`;
    const [started, ...steps] = await Promise.all([
      count(),
      ...names.map(async (step) => {
        const [passed, rejected, abandoned, waiting, failed] = await Promise.all([
          step === 'OPEN_ACCOUNT' ? count(`ApplicationStatus = 'OPENED'`) : count(`StepsPassed = '${step}'`),
          count(`RejectedAt = '${step}'`),
          step === 'SMS_CODE' ? count(`ApplicationStatus = 'ABANDONED'`) : 0,
          count(waitingAt(step)),
          count(failedAt(step)),
        ]);
        return {
          step,
          reached: passed + rejected + abandoned + waiting + failed,
          passed,
          rejected,
          abandoned,
          waiting,
          failed,
        };
      }),
    ]);
    return { flowVersion, channel, started: started ?? 0, steps };
  }
}

/** Parsed instants, printed back: nothing of the request reaches a query as it came. */
const startedIn = (period: FunnelPeriod): string[] => [
  ...(period.from ? [`StartTime >= '${new Date(period.from).toISOString()}'`] : []),
  ...(period.to ? [`StartTime < '${new Date(period.to).toISOString()}'`] : []),
];
