/**
 * A real worker on its own task queue against the shared dev server and sandboxes, plus
 * helpers to upload ID images and read the SMS inbox. Each test file starts one.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, type ClientOptions, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { DocumentStore, type Sealer } from '../../adapters/documents';
import { httpPorts } from '../../adapters/http';
import { keyedLinkedApplicants } from '../../adapters/keyed-linked-applicants';
import { type ProviderProfile, withProviderProfile } from '../../adapters/tencent-cloud/profile';
import { Applications } from '../../api/services/applications';
import { Reviews } from '../../api/services/reviews';
import { accountSchema } from '../../contracts/core-banking';
import { TENCENT_SANDBOX_CREDENTIALS, TENCENT_SANDBOX_PATH } from '../../contracts/tencent-cloud';
import {
  type AbuseLimits,
  defaultAbuseLimits,
  defaultPolicy,
  type Policy,
  type StartApplicationRequest,
} from '../../domain/application';
import type { FlowVersion } from '../../domain/identifiers';
import type { ReviewPolicy } from '../../domain/review';
import type { DecodeErrorListener } from '../../encryption/codec';
import { encryptedDataConverter } from '../../encryption/data-converter';
import type { Keyring } from '../../encryption/keyring';
import {
  type FaceMarker,
  type IdCardMarker,
  makeIdCardImage,
  makeSelfieImage,
} from '../../sandbox/providers/id-card-image';
import { type AuditTrail, sqliteAuditTrail } from '../../stores/audit';
import { DailyLimits } from '../../stores/daily-limits';
import { SqliteLinkedApplicants } from '../../stores/linked-applicants';
import { createWorker, type WorkerOptions } from '../../worker/create-worker';
import { TEST_PARTNER_WEBHOOK_SECRETS, TEST_WEBHOOK_SECRET } from '../provided';
import { testKeyring } from '../security/keys';

export { TEST_WEBHOOK_SECRET };

import { newCard, newPerson, type Person } from './people';
import { TEST_DECISION_SIGNING_KEY } from './workflow-bundle';

/**
 * Production adapters pointed at the shared sandboxes; app and ops events land in its webhook
 * inbox unless `opsWebhookUrl` names another (the sandbox's `/sandbox/ops-webhook` keeps ops
 * alerts apart, listed with inbox `ops`). Without `audit`, recording an audit entry fails (and
 * its activity retries).
 */
export function sandboxPorts(
  documentsDir: string,
  sealer: Sealer,
  opts: {
    appWebhookUrl?: string;
    opsWebhookUrl?: string;
    audit?: AuditTrail;
    providersUrl?: string;
    coreBankingUrl?: string;
    /** Tencent Cloud's wire format for the checks it offers (its sandbox at `providersUrl`, unless said). */
    providerProfile?: 'sandbox' | 'tencent-cloud' | ProviderProfile;
  } = {},
) {
  const { appWebhookUrl, audit } = opts;
  const providersUrl = opts.providersUrl ?? inject('providersUrl');
  const webhook = `${providersUrl}/sandbox/app-webhook`;
  const ports = httpPorts(
    {
      providersUrl,
      coreBankingUrl: opts.coreBankingUrl ?? inject('coreBankingUrl'),
      appWebhookUrl: appWebhookUrl ?? webhook,
      opsWebhookUrl: opts.opsWebhookUrl ?? webhook,
      webhookSecret: TEST_WEBHOOK_SECRET,
      documentsDir,
      partnerWebhooks: Object.fromEntries(
        Object.entries(TEST_PARTNER_WEBHOOK_SECRETS).map(([id, secret]) => [
          id,
          { url: `${providersUrl}/sandbox/app-webhook/${id}`, secret },
        ]),
      ),
    },
    sealer,
  );
  const profile: ProviderProfile =
    opts.providerProfile === 'tencent-cloud'
      ? {
          kind: 'tencent-cloud',
          ...TENCENT_SANDBOX_CREDENTIALS,
          region: 'ap-guangzhou',
          endpoint: `${providersUrl}${TENCENT_SANDBOX_PATH}`,
        }
      : typeof opts.providerProfile === 'object'
        ? opts.providerProfile
        : { kind: 'sandbox' };
  const profiled = withProviderProfile(ports, profile);
  // Flow v4's linked applicants: the worker's own store beside its documents, keyed as the API's counters.
  const linkedApplicants = keyedLinkedApplicants(
    () => SqliteLinkedApplicants.open(path.join(documentsDir, 'linked-applicants.db')),
    'test-counter-hmac-key-0123456789',
  );
  return audit ? { ...profiled, linkedApplicants, audit } : { ...profiled, linkedApplicants };
}

/** Keys the account references of the tests' audit logs. */
export const TEST_AUDIT_HMAC_KEY = 'test-audit-hmac-key-0123456789';

