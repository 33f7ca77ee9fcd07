/** Identifiers and enumerations shared by applications and reviews. */
import * as z from 'zod';

/** Apps generate a UUID per application: safe to use in workflow ids (never PII). */
export const applicationIdSchema = z
  .uuid('must be a UUID the app generates once per application')
  // One application, one workflow id, whatever case the app sends.
  .transform((id) => id.toLowerCase());

/** Content address of a stored document: hex SHA-256 of its bytes. */
export const documentIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a documentId from POST /v1/documents');

/** Flow versions (domain/flows.ts says what each one checks). */
export const flowVersionSchema = z.enum(['v1', 'v2', 'v3', 'v4']);
export type FlowVersion = z.infer<typeof flowVersionSchema>;

/** The bank's own app, or a partner bank's app embedding the flow through the SDK. */
export const channelSchema = z.enum(['OWN_APP', 'PARTNER']);
export type Channel = z.infer<typeof channelSchema>;

/** Which partner bank a PARTNER-channel application and account belong to (from its token). */
export const partnerIdSchema = z.string().regex(/^[\w.-]{2,40}$/);

/** What a document's bytes may be; the API checks the bytes, not only the header. */
export const imageTypeSchema = z.enum(['image/jpeg', 'image/png']);
export type ImageType = z.infer<typeof imageTypeSchema>;
