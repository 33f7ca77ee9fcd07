/**
 * A pair of sandboxes of the test file's own, on free ports: their fault knobs (PUT
 * /sandbox/faults, refusals included) are per instance, so a file that refuses core banking's
 * binds does not refuse those of the files running beside it on the shared pair.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { accountListSchema, type CoreAccount } from '../../contracts/core-banking';
import { buildCoreBankingSandbox, type CoreBankingSandboxOptions } from '../../sandbox/core-banking/app';
import { buildProvidersSandbox, type ProvidersSandboxOptions } from '../../sandbox/providers/app';
import { TEST_PARTNER_WEBHOOK_SECRETS, TEST_WEBHOOK_SECRET } from '../provided';

export interface OwnSandboxes {
  providersUrl: string;
  coreBankingUrl: string;
  providers: FastifyInstance;
  coreBanking: FastifyInstance;
  close(): Promise<void>;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

export async function startOwnSandboxes(
  opts: {
    providers?: Partial<ProvidersSandboxOptions>;
    coreBanking?: Partial<CoreBankingSandboxOptions>;
    /** Changes to a sandbox before it listens (a hook that breaks a contract, say). */
    beforeListen?: (apps: { providers: FastifyInstance; coreBanking: FastifyInstance }) => void;
  } = {},
): Promise<OwnSandboxes> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'own-sandboxes-'));
  const providers = buildProvidersSandbox({
    dbFile: path.join(dir, 'providers.db'),
    webhookSecret: TEST_WEBHOOK_SECRET,
    partnerWebhookSecrets: TEST_PARTNER_WEBHOOK_SECRETS,
    ...opts.providers,
  });
  const coreBanking = buildCoreBankingSandbox({
    dbFile: path.join(dir, 'core-banking.db'),
    ...opts.coreBanking,
  });
  opts.beforeListen?.({ providers, coreBanking });
  const [providersUrl, coreBankingUrl] = await Promise.all([listen(providers), listen(coreBanking)]);
  return {
    providersUrl,
    coreBankingUrl,
    providers,
    coreBanking,
    async close() {
      await Promise.allSettled([providers.close(), coreBanking.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** PUT /sandbox/faults: `refuse` these operations (an empty list heals). */
export async function refuse(sandboxUrl: string, names: string[]): Promise<void> {
  const res = await fetch(`${sandboxUrl}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refuse: names }),
  });
  if (!res.ok) throw new Error(`PUT /sandbox/faults answered ${res.status}: ${await res.text()}`);
}

/** The accounts core banking holds for an application (its reference), as core banking shows them. */
export async function accountsOf(coreBankingUrl: string, applicationId: string): Promise<CoreAccount[]> {
  const query = new URLSearchParams({
    openedFrom: '2000-01-01T00:00:00Z',
    openedTo: '2100-01-01T00:00:00Z',
    reference: applicationId,
  });
  const res = await fetch(`${coreBankingUrl}/core/v1/accounts?${query}`);
  return accountListSchema.parse(await res.json()).accounts;
}

export interface ReceivedEvent {
  eventId: string;
  type: string;
  inbox: string;
  deliveries: number;
  data: Record<string, unknown>;
}

/** What the sandbox's webhook inbox received for an application (app and ops events alike in tests). */
export async function receivedEvents(providersUrl: string, applicationId: string): Promise<ReceivedEvent[]> {
  const res = await fetch(`${providersUrl}/sandbox/app-webhook/events?applicationId=${applicationId}`);
  return ((await res.json()) as { events: ReceivedEvent[] }).events;
}