// The signing key lives in ./workflow-bundle (the replay suite bundles with it, without the
// harness); exported here too for the tests that take everything from the harness.
export { TEST_DECISION_SIGNING_KEY };

let shared: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow code as the global setup bundled it for the whole run (./workflow-bundle's, read from its file). */
export const workflowBundle = (): Promise<WorkflowBundleWithSourceMap> =>
  (shared ??= readFile(inject('workflowBundleFile'), 'utf8').then(
    (json) => JSON.parse(json) as WorkflowBundleWithSourceMap,
  ));

export interface Harness {
  client: Client;
  applications: Applications;
  reviews: Reviews;
  documents: DocumentStore;
  /** Where `documents` keeps its files. */
  documentsDir: string;
  taskQueue: string;
  providersUrl: string;
  coreBankingUrl: string;
  /** The data keys the client's and worker's codec encrypt under (the fixed test master key, a temp store). */
  keyring: Keyring;
  /** The audit log the worker writes (a SQLite file in the test's temp folder, notes sealed with `keyring`). */
  audit: AuditTrail;
  /** Stops the worker and starts a fresh one on the same task queue (on new code, if given): nothing may be lost. */
  restartWorker(code?: WorkflowBundleWithSourceMap): Promise<void>;
  /** The current worker's run(): rejects if the worker fails. */
  workerRunning(): Promise<void>;
  /** The current worker's state (RUNNING while it serves). */
  workerState(): string;
  stop(): Promise<void>;
}

export type PolicyOverrides = Partial<Omit<Policy, 'review'>> & { review?: Partial<ReviewPolicy> };

export async function startHarness(
  policy: PolicyOverrides = {},
  opts: {
    appWebhookUrl?: string;
    /** Where ops alerts go: the app's webhook inbox unless said. */
    opsWebhookUrl?: string;
    limits?: Partial<AbuseLimits>;
    keyring?: Keyring;
    audit?: AuditTrail;
    /** Sandboxes of the test's own instead of the shared ones (to read their log lines, say). */
    providersUrl?: string;
    coreBankingUrl?: string;
    /** Told of each payload the codec cannot decrypt (the worker's metric, in production). */
    onDecodeError?: DecodeErrorListener;
    /** Tracing as worker/main.ts and the API wire it: the worker's plugins, its code bundled with them, the client's interceptors. */
    observability?: WorkerOptions['observability'];
    workflowBundle?: WorkflowBundleWithSourceMap;
    clientInterceptors?: ClientOptions['interceptors'];
    /** PROVIDER_PROFILE for the worker's checks: the sandbox contract unless said. */
    providerProfile?: 'sandbox' | 'tencent-cloud' | ProviderProfile;
  } = {},
): Promise<Harness> {
  const address = inject('temporalAddress');
  const providersUrl = opts.providersUrl ?? inject('providersUrl');
  const coreBankingUrl = opts.coreBankingUrl ?? inject('coreBankingUrl');
  const taskQueue = `test-${randomUUID()}`;
  const documentsDir = await mkdtemp(path.join(os.tmpdir(), 'documents-'));
  // Client and worker encrypt payloads as in production (docs/encryption.md).
  const keyring = opts.keyring ?? testKeyring(documentsDir);
  const documents = new DocumentStore(documentsDir, keyring);
  const dataConverter = encryptedDataConverter(keyring, { onDecodeError: opts.onDecodeError });
  const audit =
    opts.audit ??
    sqliteAuditTrail({ file: path.join(documentsDir, 'audit.db'), hmacKey: TEST_AUDIT_HMAC_KEY, keyring });

  const workerConnection = await NativeConnection.connect({ address });
  const bundle = opts.workflowBundle ?? (await workflowBundle());
  const startWorker = async (code = bundle) => {
    const worker = await createWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      ports: sandboxPorts(documentsDir, keyring, {
        appWebhookUrl: opts.appWebhookUrl,
        opsWebhookUrl: opts.opsWebhookUrl,
        audit,
        providersUrl,
        coreBankingUrl,
        providerProfile: opts.providerProfile,
      }),
      dataConverter,
      workflowBundle: code,
      observability: opts.observability,
    });
    return { worker, running: worker.run() };
  };
  let current = await startWorker();
  const connection = await Connection.connect({ address });
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter,
    ...(opts.clientInterceptors && { interceptors: opts.clientInterceptors }),
  });
  const applications = new Applications({
    client,
    taskQueue,
    policy: { ...defaultPolicy, ...policy, review: { ...defaultPolicy.review, ...policy.review } },
    limits: {
      store: new DailyLimits(path.join(documentsDir, 'limits.db'), 'test-counter-hmac-key-0123456789'),
      caps: { ...defaultAbuseLimits, ...opts.limits },
    },
  });

  return {
    client,
    applications,
    documents,
    documentsDir,
    taskQueue,
    providersUrl,
    coreBankingUrl,
    keyring,
    audit,
    reviews: new Reviews(client, { decisionSigningKey: TEST_DECISION_SIGNING_KEY }),
    workerRunning: () => current.running,
    workerState: () => current.worker.getState(),
    async restartWorker(code) {
      current.worker.shutdown();
      await current.running;
      current = await startWorker(code);
    },
    async stop() {
      current.worker.shutdown();
      await current.running;
      await connection.close();
      await workerConnection.close();
      if (!opts.audit) audit.close();
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}

export interface ApplicationOptions {
  person?: Person;
  card?: string;
  front?: Partial<IdCardMarker>;
  back?: Partial<IdCardMarker>;
  /** Who uploads the images (adapters/documents.ts tenantOf): the bank's own app unless said. */
  tenant?: string;
}

/** The test tenants: the bank's own app, and the partner the tests' partner-x token speaks for. */
export const OWN_APP_TENANT = 'OWN_APP';
export const PARTNER_X_TENANT = 'PARTNER:partner-x';

/** A complete v3 request with ID images uploaded; options steer the sandbox's answers. */
export async function newApplication(
  documents: DocumentStore,
  opts: ApplicationOptions = {},
): Promise<StartApplicationRequest & { applicant: Person }> {
  const person = opts.person ?? newPerson();
  const tenant = opts.tenant ?? OWN_APP_TENANT;
  const idFront = await documents.put(
    makeIdCardImage({ side: 'FRONT', name: person.name, idNumber: person.idNumber, ...opts.front }),
    tenant,
  );
  const idBack = await documents.put(
    makeIdCardImage({ side: 'BACK', validUntil: '2040-01-01', ...opts.back }),
    tenant,
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

export interface FlowApplicationOptions extends ApplicationOptions {
  channel?: 'OWN_APP' | 'PARTNER';
  /** v2: what the face sandbox sees in the selfie (PASS unless said). */
  face?: FaceMarker['face'];
  /** v2: leave the mobile out, as a v2 app may. */
  withoutMobile?: boolean;
}

/**
 * A complete request of any flow version: v1 with no documents, v2 with a selfie (and no mobile
 * if asked), v3 as newApplication. The channel defaults to the one that offers the version.
 */
export async function newFlowApplication(
  documents: DocumentStore,
  flowVersion: FlowVersion,
  opts: FlowApplicationOptions = {},
): Promise<StartApplicationRequest> {
  const channel = opts.channel ?? (flowVersion === 'v3' ? 'OWN_APP' : 'PARTNER');
  const tenant = opts.tenant ?? (channel === 'PARTNER' ? PARTNER_X_TENANT : OWN_APP_TENANT);
  const base = await newApplication(documents, { ...opts, tenant });
  if (flowVersion === 'v3') return { ...base, channel };
  const { mobile, ...rest } = base.applicant;
  return {
    ...base,
    flowVersion,
    channel,
    applicant: flowVersion === 'v2' && opts.withoutMobile ? rest : { ...rest, mobile },
    documents:
      flowVersion === 'v2'
        ? { selfie: await documents.put(makeSelfieImage({ face: opts.face ?? 'PASS' }), tenant) }
        : {},
  };
}

/** The code the providers sandbox "sent" to this mobile. */
export async function readSmsCode(providersUrl: string, mobile: string | undefined): Promise<string> {
  if (!mobile) throw new Error('this application has no mobile number to send a code to');
  const res = await fetch(`${providersUrl}/sandbox/sms?mobile=${mobile}`);
  if (!res.ok) throw new Error(`no SMS for this mobile (${res.status})`);
  return ((await res.json()) as { code: string }).code;
}

/** A v3 application of the own app opened without a doubt: its request and the account's number. */
export async function openCleanly(h: Harness) {
  const req = await newApplication(h.documents);
  await h.applications.start(req);
  const opened = await h.applications.submitSmsCode(
    req.applicationId,
    await readSmsCode(h.providersUrl, req.applicant.mobile),
  );
  if (opened.status !== 'OPENED') throw new Error(`not opened: ${opened.status}`);
  return { req, accountNumber: opened.accountNumber };
}

export async function readAccount(coreBankingUrl: string, accountNumber: string) {
  const res = await fetch(`${coreBankingUrl}/core/v1/accounts/${accountNumber}`);
  return accountSchema.parse(await res.json());
}

export async function appEvents(providersUrl: string, applicationId: string) {
  const res = await fetch(`${providersUrl}/sandbox/app-webhook/events?applicationId=${applicationId}`);
  return (
    (await res.json()) as { events: { eventId: string; type: string; deliveries: number; inbox: string }[] }
  ).events;
}
