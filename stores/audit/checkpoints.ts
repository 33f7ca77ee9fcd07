/**
 * Signed checkpoints: the audit log's anchor outside its own database. A chain shows an entry
 * changed or removed in the middle, but not its tail cut off nor the whole log rewritten with
 * every hash recomputed; a checkpoint (how many entries, the head hash, when, under which key,
 * HMAC-SHA-256 signed) kept where the database's owner cannot write does.
 *
 * One file per checkpoint in a folder (AUDIT_CHECKPOINT_DIR; point it at WORM storage), each
 * named by its count, time and random suffix and renamed into place once complete, so that any
 * number of processes write side by side and a reader never sees half a file.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CheckpointKey } from '../../config/audit-checkpoints';
import { canonicalJson } from '../../domain/canonical-json';
import type { AuditLog, ChainCheck } from './log';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');

export const checkpointSchema = z.strictObject({
  version: z.literal(1),
  /** Entries in the log when it was written: the head's seq. */
  count: z.number().int().min(1),
  headHash: hex64,
  at: z.iso.datetime(),
  keyId: z.string().regex(/^[\w.-]{1,64}$/),
  signature: hex64,
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** A checkpoint and the file it was read from. */
export type FiledCheckpoint = Checkpoint & { file: string };

function sign(secret: string, c: Omit<Checkpoint, 'signature'>): string {
  // Named one by one, as the chain's fields are: nothing unsigned rides along.
  const signed = { version: c.version, count: c.count, headHash: c.headHash, at: c.at, keyId: c.keyId };
  return createHmac('sha256', secret)
    .update(`audit-checkpoint\n${canonicalJson(signed)}`)
    .digest('hex');
}

const FILE = /^\d{16}-[\w.-]+\.json$/;

/** Writes checkpoints into one folder; several processes may share it. */
export class CheckpointWriter {
  constructor(
    readonly dir: string,
    private readonly key: CheckpointKey,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Writes a checkpoint of the log up to `head` and answers its file name. */
  write(head: { seq: number; hash: string }): string {
    const at = this.clock().toISOString();
    const unsigned = { version: 1 as const, count: head.seq, headHash: head.hash, at, keyId: this.key.id };
    const checkpoint: Checkpoint = { ...unsigned, signature: sign(this.key.secret, unsigned) };
    // Zero-padded count first: listing the folder sorts the checkpoints; the random part keeps
    // two writers (or one writing twice in a millisecond) from ever choosing the same name.
    const name = `${String(head.seq).padStart(16, '0')}-${at.replace(/:/g, '')}-${randomBytes(6).toString('hex')}.json`;
    mkdirSync(this.dir, { recursive: true });
    const partial = path.join(this.dir, `.${name}.partial`);
    const fd = openSync(partial, 'wx', 0o444);
    try {
      writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, path.join(this.dir, name));
    return name;
  }
}

export interface CheckpointReading {
  dir: string;
  /** False when the folder does not exist (no checkpoint written yet, or the wrong folder). */
  found: boolean;
  /** Signed by a configured key, oldest first. */
  valid: FiledCheckpoint[];
  /** Files that are not checkpoints of ours: forged, changed, or signed with a key not configured. */
  invalid: { file: string; problem: string }[];
}

/** Reads and checks every checkpoint in the folder; throws only when the folder cannot be listed. */
export function readCheckpoints(dir: string, keys: readonly CheckpointKey[]): CheckpointReading {
  let names: string[];
  try {
    // Folders are skipped: under the SQLite default sit PostgreSQL databases' own folders.
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.isDirectory())
      .map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { dir, found: false, valid: [], invalid: [] };
    throw err;
  }
  const secrets = new Map(keys.map((k) => [k.id, k.secret]));
  const reading: CheckpointReading = { dir, found: true, valid: [], invalid: [] };
  // Files being written start with a dot; anything else here is examined.
  for (const file of names.filter((n) => !n.startsWith('.')).sort()) {
    const problem = (() => {
      if (!FILE.test(file)) return 'not named as a checkpoint';
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      } catch (err) {
        return `unreadable: ${(err as Error).message}`;
      }
      const parsed = checkpointSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return `not a checkpoint: ${issue.path.join('.') || '(the file)'}: ${issue.message}`;
      }
      const secret = secrets.get(parsed.data.keyId);
      if (secret === undefined) {
        return `signed with key ${parsed.data.keyId}, which is not configured (AUDIT_CHECKPOINT_KEY_ID, AUDIT_CHECKPOINT_RETIRED_KEYS)`;
      }
      const expected = Buffer.from(sign(secret, parsed.data), 'hex');
      if (!timingSafeEqual(expected, Buffer.from(parsed.data.signature, 'hex'))) {
        return `bad signature under key ${parsed.data.keyId}: forged, or changed after it was written`;
      }
      reading.valid.push({ ...parsed.data, file });
      return undefined;
    })();
    if (problem) reading.invalid.push({ file, problem });
  }
  reading.valid.sort((a, b) => a.count - b.count || a.at.localeCompare(b.at));
  return reading;
}

