/**
 * Reconciliation's activity: core banking's accounts and this deployment's applications of a
 * period, compared where they are read (domain/reconciliation.ts), so that only the mismatches,
 * not every account and application, travel through the workflow's history.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Ports } from '../adapters/ports';
import { findMismatches, type Mismatch } from '../domain/reconciliation';

export interface ReconcilePeriod {
  /** The period checked, [from, to) (ISO 8601). */
  from: string;
  to: string;
  /** How long after its start an application may open its account (at least its deadline). */
  lagSeconds: number;
}

export function createReconcileActivities(ports: Ports) {
  return {
    async reconcilePeriod(
      period: ReconcilePeriod,
    ): Promise<{ accountsChecked: number; applicationsChecked: number; mismatches: Mismatch[] }> {
      if (!ports.applications) {
        throw ApplicationFailure.nonRetryable('this worker has no application index', 'NoApplicationIndex');
      }
      const from = new Date(period.from);
      const to = new Date(period.to);
      const lagMs = period.lagSeconds * 1000;
      const [accounts, applications] = await Promise.all([
        // Accounts of applications started in the period may be opened up to `lag` after it.
        ports.coreBanking.listAccountsOpened(from, new Date(to.getTime() + lagMs)),
        // An account opened in the period may belong to an application started up to `lag` before it.
        ports.applications.startedBetween(new Date(from.getTime() - lagMs), to),
      ]);
      return {
        accountsChecked: accounts.filter(
          (a) => Date.parse(a.openedAt) >= +from && Date.parse(a.openedAt) < +to,
        ).length,
        applicationsChecked: applications.filter((a) => Date.parse(a.startedAt) >= +from).length,
        // Named by the application id (core banking's reference) alone: the run's history is
        // under the deployment key, which no shred reaches, so it carries no account number.
        mismatches: findMismatches({ accounts, applications, from, to }).map(
          ({ accountNumber: _personal, ...named }) => named,
        ),
      };
    },
  };
}
