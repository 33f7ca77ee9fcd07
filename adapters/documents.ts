/**
 * Content-addressed document store on disk. The API writes uploaded images; activities read
 * them by id. Workflows only ever carry the id (hex SHA-256 of the bytes), never image bytes,
 * which keeps histories small and free of images.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
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

export class DocumentNotFoundError extends Error {
  constructor(readonly documentId: string) {
    super(`document ${documentId} is not in the store`);
    this.name = 'DocumentNotFoundError';
  }
}

export class DocumentStore {
  constructor(private readonly dir: string) {}

  private fileFor(id: string): string {
    return path.join(this.dir, id.slice(0, 2), id);
  }

  /** Stores the bytes once; storing the same bytes again answers the same id. */
  async put(bytes: Uint8Array): Promise<string> {
    const id = createHash('sha256').update(bytes).digest('hex');
    const file = this.fileFor(id);
    if (await this.exists(id)) return id;
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
    return id;
  }

  async get(id: string): Promise<Buffer> {
    try {
      return await readFile(this.fileFor(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DocumentNotFoundError(id);
      throw err;
    }
  }

  async exists(id: string): Promise<boolean> {
    try {
      await stat(this.fileFor(id));
      return true;
    } catch {
      return false;
    }
  }
}
