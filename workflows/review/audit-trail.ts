/**
 * What a review writes to the audit log (docs/audit.md): each decision, hold placed or lifted,
 * freeze and re-submission. Entries leave in order through the `audit` activity, in the
 * background like webhook events: no decision or re-submission waits for them, and the review
 * finishes only once all are written. Each entry's id is chosen here (review, round, what
 * happened), so a retried activity never writes one twice.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { AuditEvent } from '../../domain/audit';
import { auditOptions } from '../activity-options';

/**
 * A regular activity rather than a local one: entries are off every answer's path, so a local
 * activity's saved round trip would buy nothing, while a regular one retries server-side
 * (visible as a pending activity) for as long as the log's database is away, without holding a
 * workflow task. An entry must be written: it retries without end.
 */
const { audit } = proxyActivities<Pick<Activities, 'audit'>>(auditOptions());

export class AuditTrail {
  private readonly queue: AuditEvent[] = [];
  /** The batch the activity is writing now. */
  private batch: AuditEvent[] = [];
  private writing: Promise<void> | undefined;

  /** Queues the entry; entries queued while one batch is being written go together in the next. */
  record(entry: AuditEvent): void {
    this.queue.push(entry);
    this.writing ??= this.write();
  }

  /** Resolves once every entry recorded so far is written. */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Entries recorded and not yet written: what a review carries when it continues as new. */
  unwritten(): AuditEvent[] {
    return [...this.batch, ...this.queue];
  }

  private async write(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        this.batch = this.queue.splice(0);
        await audit({ entries: this.batch });
        this.batch = [];
      }
    } finally {
      this.writing = undefined;
    }
  }
}
