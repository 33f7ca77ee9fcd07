/**
 * Reconciliation of core banking's accounts with the applications that opened them: the pure
 * comparison the `reconcile` workflow runs (workflows/reconcile.ts). An account is matched to its
 * application by the account's `reference`, which is the application id; no personal data is
 * needed to compare, only ids, statuses and times.
 */
import * as z from 'zod';
import { channelSchema } from './identifiers';

/** What the Temporal Schedule hands each run: the period it covers, and how far it lags behind now. */
export const reconcileInputSchema = z.object({
  /** The period checked, ending `lagSeconds` before the run's scheduled time. */
  periodSeconds: z.number().positive(),
  /**
   * At least the applications' deadline: every application whose account was opened in the
   * period has been decided by the time it is checked.
   */
  lagSeconds: z.number().min(0),
  /** Instead of the run's scheduled time (a manual run over a given period). */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type ReconcileInput = z.infer<typeof reconcileInputSchema>;

export const defaultReconcileInput: ReconcileInput = { periodSeconds: 3600, lagSeconds: 2 * 3600 };

/** One account as reconciliation sees it (core banking's record, less what it does not compare). */
export interface AccountRecord {
  accountNumber: string;
  reference: string;
  channel: string;
  status: string;
  openedAt: string;
}

/** One application as Temporal visibility shows it. */
export interface ApplicationRecord {
  applicationId: string;
  /** The workflow's status: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  execution: string;
  /** The application's status (search attribute), once it has one. */
  status?: string;
  startedAt: string;
}

export const mismatchKindSchema = z.enum([
  /** An account whose reference is no application of this deployment. */
  'ACCOUNT_WITHOUT_APPLICATION',
  /** An account whose application did not finish as OPENED (rejected, abandoned, stuck, or its workflow failed). */
  'ACCOUNT_WITHOUT_FINISHED_APPLICATION',
  /** An account whose application FAILED, still ACTIVE: the hold the application placed is missing. */
  'FAILED_APPLICATION_ACCOUNT_NOT_RESTRICTED',
  /** An application that OPENED an account core banking does not have. */
  'APPLICATION_ACCOUNT_MISSING',
]);
export type MismatchKind = z.infer<typeof mismatchKindSchema>;

export interface Mismatch {
  kind: MismatchKind;
  applicationId: string;
  accountNumber?: string;
  accountStatus?: string;
  applicationStatus?: string;
  execution?: string;
}

/** The accounts this service opens: those of its channels (core banking also holds the branches'). */
const OUR_CHANNELS: ReadonlySet<string> = new Set(channelSchema.options);

/**
 * Compares the accounts opened in [from, to) with their applications, and the applications
 * started in [from, to) that say OPENED with core banking's accounts. `accounts` must cover
 * [from, now) (an application started in the period may open its account after it), and
 * `applications` [from - lag, to) (an account opened in the period may belong to one started
 * before it).
 */
export function findMismatches(input: {
  accounts: readonly AccountRecord[];
  applications: readonly ApplicationRecord[];
  from: Date;
  to: Date;
}): Mismatch[] {
  const from = input.from.getTime();
  const to = input.to.getTime();
  const within = (iso: string) => {
    const t = Date.parse(iso);
    return t >= from && t < to;
  };
  const ours = input.accounts.filter((a) => OUR_CHANNELS.has(a.channel));
  const applications = new Map(input.applications.map((a) => [a.applicationId, a]));
  const references = new Set(ours.map((a) => a.reference));
  const mismatches: Mismatch[] = [];

  for (const account of ours.filter((a) => within(a.openedAt))) {
    const app = applications.get(account.reference);
    const about = {
      applicationId: account.reference,
      accountNumber: account.accountNumber,
      accountStatus: account.status,
    };
    if (!app) {
      mismatches.push({ kind: 'ACCOUNT_WITHOUT_APPLICATION', ...about });
      continue;
    }
    const seen = { ...about, applicationStatus: app.status, execution: app.execution };
    const alive = app.execution === 'RUNNING' || app.execution === 'COMPLETED';
    if (alive && app.status === 'OPENED') continue;
    if (app.execution === 'COMPLETED' && app.status === 'FAILED') {
      if (account.status === 'ACTIVE')
        mismatches.push({ kind: 'FAILED_APPLICATION_ACCOUNT_NOT_RESTRICTED', ...seen });
      continue;
    }
    mismatches.push({ kind: 'ACCOUNT_WITHOUT_FINISHED_APPLICATION', ...seen });
  }

  for (const app of input.applications.filter((a) => within(a.startedAt) && a.status === 'OPENED')) {
    if (!references.has(app.applicationId)) {
      mismatches.push({
        kind: 'APPLICATION_ACCOUNT_MISSING',
        applicationId: app.applicationId,
        applicationStatus: app.status,
        execution: app.execution,
      });
    }
  }
  return mismatches;
}

export interface ReconcileReport {
  from: string;
  to: string;
  accountsChecked: number;
  applicationsChecked: number;
  mismatches: Mismatch[];
}
