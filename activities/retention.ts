/**
 * Activities of the daily retention run (workflows/retention/run.ts, docs/retention.md): index
 * the applications that ended since the watermark (a CloseTime range of visibility, a page per
 * activity), then read the due-date index by date, a page per activity, and destroy what the rules
 * (domain/retention.ts) say is due: the data key shredded, the documents and the API's store rows
 * deleted, one audit entry each. Every step is idempotent, so a retried page does no harm.
 */

import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import client from 'prom-client';
import type { DocumentStore } from '../adapters/documents';
import type { Ports } from '../adapters/ports';
import {
  firstLookAt,
  nextStep,
  type RetentionPolicy,
  type RetentionRule,
  retentionDue,
} from '../domain/retention';
import { applicationIdOfWorkflow } from '../domain/workflow-ids';
import type { Keyring } from '../encryption/keyring';
// The shred command's own function: the same refusal while any of the application's workflows runs.
import { StillRunningError, shredApplication } from '../encryption/shred';
import type { LegalHoldStore } from '../stores/legal-holds';
import type { PersonRows } from '../stores/person-rows';
import type { DueCursor, IndexRow, RetentionIndex } from '../stores/retention-index';

/** Counters on the worker's /metrics (codes only: the rule, the outcome). */
export interface RetentionMetrics {
  indexed: client.Counter<never>;
  destroyed: client.Counter<'rule'>;
  /** Rows looked at and left: held, an open account, a period not over, a workflow still running. */
  kept: client.Counter<'because'>;
}

export function retentionMetrics(registry: client.Registry): RetentionMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new client.Counter<L>({ name: `account_opening_${name}`, help, labelNames, registers: [registry] });
  return {
    indexed: counter('retention_indexed_total', 'Ended applications added to the retention index', []),
    destroyed: counter('retention_destroyed_total', 'Applications whose data retention destroyed, by rule', [
      'rule',
    ]),
    kept: counter('retention_kept_total', 'Due rows looked at and kept, by why', ['because']),
  };
}

/** What the retention activities need beyond the ports: the stores they read and destroy. */
export interface RetentionDeps {
  index: RetentionIndex;
  holds: Pick<LegalHoldStore, 'standingOn'>;
  keyring: Keyring;
  documents: Pick<DocumentStore, 'removeApplication'>;
  personRows: Pick<PersonRows, 'forgetApplication'>;
  /** Reads visibility (ended applications) and whether an application's workflows still run. */
  client: Client;
  /** The applications' task queue: this deployment's onboarding workflows. */
  taskQueue: string;
  metrics?: RetentionMetrics;
  clock?: () => Date;
}

export interface IndexPageInput {
  /** Index applications that ended before this instant. */
  to: string;
  /** From here (a continued run's); the stored watermark when absent. */
  from?: string;
  pageToken?: string;
  policy: Pick<RetentionPolicy, 'neverCustomerSeconds' | 'pageSize'>;
}

export interface DestroyPageInput {
  asOf: string;
  after?: DueCursor;
  policy: RetentionPolicy;
}

export interface DestroyPageResult {
  looked: number;
  destroyed: number;
  held: number;
  waiting: number;
  nextCursor?: DueCursor;
}

const EPOCH = '1970-01-01T00:00:00.000Z';
const ROWS_AT_ONCE = 16;
const ONBOARDING = /^application-/;

