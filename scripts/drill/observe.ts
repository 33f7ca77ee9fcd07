/**
 * Reads the verdict's input from the real stores once the drill is over: the API for
 * applications and reviews, core banking (over its HTTP API) for people, accounts, agreements
 * and ledgers, and Temporal's visibility for what still runs or ended badly. The drill's own
 * bookkeeping gives only what was planned and what the institutions were told.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { z } from 'zod';
import { accountListSchema } from '../../contracts/core-banking';
import {
  type AccountLedger,
  type Agreement,
  accountLedgerSchema,
  agreementListSchema,
} from '../../contracts/core-banking-payments';
import { ApiClient, ApiError } from '../../sdk';
import { fetchWithTimeout, type Persistence, persist } from './persist';
import type { Applicant } from './plan';
import type { DrillPlan, ToldDebit, VerdictInput } from './verdict';

const statsSchema = z.object({ accounts: z.number(), bindings: z.number(), activeHolds: z.number() });

/** The drill's workflows: an application, its review, an agreement's signing, an ID renewal. */
export const DRILL_WORKFLOWS =
  "(WorkflowId STARTS_WITH 'application-' OR WorkflowId STARTS_WITH 'review-' OR " +
  "WorkflowId STARTS_WITH 'agreement-' OR WorkflowId STARTS_WITH 'renewal-')";
const RUNNING = `ExecutionStatus = 'Running' AND ${DRILL_WORKFLOWS}`;
const ENDED_BADLY =
  "ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut'";

export interface ObserveConfig {
  apiUrl: string;
  coreBankingUrl: string;
  temporalAddress: string;
  namespace: string;
  appToken: string;
  operatorToken: string;
  /** Accounts opened from then on are the drill's (core banking's reconciliation listing). */
  since: Date;
  /** Where the pieces' logs are (`<piece>.log`). */
  logDir: string;
}

/** Where each applicant's data, or an account number, appears in clear in a piece's log: `mobile in api.log`. */
export async function scanLogs(
  dir: string,
  applicants: readonly Applicant[],
  accountNumbers: readonly string[],
): Promise<string[]> {
  const values: [string, string][] = [
    ...applicants.flatMap((a): [string, string][] => [
      ['name', a.name],
      ['ID number', a.idNumber],
      ['mobile', a.mobile],
      ['card number', a.card],
    ]),
    ...accountNumbers.map((n): [string, string] => ['account number', n]),
  ];
  const leaks: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.log')).sort()) {
    const text = await readFile(path.join(dir, file), 'utf8');
    for (const [kind, value] of values) if (text.includes(value)) leaks.push(`${kind} in ${file}`);
  }
  return leaks;
}

export interface Visibility {
  running: number;
  endedBadly: number;
  /** Workflow ids and types of what is still running or ended badly: ids carry no personal data. */
  examples: string[];
}

export async function readVisibility(address: string, namespace: string): Promise<Visibility> {
  const connection = await Connection.connect({ address, connectTimeout: 5000 });
  try {
    const count = async (query: string) =>
      Number((await connection.workflowService.countWorkflowExecutions({ namespace, query })).count ?? 0);
    const list = async (query: string) =>
      (
        await connection.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 5 })
      ).executions.map((e) => `${e.execution?.workflowId} (${e.type?.name}, status ${e.status})`);
    const [running, endedBadly] = [await count(RUNNING), await count(ENDED_BADLY)];
    const examples = [
      ...(running ? await list(RUNNING) : []),
      ...(endedBadly ? await list(ENDED_BADLY) : []),
    ];
    return { running, endedBadly, examples };
  } finally {
    await connection.close();
  }
}

export async function observe(
  config: ObserveConfig,
  p: Persistence,
  plan: DrillPlan,
  applicants: readonly Applicant[],
  told: ToldDebit[],
): Promise<{ input: VerdictInput; visibility: Visibility }> {
  const fetch = fetchWithTimeout(15_000);
  const app = new ApiClient({ baseUrl: config.apiUrl, token: config.appToken, fetch });
  const operator = new ApiClient({ baseUrl: config.apiUrl, token: config.operatorToken, fetch });
  const core = async <S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> =>
    persist(p, 'observe core banking', async () => {
      const res = await fetch(`${config.coreBankingUrl}${path}`);
      if (!res.ok)
        throw new ApiError({ status: res.status, title: `core banking ${res.status}`, detail: '' });
      return schema.parse(await res.json());
    });
  const missing = (status: number) => (err: unknown) => {
    if (err instanceof ApiError && err.status === status) return { status: `MISSING (${status})` };
    throw err;
  };

  const applications = [];
  const reviews = [];
  const people = [];
  for (const a of applicants) {
    applications.push(
      await persist(p, 'observe applications', () => app.getApplication(a.applicationId)).catch(missing(404)),
    );
    if (a.review) {
      reviews.push(
        await persist(p, 'observe reviews', () => operator.getReview(`review-${a.applicationId}`)).catch(
          missing(404),
        ),
      );
    }
    people.push(await core(`/sandbox/stats?idNumber=${encodeURIComponent(a.idNumber)}`, statsSchema));
  }

  // Every account core banking opened during the drill, not only those the drill was told of.
  const window = new URLSearchParams({
    openedFrom: config.since.toISOString(),
    openedTo: new Date(Date.now() + 60_000).toISOString(),
  });
  const { accounts } = await core(`/core/v1/accounts?${window}`, accountListSchema);
  const ledgers: VerdictInput['ledgers'] = [];
  const agreements: Agreement[] = [];
  for (const account of accounts) {
    const entries: AccountLedger['entries'] = [];
    for (let after = 0; ; ) {
      const page = await core(
        `/core/v1/accounts/${account.accountNumber}/ledger?afterSeq=${after}&limit=500`,
        accountLedgerSchema,
      );
      entries.push(...page.entries);
      if (page.nextAfterSeq === undefined) break;
      after = page.nextAfterSeq;
    }
    ledgers.push({
      accountNumber: account.accountNumber,
      classDailyCapCny: account.limits.dailyCny,
      entries,
    });
    agreements.push(
      ...(await core(`/core/v1/accounts/${account.accountNumber}/agreements`, agreementListSchema))
        .agreements,
    );
  }

  // A server just restarted may refuse a connection for a moment: any failure is tried again.
  const visibility = await persist(
    p,
    'observe visibility',
    () => readVisibility(config.temporalAddress, config.namespace),
    () => true,
  );
  return {
    input: {
      plan,
      applications,
      people,
      reviews,
      told,
      ledgers,
      agreements,
      logLeaks: await scanLogs(
        config.logDir,
        applicants,
        accounts.map((a) => a.accountNumber),
      ),
      workflows: { running: visibility.running, endedBadly: visibility.endedBadly },
    },
    visibility,
  };
}
