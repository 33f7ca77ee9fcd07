/**
 * Reconciliation, run by a Temporal Schedule (api/services/reconciliation.ts): core banking's accounts
 * opened in the last period against the applications that opened them. Ops hear of every account
 * without a finished application and every application whose account is missing. An alert's
 * event id names its mismatch (kind and application), so a receiver that de-duplicates by
 * webhook-id hears of each once, however many runs see it. A mismatch names its account by the
 * application id alone (core banking finds it by reference): this history is under the deployment key, which no
 * shred reaches (docs/encryption.md).
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReconcileInput, ReconcileReport } from '../domain/reconciliation';
import { CONTRACT_BROKEN, pageOptions } from './activity-options';
import { Outbox } from './outbox';

const { reconcilePeriod } = proxyActivities<Activities>(
  // A run that cannot read its lists fails; the next run covers the next period, ops see the failure.
  pageOptions({ within: '30 minutes', final: [CONTRACT_BROKEN, 'NoApplicationIndex'] }),
);

/** Ops alerts are retried for an hour, then given up (the delivery is in the run's result). */
const ALERT_GIVE_UP_SECONDS = 3600;

export async function reconcile(input: ReconcileInput): Promise<ReconcileReport> {
  const now = input.at ? Date.parse(input.at) : scheduledTime();
  const to = new Date(now - input.lagSeconds * 1000).toISOString();
  const from = new Date(now - (input.lagSeconds + input.periodSeconds) * 1000).toISOString();
  const { accountsChecked, applicationsChecked, mismatches } = await reconcilePeriod({
    from,
    to,
    lagSeconds: input.lagSeconds,
  });

  const ops = new Outbox(ALERT_GIVE_UP_SECONDS);
  for (const m of mismatches) {
    ops.send(
      {
        eventId: `reconcile:${m.kind}:${m.applicationId}`,
        type: 'OPS_RECONCILIATION_MISMATCH',
        applicationId: m.applicationId,
        data: { ...m, period: { from, to } },
      },
      'ops',
    );
  }
  await ops.settled();
  return { from, to, accountsChecked, applicationsChecked, mismatches };
}

/** Set by the Schedule on each run it starts. */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', 'DATETIME');

/** The time the Schedule meant this run for (a late or caught-up run covers its own period). */
function scheduledTime(): number {
  const scheduled = workflowInfo().typedSearchAttributes.get(ScheduledStartTime);
  return scheduled ? scheduled.getTime() : Date.now();
}