export function createRetentionActivities(ports: Pick<Ports, 'coreBanking' | 'audit'>, deps?: RetentionDeps) {
  const need = (): RetentionDeps => {
    if (!deps) {
      throw ApplicationFailure.nonRetryable(
        'this worker was started without the retention stores (worker/main.ts wires them)',
        'RetentionNotConfigured',
      );
    }
    return deps;
  };

  async function destroy(
    d: RetentionDeps,
    applicationId: string,
    rule: RetentionRule,
    accountNumber: string | undefined,
  ): Promise<void> {
    // Refuses while any of the application's workflows runs: those are kept and looked at again.
    const { keyId } = await shredApplication({ keyring: d.keyring, applicationId, client: d.client });
    const documents = await d.documents.removeApplication(applicationId);
    const rows = await d.personRows.forgetApplication(applicationId);
    const at = (d.clock?.() ?? new Date()).toISOString();
    await ports.audit.record({
      id: `${applicationId}:DATA_DESTROYED`,
      at,
      actor: 'system',
      action: 'DATA_DESTROYED',
      applicationId,
      ...(accountNumber && { accountNumber }),
      reason: rule,
      refs: { keyId, documents: String(documents), storeRows: String(rows) },
    });
    await d.index.markDestroyed(applicationId, at, rule);
    d.metrics?.destroyed.inc({ rule });
  }

  return {
    /** One page of the onboarding workflows that ended in [from, to), added to the index. */
    async retentionIndexPage(
      input: IndexPageInput,
    ): Promise<{ from: string; indexed: number; nextPageToken?: string }> {
      const d = need();
      const from = input.from ?? (await d.index.watermark()) ?? EPOCH;
      if (!/^[\w.:-]+$/.test(d.taskQueue)) throw new Error('a task queue name of letters, digits, . : - _');
      // Types, the task queue and instants only: no personal data in the query.
      const query =
        `WorkflowType = 'onboarding' AND TaskQueue = '${d.taskQueue}' AND ExecutionStatus != 'Running'` +
        ` AND CloseTime >= '${from}' AND CloseTime < '${input.to}'`;
      const res = await d.client.workflowService.listWorkflowExecutions({
        namespace: d.client.options.namespace,
        query,
        pageSize: input.policy.pageSize,
        ...(input.pageToken && { nextPageToken: Buffer.from(input.pageToken, 'base64') }),
      });
      const rows: IndexRow[] = [];
      for (const e of res.executions ?? []) {
        const workflowId = e.execution?.workflowId ?? '';
        const applicationId = ONBOARDING.test(workflowId) ? applicationIdOfWorkflow(workflowId) : undefined;
        if (!applicationId || !e.closeTime) continue;
        const endedAt = new Date(
          Number(e.closeTime.seconds ?? 0) * 1000 + Math.floor((e.closeTime.nanos ?? 0) / 1e6),
        ).toISOString();
        rows.push({ applicationId, endedAt, lookAt: firstLookAt(endedAt, input.policy) });
      }
      const indexed = await d.index.addEnded(rows);
      d.metrics?.indexed.inc(indexed);
      const token = res.nextPageToken?.length ? Buffer.from(res.nextPageToken).toString('base64') : undefined;
      return { from, indexed, ...(token && { nextPageToken: token }) };
    },

    /** Every ended application before `to` is indexed: the next run starts there. */
    async retentionAdvanceWatermark({ to }: { to: string }): Promise<void> {
      await need().index.setWatermark(to);
    },

    /**
     * One page of the index rows due by `asOf`: each looked at afresh (its standing holds, its
     * accounts in core banking) and destroyed, or left for later as the rules say.
     */
    async retentionDestroyPage({ asOf, after, policy }: DestroyPageInput): Promise<DestroyPageResult> {
      const d = need();
      const page = await d.index.duePage(asOf, after, policy.pageSize);
      const result: DestroyPageResult = { looked: page.length, destroyed: 0, held: 0, waiting: 0 };
      const one = async (row: IndexRow) => {
        const holds = await d.holds.standingOn(row.applicationId);
        const accounts = await ports.coreBanking.findAccountsByReference(row.applicationId);
        const verdict = retentionDue({ endedAt: row.endedAt, accounts }, holds, policy);
        const step = nextStep(verdict, asOf, policy);
        if ('destroy' in step) {
          try {
            await destroy(d, row.applicationId, step.destroy, accounts[0]?.accountNumber);
            result.destroyed += 1;
          } catch (err) {
            if (!(err instanceof StillRunningError)) throw err;
            await d.index.reschedule(
              row.applicationId,
              new Date(Date.parse(asOf) + policy.customerCheckSeconds * 1000).toISOString(),
            );
            result.waiting += 1;
            d.metrics?.kept.inc({ because: 'RUNNING' });
          }
          return;
        }
        const because = verdict.due ? 'NOT_YET' : verdict.because;
        d.metrics?.kept.inc({ because });
        // A held row keeps its date: the next run reads it again, and destroys it once released.
        if (because === 'LEGAL_HOLD') result.held += 1;
        else {
          await d.index.reschedule(row.applicationId, step.lookAgainAt);
          result.waiting += 1;
        }
      };
      // Rows are independent: their network waits (core banking, Temporal) overlap, a few at a time.
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(ROWS_AT_ONCE, page.length) }, async () => {
          for (let i = next++; i < page.length; i = next++) await one(page[i]!);
        }),
      );
      const last = page.at(-1);
      return {
        ...result,
        ...(page.length === policy.pageSize &&
          last && { nextCursor: { lookAt: last.lookAt, applicationId: last.applicationId } }),
      };
    },
  };
}
