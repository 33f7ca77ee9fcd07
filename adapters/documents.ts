/**
 * Content-addressed document store on disk (a folder every API and worker process shares). The
 * API writes uploaded images; activities read them by id. Workflows only ever carry the id (hex
 * SHA-256 of the bytes), never image bytes, which keeps histories small and free of images.
 *
 * An upload belongs to the tenant that sent it (the bank's own app, or one partner bank): any
 * other tenant naming its id is told what it would be told of an unknown id. An upload no
 * application references is deleted after a policy time. Once an application references it, the
 * image is sealed under that application's data key and the clear copy deleted, so shredding the
 * key at the end of retention leaves nothing of the image that can be read.
 *
 *   staged/<aa>/<id>                 an upload, in clear, until referenced or expired
 *   owners/<id>/<sha256(tenant)>     who uploaded it (one marker per tenant)
 *   sealed/<applicationId>/<id>      the image as one application's, encrypted
 *   sealed-by/<aa>/<id>.first        the application that sealed it first (the same bytes may be
 *                                    referenced by several applications)
 *
 * The same bytes uploaded for several applications (one image sent for many applicants) are one
 * id and one clear copy: the first application to start seals it and removes the clear copy, and
 * each later one that uploaded the same bytes takes them from the first's sealed copy. Each ends
 * with its own copy under its own key, and its start is answered as if it alone had sent them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageType } from '../domain/identifiers';

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/** The type the bytes really are, whatever the request said. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

/** Who an upload belongs to: `OWN_APP`, or `PARTNER:<partnerId>`. */
export const tenantOf = (owner: { channel: string; partnerId?: string | null }): string =>
  owner.partnerId ? `${owner.channel}:${owner.partnerId}` : owner.channel;

/** Encrypts bytes under one application's data key (the keyring, encryption/keyring.ts). */
export interface Sealer {
  encrypt(applicationId: string, plaintext: Uint8Array): Promise<Uint8Array>;
  decrypt(applicationId: string, sealed: Uint8Array): Promise<Uint8Array>;
}

export class DocumentNotFoundError extends Error {
  constructor(readonly documentId: string) {
    super(`document ${documentId} is not in the store`);
    this.name = 'DocumentNotFoundError';
  }
}

const ID = /^[0-9a-f]{64}$/;
const APPLICATION = /^[0-9a-f-]{36}$/;

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** Write then rename, so a reader never sees half a file. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}

export class DocumentStore {
  constructor(
    private readonly dir: string,
    private readonly sealer: Sealer,
  ) {}

  private staged(id: string): string {
    if (!ID.test(id)) throw new DocumentNotFoundError(id);
    return path.join(this.dir, 'staged', id.slice(0, 2), id);
  }

  private owner(id: string, tenant: string): string {
    return path.join(this.dir, 'owners', id, createHash('sha256').update(tenant).digest('hex'));
  }

  private sealedFile(id: string, applicationId: string): string {
    if (!ID.test(id)) throw new DocumentNotFoundError(id);
    if (!APPLICATION.test(applicationId)) throw new Error('an application id is a UUID');
    return path.join(this.dir, 'sealed', applicationId, id);
  }

