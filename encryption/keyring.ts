/**
 * Per-application data keys: each application's payloads (its onboarding and review workflows
 * and their activities), and any bytes the document store or an audit log encrypt for it, are
 * encrypted under a random 256-bit key of its own, stored wrapped by a master key of the KMS.
 * Shredding an application deletes that key, which renders all of it unreadable at once.
 */
import { randomBytes } from 'node:crypto';
import { type DataKeyStore, isShredded, type WrappedDataKey } from '../stores/data-key-store';
import { decryptGcm, encryptGcm, GCM_OVERHEAD_BYTES } from './gcm';
import type { KeyManagementService } from './kms';

/** Payloads whose owner is no application (no context, other workflows) use this key. */
export const DEPLOYMENT_KEY_ID = 'deployment';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const APPLICATION_KEY = new RegExp(`^app-(${UUID})$`);
const APPLICATION_WORKFLOW = new RegExp(
  `^(?:application|review|renewal|re-verification|bank-restriction)-(${UUID})$`,
);

/** The data key id of an application: what each of its payloads names in its metadata. */
export function applicationKeyId(applicationId: string): string {
  const id = `app-${applicationId.toLowerCase()}`;
  if (!APPLICATION_KEY.test(id)) throw new Error('an application id is a UUID');
  return id;
}

export const applicationIdOfKey = (keyId: string): string | undefined => APPLICATION_KEY.exec(keyId)?.[1];

/** `application-<uuid>`, `review-<uuid>`, `renewal-<uuid>`, `re-verification-<uuid>` and `bank-restriction-<uuid>` (domain/workflow-ids.ts) belong to the application. */
export const applicationIdOfWorkflow = (workflowId: string | undefined): string | undefined =>
  workflowId ? APPLICATION_WORKFLOW.exec(workflowId.toLowerCase())?.[1] : undefined;

/**
 * Workflows whose id names no application but whose payloads carry one person's data: an
 * agreement signing (`agreement-agr-<hash>`) is bound to its account's application when it
 * starts (api/services/agreements.ts). Only these ids are looked up, so other workflows (sweeps,
 * reconciliation, schedules) cost the codec no store read.
 */
const BINDABLE_WORKFLOW = /^agreement-agr-[0-9a-f]{32}$/;
export const isBindableWorkflow = (workflowId: string | undefined): workflowId is string =>
  workflowId !== undefined && BINDABLE_WORKFLOW.test(workflowId);

export class DataKeyShreddedError extends Error {
  constructor(
    readonly keyId: string,
    readonly shreddedAt: string,
  ) {
    super(
      `data key ${keyId} was crypto-shredded at ${shreddedAt}: what was encrypted under it can no longer be read`,
    );
    this.name = 'DataKeyShreddedError';
  }
}

export class UnknownDataKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`data key ${keyId} is not in this key store (another environment's data, or a lost key store?)`);
    this.name = 'UnknownDataKeyError';
  }
}

export interface KeyringOptions {
  kms: KeyManagementService;
  store: DataKeyStore;
  /** Unwrapped keys kept in memory: at most `size`, each for at most `ttlMs` (a shred elsewhere takes effect after it). */
  cache?: { size: number; ttlMs: number };
}

export interface ShredResult {
  keyId: string;
  /** False when there was no live key (never created, or shredded before). */
  shredded: boolean;
}

const ENVELOPE_VERSION = 1;

export class Keyring {
  private readonly kms: KeyManagementService;
  private readonly store: DataKeyStore;
  private readonly cacheSize: number;
  private readonly cacheTtlMs: number;
  /** Insertion order is recency order: a hit moves the key to the end, eviction takes the first. */
  private readonly cache = new Map<string, { key: Buffer; until: number }>();
  private readonly loading = new Map<string, Promise<Buffer>>();
  /** Bindings never change once made, so a found one is kept for the process's life. */
  private readonly owners = new Map<string, string>();

  constructor(opts: KeyringOptions) {
    this.kms = opts.kms;
    this.store = opts.store;
    this.cacheSize = opts.cache?.size ?? 10_000;
    this.cacheTtlMs = opts.cache?.ttlMs ?? 300_000;
  }

  /** The key to encrypt under: created (and stored wrapped) on first use, never after a shred. */
  keyForEncrypt(keyId: string): Promise<Buffer> {
    return this.cached(keyId) ?? this.load(keyId, true);
  }

  /** The key a payload names; throws DataKeyShreddedError / UnknownDataKeyError when there is none. */
  keyForDecrypt(keyId: string): Promise<Buffer> {
    return this.cached(keyId) ?? this.load(keyId, false);
  }

  /**
   * Encrypts bytes under the application's data key (for the document store, an audit log): a
   * self-describing envelope (version, key id, IV, ciphertext, tag) that a shred renders unreadable.
   */
  async encrypt(applicationId: string, plaintext: Uint8Array): Promise<Buffer> {
    const keyId = applicationKeyId(applicationId);
    return sealEnvelope(keyId, await this.keyForEncrypt(keyId), plaintext);
  }

  async decrypt(applicationId: string, envelope: Uint8Array): Promise<Buffer> {
    const { keyId, sealed } = openEnvelope(envelope);
    if (keyId !== applicationKeyId(applicationId)) {
      throw new Error(`these bytes were encrypted for ${keyId}, not for application ${applicationId}`);
    }
    return decryptGcm(await this.keyForDecrypt(keyId), sealed, Buffer.from(keyId));
  }

