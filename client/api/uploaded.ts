/** Document ids in a request must name uploaded documents: checked before anything starts. */
import type { DocumentStore } from '../../adapters/documents';
import { FieldError } from '../errors';

export async function requireUploaded(
  documents: DocumentStore,
  ids: Record<string, string | undefined>,
  fieldPrefix: string,
): Promise<void> {
  for (const [field, id] of Object.entries(ids)) {
    if (id && !(await documents.exists(id)))
      throw new FieldError(`${fieldPrefix}${field}`, 'is not an uploaded document');
  }
}
