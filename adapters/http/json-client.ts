/**
 * JSON over HTTP for the provider and core-banking adapters. It decides what Temporal may
 * retry: network faults, timeouts and 5xx are transient (thrown as retryable failures);
 * anything the caller did not expect is a contract error that no retry can fix. Calls go through
 * undici's `request`, not `fetch`: measured in bench:flow, the worker spent about 12 % less CPU
 * per application without fetch's web streams (scripts/bench/README.md).
 */
import { ApplicationFailure } from '@temporalio/common';
import { request } from 'undici';
import type { z } from 'zod';

export const TRANSIENT = 'TransientProviderError';
export const CONTRACT = 'ProviderContractError';
/** `422 {"error": "REFUSED"}`: the system will not do this, however often asked (never retried). */
export const REFUSED = 'ProviderRefusedError';

export interface JsonCall {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  idempotencyKey?: string;
  timeoutMs?: number;
}

export interface JsonAnswer {
  status: number;
  body: unknown;
}

export async function callJson(url: string, call: JsonCall = {}): Promise<JsonAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(call.timeoutMs ?? 5000),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    // The error's name only: undici's messages may quote the URL, whose path may name an account.
    throw ApplicationFailure.retryable(`${routeOf(url)}: ${(err as Error).name}`, TRANSIENT);
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (status >= 500 || status === 429) {
    throw ApplicationFailure.retryable(`${routeOf(url)} answered ${status}`, TRANSIENT);
  }
  return { status, body };
}

/**
 * The URL's path as a route template, for failure messages: paths name accounts, agreements and
 * holds (/core/v1/accounts/6222.../holds), and a failure's message reaches logs, the Web UI and,
 * through the OpenTelemetry interceptors, every span's status and exception event. Only segments
 * shaped like a route's own words (lower-case words, `v1`) are kept; any other becomes `{}`, so a
 * caller need not know which of its segments are data: /core/v1/accounts/{}/holds.
 */
const ROUTE_WORD = /^(?:[a-z]+(?:-[a-z]+)*|v\d+)$/;
export const routeOf = (url: string): string =>
  new URL(url).pathname
    .split('/')
    .map((segment) => (segment === '' || ROUTE_WORD.test(segment) ? segment : '{}'))
    .join('/');

/** Parses an expected answer; an unexpected status or shape is a non-retryable contract error. */
export function expect<T extends z.ZodType>(answer: JsonAnswer, okStatuses: number[], schema: T): z.infer<T> {
  if (!okStatuses.includes(answer.status) && isRefusal(answer)) {
    throw ApplicationFailure.nonRetryable('refused for good', REFUSED);
  }
  if (!okStatuses.includes(answer.status)) {
    throw ApplicationFailure.nonRetryable(`unexpected status ${answer.status}`, CONTRACT);
  }
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`unexpected answer: ${parsed.error.issues[0]?.message}`, CONTRACT);
  }
  return parsed.data;
}

/** A refusal for good, as providers and core banking answer it. */
export const isRefusal = (answer: JsonAnswer): boolean =>
  answer.status === 422 && (answer.body as { error?: unknown } | undefined)?.error === 'REFUSED';
