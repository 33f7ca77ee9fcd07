/**
 * This deployment's applications through Temporal visibility (the ApplicationIndex port):
 * onboarding workflows of its task queue, by start time. The query holds workflow types, the
 * task queue and instants only, never personal data; the answers hold ids and statuses.
 */
import type { Client } from '@temporalio/client';
import type { ApplicationView } from '../domain/application';
import type { ApplicationRecord } from '../domain/reconciliation';
import { applicationIdOfWorkflow } from '../domain/workflow-ids';
import { ApplicationStatusKey } from '../workflows/search-attributes';
import type { ApplicationIndex } from './ports';

export function visibilityApplicationIndex(client: Client, taskQueue: string): ApplicationIndex {
  if (!/^[\w.:-]+$/.test(taskQueue)) throw new Error('a task queue name of letters, digits, . : - _');
  return {
    async startedBetween(from, to) {
      const query =
        `WorkflowType = 'onboarding' AND TaskQueue = '${taskQueue}'` +
        ` AND StartTime >= '${from.toISOString()}' AND StartTime < '${to.toISOString()}'`;
      const records: ApplicationRecord[] = [];
      for await (const wf of client.workflow.list({ query })) {
        const applicationId = applicationIdOfWorkflow(wf.workflowId);
        if (!applicationId || !wf.workflowId.startsWith('application-')) continue;
        let status = wf.typedSearchAttributes.get(ApplicationStatusKey);
        // Applications decided before the funnel's attributes existed: their result says.
        if (!status && wf.status.name === 'COMPLETED') {
          status = ((await client.workflow.getHandle(wf.workflowId).result()) as ApplicationView).status;
        }
        records.push({
          applicationId,
          execution: wf.status.name,
          ...(status && { status }),
          startedAt: wf.startTime.toISOString(),
        });
      }
      return records;
    },
  };
}
