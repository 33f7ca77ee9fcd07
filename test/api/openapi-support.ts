/**
 * Reading the API's OpenAPI 3.1 document in tests: its operations, what each one documents
 * (parameters, request body, responses by status and media type), JSON-pointer references, and
 * JSON Schema 2020-12 validation of requests and answers against it. Not a test file itself.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const refSchema = z.object({ $ref: z.string() });
const mediaTypeSchema = z.looseObject({ schema: z.unknown().optional() });
const contentSchema = z.record(z.string(), mediaTypeSchema);
const responseSchema = z.looseObject({ description: z.string(), content: contentSchema.optional() });
const parameterSchema = z.looseObject({
  name: z.string(),
  in: z.enum(['path', 'query', 'header', 'cookie']),
  required: z.boolean().optional(),
  schema: z.unknown().optional(),
});
const requestBodySchema = z.looseObject({ required: z.boolean().optional(), content: contentSchema });
const securitySchema = z.array(z.record(z.string(), z.array(z.string())));
const operationSchema = z.looseObject({
  parameters: z.array(z.unknown()).optional(),
  requestBody: z.unknown().optional(),
  responses: z.record(z.string(), z.unknown()),
  security: securitySchema.optional(),
});
const documentSchema = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.looseObject({ securitySchemes: z.record(z.string(), z.unknown()).optional() }).optional(),
  security: securitySchema.optional(),
});

export type Parameter = z.infer<typeof parameterSchema>;
export type Response = z.infer<typeof responseSchema>;
export type RequestBody = z.infer<typeof requestBodySchema>;

/** One operation of the document, its references resolved. */
export interface Operation {
  /** "POST /v1/applications/{applicationId}/sms-code" */
  key: string;
  method: HttpMethod;
  path: string;
  parameters: Parameter[];
  requestBody: RequestBody | undefined;
  responses: Record<string, Response>;
  security: z.infer<typeof securitySchema>;
}

export const operationKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** RFC 6901 JSON pointer inside the document ("#/components/schemas/X"). */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) throw new Error(`${ref} is not a local reference`);
  let at: unknown = doc;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const token = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(at) && /^\d+$/.test(token)) at = at[Number(token)];
    else if (isRecord(at) && Object.hasOwn(at, token)) at = at[token];
    else throw new Error(`${ref} does not resolve (no ${token})`);
  }
  return at;
}

/** Every `$ref` anywhere in the document, with where it sits. */
export function refsIn(value: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refsIn(v, `${at}/${i}`));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string'
      ? [{ at, ref: v }]
      : refsIn(v, `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`),
  );
}

/** Follows a Reference Object (possibly a chain of them) to what it names. */
function deref(doc: unknown, value: unknown): unknown {
  let v = value;
  for (let hops = 0; hops < 20; hops++) {
    const ref = refSchema.safeParse(v);
    if (!ref.success) return v;
    v = resolvePointer(doc, ref.data.$ref);
  }
  throw new Error('reference chain too long');
}

export function parseDocument(raw: unknown) {
  return documentSchema.parse(raw);
}

/** Every operation of the document: paths × methods, none skipped. */
export function operationsOf(raw: unknown): Operation[] {
  const doc = parseDocument(raw);
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = z.array(z.unknown()).optional().parse(item.parameters) ?? [];
    for (const method of HTTP_METHODS) {
      if (item[method] === undefined) continue;
      const op = operationSchema.parse(item[method]);
      const byName = new Map<string, Parameter>();
      for (const p of [...shared, ...(op.parameters ?? [])]) {
        const param = parameterSchema.parse(deref(raw, p));
        byName.set(`${param.in}:${param.name}`, param);
      }
      out.push({
        key: operationKey(method, path),
        method,
        path,
        parameters: [...byName.values()],
        requestBody:
          op.requestBody === undefined ? undefined : requestBodySchema.parse(deref(raw, op.requestBody)),
        responses: Object.fromEntries(
          Object.entries(op.responses).map(([status, r]) => [status, responseSchema.parse(deref(raw, r))]),
        ),
        security: op.security ?? doc.security ?? [],
      });
    }
  }
  return out;
}

/** The documented response for a status: exact ("404"), a range ("4XX"), or "default". */
export function documentedResponse(op: Operation, status: number): Response | undefined {
  return op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
}

/** "application/problem+json; charset=utf-8" → "application/problem+json" */
export const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** Validates instances against schemas of one document (its components reachable by $ref). */
export class SchemaValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });

  constructor(private readonly doc: Json) {
    addFormats(this.ajv);
  }

  /** The problems, empty when the value is valid. */
  problems(schema: unknown, value: unknown): string[] {
    const root =
      typeof schema === 'boolean' ? schema : { ...z.record(z.string(), z.unknown()).parse(schema) };
    // Local references in the document ("#/components/...") resolve against the root being compiled.
    const compiled = this.ajv.compile(
      typeof root === 'boolean' ? root : { ...root, components: this.doc.components },
    );
    if (compiled(value)) return [];
    return (compiled.errors ?? []).map(
      (e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`,
    );
  }
}
