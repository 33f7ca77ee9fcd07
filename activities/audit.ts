/** The audit log's activity: what the review workflow records (docs/audit.md). */
import type { AuditRecorder } from '../adapters/ports';
import type { AuditEvent } from '../domain/audit';

export function createAuditActivities(ports: { audit: AuditRecorder }) {
  return {
    /**
     * Appends the entries in order, each once: their ids are chosen by the workflow (review,
     * round, what happened), so a retry after a lost answer skips those already written.
     */
    async audit(input: { entries: AuditEvent[] }): Promise<void> {
      for (const entry of input.entries) await ports.audit.record(entry);
    },
  };
}
