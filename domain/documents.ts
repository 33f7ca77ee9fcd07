/**
 * An application's documents by name: ids from POST /v1/documents (content addresses), never
 * images. Which ones a flow needs is in domain/flows.ts.
 */
import * as z from 'zod';
import { documentIdSchema } from './identifiers';

/** Both sides of the ID card: what the photo check reads, and what a re-submission brings. */
export const idCardPhotosSchema = z.strictObject({ idFront: documentIdSchema, idBack: documentIdSchema });
export type IdCardPhotos = z.infer<typeof idCardPhotosSchema>;

/** What a start request (and so the application) may carry: ID photos (v3), a selfie (v2), none (v1). */
export const documentIdsSchema = z.strictObject({
  ...idCardPhotosSchema.partial().shape,
  selfie: documentIdSchema.optional(),
});
export type DocumentIds = z.infer<typeof documentIdsSchema>;
export type DocumentName = keyof DocumentIds;

/**
 * How many documents one customer's session, and one tenant's token in a China day (its sessions
 * included), may upload: beyond it a 429 and nothing stored. A real applicant sends three or
 * four images; the tenant's figure is a ceiling on a leaked token, not on a busy day.
 */
export const DEFAULT_UPLOAD_QUOTA = { perSession: 20, perTenantPerDay: 50_000 } as const;
export type UploadQuota = { perSession: number; perTenantPerDay: number };
