/** Flow v4 requests for tests: a v3 request plus the intent and a device of its own. */
import { randomUUID } from 'node:crypto';
import type { DocumentStore } from '../../adapters/documents';
import type { StartApplicationRequest } from '../../domain/application';
import type { Device, Intent } from '../../domain/opening-intent';
import { type ApplicationOptions, newApplication } from './harness';
import type { Person } from './people';

/** A device no other application used: linked-applicant counts start at 1. */
export const newDevice = (): Device => ({
  deviceId: `test-device-${randomUUID()}`,
  platform: 'IOS',
  ip: '203.0.113.7',
  appVersion: '5.2.0',
});

export const confirmedIntent: Intent = { purpose: 'SAVINGS', declaresNoRentOrSale: true };

export async function newV4Application(
  documents: DocumentStore,
  opts: ApplicationOptions & { device?: Device; intent?: Intent } = {},
): Promise<StartApplicationRequest & { applicant: Person; intent: Intent; device: Device }> {
  const { device = newDevice(), intent = confirmedIntent, ...rest } = opts;
  return { ...(await newApplication(documents, rest)), flowVersion: 'v4', intent, device };
}

/** Lists the person on the providers sandbox's punishment list (for good, unless `until`). */
export async function listPunished(providersUrl: string, idNumber: string, until?: string): Promise<void> {
  const res = await fetch(`${providersUrl}/sandbox/punishment-list/${idNumber}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(until ? { until } : {}),
  });
  if (res.status !== 204) throw new Error(`the punishment list answered ${res.status}`);
}
