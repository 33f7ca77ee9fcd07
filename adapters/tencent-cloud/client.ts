/**
 * One Tencent Cloud API 3.0 call: signed (TC3-HMAC-SHA256), sent over undici as the other
 * adapters' calls are, and read into a result the callers map with domain/tencent-cloud-mapping.ts.
 * We sign ourselves rather than call through the official SDK: the SDK retries and words its
 * own errors, while here Temporal owns retries and every failure is classified as the other
 * adapters' are (transient, contract, refused), with messages that carry an action and a vendor
 * code only, never a credential, a body or a vendor message that might echo what was sent.
 */
import { ApplicationFailure } from '@temporalio/common';
import { request } from 'undici';
import {
  TC3_CONTENT_TYPE,
  tc3Authorization,
  tencentCloudEnvelopeSchema,
  tencentCloudErrorSchema,
} from '../../contracts/tencent-cloud';
import { type CodeRow, lookupCode, TENCENT_FAILURES } from '../../domain/tencent-cloud-mapping';
import { TRANSIENT } from '../http/json-client';

export interface TencentCloudSettings {
  secretId: string;
  secretKey: string;
  region: string;
  /**
   * Where calls go: `https://{service}.tencentcloudapi.com` at Tencent Cloud, `{service}` being
   * `ocr` or `faceid`; a URL without it sends every service there (the sandbox tells them apart
   * by the signature's scope).
   */
  endpoint: string;
}

export const endpointFor = (endpoint: string, service: string): string =>
  endpoint.replaceAll('{service}', service);

export type CallResult = { ok: Record<string, unknown> } | { error: string };

const PRINTABLE_CODE = /^[A-Za-z0-9.\-_]{1,80}$/;
/** A vendor code as failure messages may quote it: a code, never free text. */
export const printable = (code: string): string => (PRINTABLE_CODE.test(code) ? code : '(unprintable code)');

export const malformed = (action: string, what: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(`Tencent Cloud ${action}: ${what}`, TENCENT_FAILURES.MALFORMED);

export async function callTencentCloud(
  settings: TencentCloudSettings,
  api: { service: string; version: string },
  action: string,
  body: Record<string, unknown>,
  opts: { timeoutMs?: number; now?: () => Date } = {},
): Promise<CallResult> {
  const url = new URL(endpointFor(settings.endpoint, api.service));
  const payload = JSON.stringify(body);
  const timestamp = Math.floor((opts.now ?? (() => new Date()))().getTime() / 1000);
  const authorization = tc3Authorization({
    secretId: settings.secretId,
    secretKey: settings.secretKey,
    service: api.service,
    hostname: url.hostname,
    path: url.pathname,
    contentType: TC3_CONTENT_TYPE,
    payload,
    timestamp,
  });
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: {
        'content-type': TC3_CONTENT_TYPE,
        'x-tc-action': action,
        'x-tc-version': api.version,
        'x-tc-timestamp': String(timestamp),
        'x-tc-region': settings.region,
        authorization,
      },
      body: payload,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    // The error's name only: undici's messages may quote the request.
    throw ApplicationFailure.retryable(`Tencent Cloud ${action}: ${(err as Error).name}`, TRANSIENT);
  }
  if (status >= 500 || status === 429) {
    throw ApplicationFailure.retryable(`Tencent Cloud ${action} answered ${status}`, TRANSIENT);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw malformed(action, `answer is not JSON (status ${status})`);
  }
  const envelope = tencentCloudEnvelopeSchema.safeParse(json);
  if (!envelope.success) throw malformed(action, 'answer has no Response');
  const response = envelope.data.Response;
  if ('Error' in response) {
    const error = tencentCloudErrorSchema.safeParse(response);
    if (!error.success) throw malformed(action, 'Response.Error has no Code');
    return { error: error.data.Error.Code };
  }
  if (status !== 200) throw malformed(action, `unexpected status ${status}`);
  return { ok: response };
}

/**
 * What a code of `table` (or a common error) becomes: its answer, or 'REVIEW'; a retry or a
 * failure is thrown. A code none knows is `unknown`: 'REVIEW' where the port can say it,
 * else a failure that names the code.
 */
export function settle<A>(
  action: string,
  table: readonly CodeRow<A>[],
  code: string,
  unknown: 'REVIEW' | 'FAIL',
): { answer: A } | 'REVIEW' {
  const outcome = lookupCode(table, code);
  if (!outcome) {
    if (unknown === 'REVIEW') return 'REVIEW';
    throw ApplicationFailure.nonRetryable(
      `Tencent Cloud ${action}: unknown result ${printable(code)}`,
      TENCENT_FAILURES.UNKNOWN_RESULT,
    );
  }
  switch (outcome.kind) {
    case 'answer':
      return { answer: outcome.answer };
    case 'review':
      return 'REVIEW';
    case 'retry':
      throw ApplicationFailure.retryable(`Tencent Cloud ${action}: ${printable(code)}`, TRANSIENT);
    case 'failure':
      throw ApplicationFailure.nonRetryable(`Tencent Cloud ${action}: ${printable(code)}`, outcome.failure);
  }
}
