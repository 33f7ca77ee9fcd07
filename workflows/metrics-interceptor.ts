/**
 * Business metrics out of the workflows, through a sink (`metrics`, worker/metrics.ts counts them
 * with prom-client): an onboarding started, and how it ended (opened, rejected or abandoned at a
 * step, or failed after a step failed); each webhook event delivered or given up, from the
 * onboarding and review workflows. Sinks are not called while a worker replays history, so a
 * count is made once per real event, whichever worker runs it. Nothing here changes what the workflows do or record: no commands, no
 * history events. Registered as a workflow interceptor module by worker/main.ts.
 */
import {
  type ActivityInput,
  type LocalActivityInput,
  type Next,
  proxySinks,
  type Sinks,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
  workflowInfo,
} from '@temporalio/workflow';

export interface ApplicationLabels {
  flowVersion: string;
  channel: string;
}

export interface MetricsSinks extends Sinks {
  metrics: {
    applicationStarted(labels: ApplicationLabels): void;
    applicationFinished(
      labels: ApplicationLabels & {
        outcome: 'OPENED' | 'REJECTED' | 'ABANDONED' | 'FAILED';
        step: string;
        review: string;
      },
    ): void;
    webhook(event: { target: 'app' | 'ops'; type: string; outcome: 'DELIVERED' | 'GAVE_UP' }): void;
  };
}

const { metrics } = proxySinks<MetricsSinks>();

interface StepView {
  step: string;
  outcome: string;
}

interface ViewLike {
  status?: string;
  steps?: StepView[];
  review?: string;
}

const WEBHOOKS: Record<string, 'app' | 'ops'> = { notifyApp: 'app', notifyOps: 'ops' };

export const interceptors = (): WorkflowInterceptors => {
  const onboarding = workflowInfo().workflowType === 'onboarding';
  let lastFailedStep = 'WORKFLOW';
  const track = <T>(activityType: string, args: unknown[], p: Promise<T>): Promise<T> => {
    const target = WEBHOOKS[activityType];
    if (target) {
      const type = String((args[0] as { type?: string } | undefined)?.type ?? 'UNKNOWN');
      return p.then(
        (v) => {
          metrics.webhook({ target, type, outcome: 'DELIVERED' });
          return v;
        },
        (err) => {
          metrics.webhook({ target, type, outcome: 'GAVE_UP' });
          throw err;
        },
      );
    }
    return p.catch((err) => {
      lastFailedStep = activityType;
      throw err;
    });
  };
  const inbound: WorkflowInboundCallsInterceptor = {
    async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
      const arg = (input.args[0] ?? {}) as Partial<ApplicationLabels>;
      const labels = { flowVersion: String(arg.flowVersion ?? ''), channel: String(arg.channel ?? '') };
      metrics.applicationStarted(labels);
      let view: ViewLike;
      try {
        view = (await next(input)) as ViewLike;
      } catch (err) {
        metrics.applicationFinished({ ...labels, outcome: 'FAILED', step: lastFailedStep, review: 'NONE' });
        throw err;
      }
      const status = view?.status;
      if (status === 'OPENED' || status === 'REJECTED' || status === 'ABANDONED') {
        const steps = view.steps ?? [];
        const step =
          status === 'REJECTED'
            ? (steps.find((s) => s.outcome === 'REJECT')?.step ?? 'UNKNOWN')
            : status === 'ABANDONED'
              ? 'SMS_CODE'
              : 'OPENED';
        metrics.applicationFinished({ ...labels, outcome: status, step, review: view.review ?? 'NONE' });
      }
      return view;
    },
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
      return track(input.activityType, input.args, next(input));
    },
    scheduleLocalActivity(
      input: LocalActivityInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
    ) {
      return track(input.activityType, input.args, next(input));
    },
  };
  // Webhooks leave from onboarding and review workflows alike; applications are onboarding's.
  return { inbound: onboarding ? [inbound] : [], outbound: [outbound] };
};
