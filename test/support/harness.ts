/**
 * A real worker on its own task queue against the shared dev server and sandboxes, plus
 * helpers to upload ID images and read the SMS inbox. Each test file starts one.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { httpPorts } from '../../activities/http';
import { Applications } from '../../client/applications';
import { DailyLimits } from '../../client/daily-limits';
import { Reviews } from '../../client/reviews';
import { accountSchema } from '../../contracts/core-banking';
import { DocumentStore } from '../../documents/store';
import {
  type AbuseLimits,
  defaultAbuseLimits,
  defaultPolicy,
  type Policy,
  type StartApplicationRequest,
} from '../../domain/application';
import type { ReviewPolicy } from '../../domain/review';
import { type IdCardMarker, makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { TEST_WEBHOOK_SECRET } from '../provided';

export { TEST_WEBHOOK_SECRET };

import { newCard, newPerson, type Person } from './people';

/** Production adapters pointed at the shared sandboxes; app and ops events land in its webhook inbox. */
export function sandboxPorts(documentsDir: string, appWebhookUrl?: string) {
  const providersUrl = inject('providersUrl');
  const webhook = `${providersUrl}/sandbox/app-webhook`;
  return httpPorts({
    providersUrl,
    coreBankingUrl: inject('coreBankingUrl'),
    appWebhookUrl: appWebhookUrl ?? webhook,
    opsWebhookUrl: webhook,
    webhookSecret: TEST_WEBHOOK_SECRET,
    documentsDir,
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling costs seconds: once per test file (vitest forks a process per file). */
export const workflowBundle = () => (bundle ??= bundleWorkflows());

export interface Harness {
  client: Client;
  applications: Applications;
  reviews: Reviews;
  documents: DocumentStore;
  taskQueue: string;
  providersUrl: string;
  coreBankingUrl: string;
  /** Stops the worker and starts a fresh one on the same task queue: nothing may be lost. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

export type PolicyOverrides = Partial<Omit<Policy, 'review'>> & { review?: Partial<ReviewPolicy> };

export async function startHarness(
  policy: PolicyOverrides = {},
  opts: { appWebhookUrl?: string; limits?: Partial<AbuseLimits> } = {},
): Promise<Harness> {
  const address = inject('temporalAddress');
  const providersUrl = inject('providersUrl');
  const coreBankingUrl = inject('coreBankingUrl');
  const taskQueue = `test-${randomUUID()}`;
  const documentsDir = await mkdtemp(path.join(os.tmpdir(), 'documents-'));
  const documents = new DocumentStore(documentsDir);

  const workerConnection = await NativeConnection.connect({ address });
  const bundle = await workflowBundle();
  const startWorker = async () => {
    const worker = await createWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      ports: sandboxPorts(documentsDir, opts.appWebhookUrl),
      workflowBundle: bundle,
    });
    return { worker, running: worker.run() };
  };
  let current = await startWorker();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const applications = new Applications({
    client,
    taskQueue,
    policy: { ...defaultPolicy, ...policy, review: { ...defaultPolicy.review, ...policy.review } },
    limits: {
      store: new DailyLimits(path.join(documentsDir, 'limits.db')),
      caps: { ...defaultAbuseLimits, ...opts.limits },
    },
  });

  return {
    client,
    applications,
    documents,
    taskQueue,
    providersUrl,
    coreBankingUrl,
    reviews: new Reviews(client),
    async restartWorker() {
      current.worker.shutdown();
      await current.running;
      current = await startWorker();
    },
    async stop() {
      current.worker.shutdown();
      await current.running;
      await connection.close();
      await workerConnection.close();
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}

export interface ApplicationOptions {
  person?: Person;
  card?: string;
  front?: Partial<IdCardMarker>;
  back?: Partial<IdCardMarker>;
}

/** A complete v3 request with ID images uploaded; options steer the sandbox's answers. */
export async function newApplication(
  documents: DocumentStore,
  opts: ApplicationOptions = {},
): Promise<StartApplicationRequest> {
  const person = opts.person ?? newPerson();
  const idFront = await documents.put(
    makeIdCardImage({ side: 'FRONT', name: person.name, idNumber: person.idNumber, ...opts.front }),
  );
  const idBack = await documents.put(
    makeIdCardImage({ side: 'BACK', validUntil: '2040-01-01', ...opts.back }),
  );
  return {
    applicationId: randomUUID(),
    flowVersion: 'v3',
    channel: 'OWN_APP',
    applicant: person,
    boundAccount: { number: opts.card ?? newCard(), kind: 'DEBIT' },
    documents: { idFront, idBack },
  };
}

/** The code the providers sandbox "sent" to this mobile. */
export async function readSmsCode(providersUrl: string, mobile: string): Promise<string> {
  const res = await fetch(`${providersUrl}/sandbox/sms?mobile=${mobile}`);
  if (!res.ok) throw new Error(`no SMS for this mobile (${res.status})`);
  return ((await res.json()) as { code: string }).code;
}

export async function readAccount(coreBankingUrl: string, accountNumber: string) {
  const res = await fetch(`${coreBankingUrl}/core/v1/accounts/${accountNumber}`);
  return accountSchema.parse(await res.json());
}

export async function appEvents(providersUrl: string, applicationId: string) {
  const res = await fetch(`${providersUrl}/sandbox/app-webhook/events?applicationId=${applicationId}`);
  return ((await res.json()) as { events: { eventId: string; type: string; deliveries: number }[] }).events;
}
