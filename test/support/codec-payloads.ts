/** Payloads as the codec server's JSON carries them (base64 metadata and data), for its tests. */
import type { Payload } from '@temporalio/common';

export const asJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** A payload the codec leaves as it is: JSON, not encrypted. */
export const plain = (value: unknown): Payload => ({
  metadata: { encoding: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify(value)),
});

export const dataOf = (p: { data: string }) => Buffer.from(p.data, 'base64').toString();
