/**
 * Document ids in a request must name documents the caller's own tenant uploaded (or that this
 * application already holds): checked before anything starts, and answered like an unknown id
 * otherwise. Once the work they were sent for has started, they become the application's.
 */
import type { DocumentStore } from '../adapters/documents';
import { FieldError } from './services/errors';

type Ids = Record<string, string | undefined>;

export async function requireUploaded(
  documents: DocumentStore,
  ids: Ids,
  fieldPrefix: string,
  tenant: string,
  applicationId: string,
): Promise<void> {
  for (const [field, id] of Object.entries(ids)) {
    if (id && !(await documents.usable(id, tenant, applicationId)))
      throw new FieldError(`${fieldPrefix}${field}`, 'is not an uploaded document');
  }
}

/** Seals each document under the application's data key: its clear copy is gone from then on. */
export async function sealForApplication(
  documents: DocumentStore,
  ids: Ids,
  applicationId: string,
): Promise<void> {
  await Promise.all(
    Object.values(ids)
      .filter((id): id is string => Boolean(id))
      .map((id) => documents.seal(id, applicationId)),
  );
}
