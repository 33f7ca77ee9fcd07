/**
 * Funnel figures per flow version and channel, counted through Temporal visibility: how many
 * applications reached each step, got through it, were rejected at it, or were abandoned there
 * (the reserved phone's SMS code was where most applicants dropped out in practice).
 */
import type { Client } from '@temporalio/client';
import { flows } from '../domain/flows';
import { channelSchema } from '../domain/identifiers';
import { channelPolicies } from '../domain/policy';
import type { FunnelRow } from '../sdk/schemas';

export class Funnel {
  /** `taskQueue` scopes the counts to this deployment's applications. */
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async rows(): Promise<FunnelRow[]> {
    const combos = channelSchema.options.flatMap((channel) =>
      channelPolicies[channel].flowVersions.map((flowVersion) => ({ channel, flowVersion })),
    );
    return Promise.all(combos.map(({ channel, flowVersion }) => this.row(flowVersion, channel)));
  }

  /** Values come from zod enums, so the queries cannot be injected into. */
  private async row(
    flowVersion: FunnelRow['flowVersion'],
    channel: FunnelRow['channel'],
  ): Promise<FunnelRow> {
    const base = `WorkflowType = 'onboarding' AND TaskQueue = '${this.taskQueue}' AND FlowVersion = '${flowVersion}' AND Channel = '${channel}'`;
    const count = async (where = '') =>
      (await this.client.workflow.count(where ? `${base} AND ${where}` : base)).count;
    const flow = flows[flowVersion];
    const names = [...flow.checks, ...(flow.smsCode ? ['SMS_CODE'] : []), 'OPEN_ACCOUNT'];
    const [started, ...steps] = await Promise.all([
      count(),
      ...names.map(async (step) => {
        const [passed, rejected, abandoned, waiting] = await Promise.all([
          step === 'OPEN_ACCOUNT' ? count(`ApplicationStatus = 'OPENED'`) : count(`StepsPassed = '${step}'`),
          count(`RejectedAt = '${step}'`),
          step === 'SMS_CODE' ? count(`ApplicationStatus = 'ABANDONED'`) : 0,
          step === 'SMS_CODE' ? count(`ApplicationStatus = 'AWAITING_SMS_CODE'`) : 0,
        ]);
        return {
          step,
          reached: passed + rejected + abandoned + waiting,
          passed,
          rejected,
          abandoned,
          waiting,
        };
      }),
    ]);
    return { flowVersion, channel, started: started ?? 0, steps };
  }
}