  /** Deletes the application's data key for good (crypto-shredding); see docs/encryption.md. */
  async shred(applicationId: string, at = new Date()): Promise<ShredResult> {
    const keyId = applicationKeyId(applicationId);
    this.cache.delete(keyId);
    const shredded = await this.store.shred(keyId, at.toISOString());
    this.cache.delete(keyId);
    return { keyId, shredded };
  }

  /**
   * Seals every later payload of `workflowId` (a bindable one: an agreement signing) under the
   * application's key. Made before the workflow starts; the first binding of an id stays, and is
   * answered (a signing re-sent with another account keeps its first owner).
   */
  async bindWorkflow(workflowId: string, applicationId: string): Promise<string> {
    if (!isBindableWorkflow(workflowId)) throw new Error(`${workflowId} is not a workflow that can be bound`);
    applicationKeyId(applicationId);
    const owner = await this.store.bindWorkflow(
      workflowId,
      applicationId.toLowerCase(),
      new Date().toISOString(),
    );
    this.owners.set(workflowId, owner);
    return owner;
  }

  /** The application a workflow's payloads belong to: by its id, else by its binding. */
  async applicationOfWorkflow(workflowId: string | undefined): Promise<string | undefined> {
    const named = applicationIdOfWorkflow(workflowId);
    if (named || !isBindableWorkflow(workflowId)) return named;
    const known = this.owners.get(workflowId);
    if (known) return known;
    const owner = await this.store.ownerOfWorkflow(workflowId);
    if (owner) this.owners.set(workflowId, owner);
    return owner;
  }

  /** The workflows bound to the application (its agreement signings). */
  workflowsOf(applicationId: string): Promise<string[]> {
    return this.store.workflowsOf(applicationId.toLowerCase());
  }

  /** Re-wraps every live data key that an older master key wrapped under the current one. */
  async rewrap(): Promise<{ rewrapped: string[]; current: string }> {
    const current = this.kms.currentKeyId();
    const rewrapped: string[] = [];
    for (const record of await this.store.list()) {
      if (isShredded(record) || record.masterKeyId === current) continue;
      const key = await this.unwrap(record);
      await this.store.rewrap(record.keyId, current, await this.wrap(record.keyId, key, current));
      rewrapped.push(record.keyId);
    }
    return { rewrapped, current };
  }

  /** The stored record of a key (wrapped, never in the clear), for status reports. */
  record(keyId: string) {
    return this.store.get(keyId);
  }

  /** Forgets the unwrapped keys held in memory. */
  clearCache(): void {
    this.cache.clear();
  }

  private cached(keyId: string): Promise<Buffer> | undefined {
    const hit = this.cache.get(keyId);
    if (!hit) return undefined;
    this.cache.delete(keyId);
    if (hit.until < Date.now()) return undefined;
    this.cache.set(keyId, hit);
    return Promise.resolve(hit.key);
  }

  private load(keyId: string, create: boolean): Promise<Buffer> {
    const inFlight = this.loading.get(keyId);
    if (inFlight) return inFlight;
    const loading = this.fetch(keyId, create)
      .then((key) => {
        if (this.cacheTtlMs > 0) {
          this.cache.set(keyId, { key, until: Date.now() + this.cacheTtlMs });
          while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
        }
        return key;
      })
      .finally(() => this.loading.delete(keyId));
    this.loading.set(keyId, loading);
    return loading;
  }

  private async fetch(keyId: string, create: boolean): Promise<Buffer> {
    let record = await this.store.get(keyId);
    if (!record) {
      if (!create) throw new UnknownDataKeyError(keyId);
      const key = randomBytes(32);
      const masterKeyId = this.kms.currentKeyId();
      // Another process may create the same key at the same moment: the stored one wins.
      record = await this.store.insert({
        keyId,
        masterKeyId,
        wrapped: await this.wrap(keyId, key, masterKeyId),
        createdAt: new Date().toISOString(),
      });
    }
    if (isShredded(record)) throw new DataKeyShreddedError(keyId, record.shreddedAt);
    return this.unwrap(record);
  }

  private async wrap(keyId: string, key: Buffer, masterKeyId: string): Promise<Uint8Array> {
    return this.kms.encrypt(masterKeyId, key, { purpose: 'data-key', keyId });
  }

  private async unwrap(record: WrappedDataKey): Promise<Buffer> {
    return Buffer.from(
      await this.kms.decrypt(record.masterKeyId, record.wrapped, {
        purpose: 'data-key',
        keyId: record.keyId,
      }),
    );
  }
}

function sealEnvelope(keyId: string, key: Buffer, plaintext: Uint8Array): Buffer {
  const id = Buffer.from(keyId);
  return Buffer.concat([Buffer.from([ENVELOPE_VERSION, id.length]), id, encryptGcm(key, plaintext, id)]);
}

function openEnvelope(envelope: Uint8Array): { keyId: string; sealed: Buffer } {
  const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  if (buf.length < 2 || buf[0] !== ENVELOPE_VERSION) throw new Error('not an encrypted envelope');
  const idEnd = 2 + buf[1]!;
  const sealed = buf.subarray(idEnd);
  if (sealed.length < GCM_OVERHEAD_BYTES) throw new Error('truncated envelope');
  return { keyId: buf.subarray(2, idEnd).toString(), sealed };
}