/**
 * The chain, and the chain against the valid checkpoints: fewer entries than one counted is a
 * truncation, a different hash at its count a rewrite.
 */
export async function verifyWithCheckpoints(
  log: AuditLog,
  opts: { dir: string; keys: readonly CheckpointKey[] },
): Promise<{ check: ChainCheck; checkpoints: CheckpointReading }> {
  // Read before the log: every checkpoint read then covers entries already committed, which the
  // log's snapshot, taken after, holds. Read after, one written meanwhile would look like a
  // truncation.
  const checkpoints = readCheckpoints(opts.dir, opts.keys);
  const check = await log.verify({ checkpoints: checkpoints.valid });
  return { check, checkpoints };
}

/**
 * When a process writes checkpoints: each time the log reaches a multiple of `every` entries
 * (only the process that appended that entry sees it), and every `intervalMs` while it has
 * appended entries no checkpoint of its own covers yet, and once more when it closes or exits.
 * A failed write is reported and tried again at the next turn: the entry is stored already.
 */
export class Checkpointer {
  private latest: { seq: number; hash: string } | undefined;
  private writtenUpTo = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = () => this.flush();

  constructor(
    private readonly opts: {
      writer: CheckpointWriter;
      every: number;
      intervalMs: number;
      onError?: (err: Error) => void;
    },
  ) {
    this.timer = setInterval(() => this.flush(), opts.intervalMs);
    // A checkpointer keeps no process alive; the exit hook writes what the last turn missed
    // (the worker and the API exit after draining, commands when done). The write is
    // synchronous, which an exit hook requires.
    this.timer.unref();
    process.on('exit', this.onExit);
  }

  get dir(): string {
    return this.opts.writer.dir;
  }

  /** An entry this process appended (committed). */
  appended(entry: { seq: number; hash: string }): void {
    if (!this.latest || entry.seq > this.latest.seq) this.latest = { seq: entry.seq, hash: entry.hash };
    if (entry.seq % this.opts.every === 0) this.flush();
  }

  /** Writes a checkpoint of the latest entry appended, unless one covers it already. */
  flush(): void {
    const latest = this.latest;
    if (!latest || latest.seq <= this.writtenUpTo) return;
    try {
      this.opts.writer.write(latest);
      this.writtenUpTo = latest.seq;
    } catch (err) {
      (this.opts.onError ?? reportWriteError)(err as Error);
    }
  }

  close(): void {
    clearInterval(this.timer);
    process.off('exit', this.onExit);
    this.flush();
  }
}

// Adapters have no logger; a warning on stderr names the folder and the error, never an entry.
const reportWriteError = (err: Error) =>
  process.emitWarning(`cannot write an audit checkpoint: ${err.message}`, 'AuditCheckpointWarning');