  /**
   * Stores the bytes for `tenant`; the same bytes again answer the same id. An upload of bytes
   * already staged counts from now: the policy time is the later upload's, not the first one's.
   */
  async put(bytes: Uint8Array, tenant: string): Promise<string> {
    const id = createHash('sha256').update(bytes).digest('hex');
    const file = this.staged(id);
    const now = new Date();
    // Not staged, or sealed away since: write it (again), so this upload has its clear copy.
    await utimes(file, now, now).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await writeAtomically(file, bytes);
    });
    await writeAtomically(this.owner(id, tenant), new Uint8Array());
    return id;
  }

  /**
   * Whether `applicationId` may reference the document for `tenant`: the tenant uploaded it and
   * it is still there, or it is already this application's (a start sent again). "Still there"
   * includes an upload of the same bytes that another application sealed after this tenant
   * uploaded them (one image for several applicants): that copy is decrypted here, so that the
   * answer is the same as if nobody else had sent these bytes, unless that application's key was
   * shredded, in which case the image is gone for this one too and is answered as an unknown id.
   */
  async usable(id: string, tenant: string, applicationId: string): Promise<boolean> {
    if (!ID.test(id)) return false;
    if (await exists(this.sealedFile(id, applicationId))) return true;
    if (!(await exists(this.owner(id, tenant)))) return false;
    if (await exists(this.staged(id))) return true;
    return this.readClear(id).then(
      () => true,
      (err: unknown) => {
        if (err instanceof DocumentNotFoundError) return false;
        throw err;
      },
    );
  }

  private sealedByFile(id: string): string {
    return path.join(this.dir, 'sealed-by', id.slice(0, 2), `${id}.first`);
  }

  /**
   * Makes the upload one application's: sealed under its data key, the clear copy gone. The
   * same bytes referenced by a second application after the first sealed them are taken from the
   * first's sealed copy (the clear one is gone by then).
   */
  async seal(id: string, applicationId: string): Promise<void> {
    const target = this.sealedFile(id, applicationId);
    if (await exists(target)) return;
    const clear = await this.readClear(id);
    await writeAtomically(target, await this.sealer.encrypt(applicationId, clear));
    if (!(await exists(this.sealedByFile(id))))
      await writeAtomically(this.sealedByFile(id), Buffer.from(applicationId));
    await unlink(this.staged(id)).catch(() => undefined);
  }

  /** The image as `applicationId` referenced it (a clear upload not sealed yet is read as it is). */
  async get(id: string, applicationId: string): Promise<Buffer> {
    const sealed = await readFile(this.sealedFile(id, applicationId)).catch(() => undefined);
    if (sealed) return Buffer.from(await this.sealer.decrypt(applicationId, sealed));
    return this.readClear(id);
  }

  /** The upload in clear, or, once another application sealed it, that application's copy decrypted. */
  private async readClear(id: string): Promise<Buffer> {
    try {
      return await this.readStaged(id);
    } catch (err) {
      if (!(err instanceof DocumentNotFoundError)) throw err;
      const first = (await readFile(this.sealedByFile(id)).catch(() => undefined))?.toString();
      const sealed = first && (await readFile(this.sealedFile(id, first)).catch(() => undefined));
      if (!first || !sealed) throw err;
      // That application's key shredded: for this one the image is gone too.
      return Buffer.from(await this.sealer.decrypt(first, sealed).catch(() => Promise.reject(err)));
    }
  }

  /** The documents sealed for an application: ids, sizes and when sealed (an export lists them). */
  async listSealed(
    applicationId: string,
  ): Promise<{ documentId: string; bytes: number; sealedAt: string }[]> {
    const dir = path.dirname(this.sealedFile('0'.repeat(64), applicationId));
    const out: { documentId: string; bytes: number; sealedAt: string }[] = [];
    for (const id of await readdir(dir).catch(() => [] as string[])) {
      if (!ID.test(id)) continue;
      const info = await stat(path.join(dir, id)).catch(() => undefined);
      if (info) out.push({ documentId: id, bytes: info.size, sealedAt: info.mtime.toISOString() });
    }
    return out.sort((a, b) => a.documentId.localeCompare(b.documentId));
  }

  /**
   * Deletes every document sealed for the application (retention, docs/retention.md), and the
   * first-sealer markers that name it; answers how many documents went. Idempotent.
   */
  async removeApplication(applicationId: string): Promise<number> {
    const dir = path.dirname(this.sealedFile('0'.repeat(64), applicationId));
    const ids = (await readdir(dir).catch(() => [] as string[])).filter((id) => ID.test(id));
    for (const id of ids) {
      const first = (await readFile(this.sealedByFile(id)).catch(() => undefined))?.toString();
      if (first === applicationId) await rm(this.sealedByFile(id), { force: true });
    }
    await rm(dir, { recursive: true, force: true });
    return ids.length;
  }

  /** Deletes uploads (and ownership markers) older than `maxAgeMs` that nothing sealed; answers how many. */
  async sweep(maxAgeMs: number, now = Date.now()): Promise<number> {
    let deleted = 0;
    const stagedDir = path.join(this.dir, 'staged');
    for (const prefix of await readdir(stagedDir).catch(() => [] as string[])) {
      for (const id of await readdir(path.join(stagedDir, prefix)).catch(() => [] as string[])) {
        const file = path.join(stagedDir, prefix, id);
        const info = await stat(file).catch(() => undefined);
        if (!info || now - info.mtimeMs < maxAgeMs) continue;
        await rm(file, { force: true });
        deleted += 1;
      }
    }
    const ownersDir = path.join(this.dir, 'owners');
    for (const id of await readdir(ownersDir).catch(() => [] as string[])) {
      const info = await stat(path.join(ownersDir, id)).catch(() => undefined);
      if (info && now - info.mtimeMs >= maxAgeMs)
        await rm(path.join(ownersDir, id), { recursive: true, force: true });
    }
    return deleted;
  }

  /** Uploads in clear; before tenants, they lay at <aa>/<id> (applications in flight may name them). */
  private async readStaged(id: string): Promise<Buffer> {
    for (const file of [this.staged(id), path.join(this.dir, id.slice(0, 2), id)]) {
      const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      if (bytes) return bytes;
    }
    throw new DocumentNotFoundError(id);
  }
}
