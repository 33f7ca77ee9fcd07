/**
 * JSON with every object's keys sorted, so that the order of fields on the wire does not change
 * a fingerprint (api/services/applications.ts for start requests, sandbox/idempotency.ts for the
 * sandboxes' idempotency keys). Properties holding undefined are left out, as JSON.stringify does.
 *
 * Keys sort with String.prototype.localeCompare, and must keep doing so: the fingerprint of a
 * start request is in its running workflow's input (requestFingerprint), and a re-sent start
 * whose fingerprint came out differently would be answered 409.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
