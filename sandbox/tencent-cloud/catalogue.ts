/**
 * The Tencent Cloud sandbox's own magic (catalogue.json, `tencentCloud`): read from the same file
 * testers read, so the document and the behaviour cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Appended to an ID-card image: warnings, a quality score or an error the OCR then answers. */
export const tencentOcrMarkerSchema = z.strictObject({
  warn: z.array(z.number().int()).optional(),
  quality: z.number().min(0).max(100).optional(),
  error: z.string().min(1).optional(),
});

/** Appended to a selfie: ImageRecognition's Result (or an error code) and Sim. */
export const tencentFaceMarkerSchema = z.strictObject({
  result: z.string().min(1),
  sim: z.number().min(0).max(100).optional(),
});

const codeExample = z.object({ code: z.string(), input: z.string(), meaning: z.string() });

export const tencentCatalogueSchema = z.object({
  about: z.string(),
  endpoint: z.string(),
  credentials: z.object({ secretId: z.string(), secretKey: z.string() }),
  clockSkewSeconds: z.number().int().positive(),
  signatureErrors: z.array(codeExample),
  nameCodePattern: z.string(),
  ocr: z.object({ about: z.string(), markerPrefix: z.string().min(1), examples: z.array(codeExample) }),
  identity: z.object({ about: z.string(), examples: z.array(codeExample) }),
  bankCard: z.object({ about: z.string(), examples: z.array(codeExample) }),
  face: z.object({ about: z.string(), markerPrefix: z.string().min(1), examples: z.array(codeExample) }),
});

export const tencentCatalogue = tencentCatalogueSchema.parse(
  JSON.parse(readFileSync(new URL('../catalogue.json', import.meta.url), 'utf8')).tencentCloud,
);
