/**
 * What the bank holds on one person (PIPL art. 45; docs/retention.md), for a supervisor: one
 * JSON document with the person's applications (as entered, decrypted, and as decided), accounts
 * with their holder, reviews and decisions, payment agreements, the documents' metadata and the
 * audit entries with their notes opened. The person is found by the ID number's keyed HMAC in the
 * limits' store (every application start is counted under it), then everything else by the
 * application ids found and the accounts core banking opened under them. The export is audited,
 * one entry per application, without the ID number.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import * as z from 'zod';
import type { DocumentStore } from '../../adapters/documents';
import type { CoreBanking } from '../../adapters/ports';
import { accountHolderSchema, accountSchema } from '../../contracts/core-banking';
import { agreementSchema } from '../../contracts/core-banking-payments';
import { applicationViewSchema } from '../../domain/application';
import { auditEntrySchema } from '../../domain/audit';
import { reviewCaseSchema } from '../../domain/review';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import type { AuditTrail } from '../../stores/audit';
import { publicEntry } from '../../stores/audit';
import type { PersonRows } from '../../stores/person-rows';
import type { Applications } from './applications';
import type { Reviews } from './reviews';

/** Where a part could not be read: kept out of the export, and said so (a shredded key, a workflow gone). */
const unreadableSchema = z.object({ unreadable: z.string() });

export const dataExportSchema = z.object({
  exportId: z.string(),
  exportedAt: z.string(),
  exportedBy: z.string(),
  applications: z.array(
    z.object({
      applicationId: z.string(),
      /** The onboarding's input as the app sent it (applicant, bound card, documents' ids), decrypted. */
      request: z.union([z.record(z.string(), z.unknown()), unreadableSchema]).optional(),
      application: z.union([applicationViewSchema, unreadableSchema]).optional(),
      review: reviewCaseSchema.optional(),
      documents: z.array(z.object({ documentId: z.string(), bytes: z.number(), sealedAt: z.string() })),
      accounts: z.array(
        z.object({
          account: accountSchema,
          holder: accountHolderSchema.optional(),
          agreements: z.array(agreementSchema),
          audit: z.array(auditEntrySchema.extend({ note: z.string().optional() })),
        }),
      ),
    }),
  ),
});
export type DataExport = z.infer<typeof dataExportSchema>;

export interface DataExportsDeps {
  client: Client;
  applications: Pick<Applications, 'get'>;
  reviews: Pick<Reviews, 'get'>;
  coreBanking: Pick<CoreBanking, 'findAccountsByReference' | 'getHolder' | 'listAgreements'>;
  documents: Pick<DocumentStore, 'listSealed'>;
  audit: AuditTrail;
  personRows: Pick<PersonRows, 'applicationsOf'>;
  clock?: () => Date;
}

const why = (err: unknown) => ({ unreadable: err instanceof Error ? err.name : 'unreadable' });

export class DataExports {
  constructor(private readonly deps: DataExportsDeps) {}

  async export(idNumber: string, supervisor: string): Promise<DataExport> {
    const exportId = `exp-${randomUUID()}`;
    const exportedAt = (this.deps.clock?.() ?? new Date()).toISOString();
    const ids = await this.deps.personRows.applicationsOf(idNumber);
    const applications: DataExport['applications'] = [];
    for (const applicationId of ids) applications.push(await this.application(applicationId));
    for (const a of applications) {
      await this.deps.audit.record({
        id: `${exportId}:${a.applicationId}`,
        at: exportedAt,
        actor: supervisor,
        action: 'DATA_EXPORTED',
        applicationId: a.applicationId,
        ...(a.accounts[0] && { accountNumber: a.accounts[0].account.accountNumber }),
        reason: 'SUBJECT_ACCESS_REQUEST',
        refs: { exportId },
      });
    }
    return { exportId, exportedAt, exportedBy: supervisor, applications };
  }

  private async application(applicationId: string): Promise<DataExport['applications'][number]> {
    const { deps } = this;
    const [request, application, review, documents, found] = await Promise.all([
      this.request(applicationId).catch(why),
      deps.applications.get(applicationId).catch(why),
      deps.reviews.get(reviewWorkflowId(applicationId)).catch(() => undefined),
      deps.documents.listSealed(applicationId),
      deps.coreBanking.findAccountsByReference(applicationId),
    ]);
    const accounts = await Promise.all(
      found.map(async (account) => {
        const [holder, agreements, entries, notes] = await Promise.all([
          deps.coreBanking.getHolder(account.accountNumber),
          deps.coreBanking.listAgreements(account.accountNumber),
          deps.audit.log.listByAccount(deps.audit.accountRef(account.accountNumber)),
          deps.audit.openNotes(account.accountNumber).catch(() => []),
        ]);
        const noteOf = new Map(notes.map((n) => [n.seq, n.note]));
        return {
          account,
          ...(holder && { holder }),
          agreements: agreements ?? [],
          audit: entries.map((e) => {
            const note = noteOf.get(e.seq);
            return { ...publicEntry(e), ...(note !== undefined && { note }) };
          }),
        };
      }),
    );
    return {
      applicationId,
      ...(request && { request }),
      application,
      ...(review && { review }),
      documents,
      accounts,
    };
  }

  /** The onboarding's first input, decoded with the client's codec (its data key). */
  private async request(applicationId: string): Promise<Record<string, unknown> | undefined> {
    const history = await this.deps.client.workflow
      .getHandle(onboardingWorkflowId(applicationId))
      .fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    if (!started) return undefined;
    const [input] = await decodeArrayFromPayloads(
      this.deps.client.options.loadedDataConverter,
      started.input?.payloads,
    );
    return input as Record<string, unknown>;
  }
}
