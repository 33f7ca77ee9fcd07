/**
 * The audit log's checkpoints (docs/audit.md, "Checkpoints"): where they are written, how often,
 * and the keys that sign them. Parsed on their own, from the environment, so that
 * `npm run audit:verify --db <file>` reads them without the services' whole configuration;
 * loadConfig includes them as `auditCheckpoints`.
 */
import path from 'node:path';
import { z } from 'zod';

/** Published here and refused with NODE_ENV=production (config/production.ts, by its `change-me`). */
export const developmentCheckpointKey = 'dev-audit-checkpoint-key-change-me';

const keyId = z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, `_`, `.` or `-`, at most 64');
// 32 characters at least: a short key would let whoever holds the database forge a checkpoint.
const secret = z.string().min(32);

const schema = z.object({
  AUDIT_CHECKPOINT_KEY: secret.default(developmentCheckpointKey),
  AUDIT_CHECKPOINT_KEY_ID: keyId.default('checkpoint-1'),
  /** Keys that signed older checkpoints, `id=key,id=key`: verify needs them after a rotation. */
  AUDIT_CHECKPOINT_RETIRED_KEYS: z
    .string()
    .optional()
    .transform((list, ctx) =>
      (list ?? '')
        .split(',')
        .filter((pair) => pair.trim())
        .flatMap((pair) => {
          const at = pair.indexOf('=');
          const id = keyId.safeParse(pair.slice(0, at).trim());
          const key = secret.safeParse(pair.slice(at + 1).trim());
          if (at < 0 || !id.success || !key.success) {
            // Never the pair itself: it holds a key.
            ctx.addIssue({
              code: 'custom',
              message: 'each entry must be id=key, the key 32 characters or more',
            });
            return [];
          }
          return [{ id: id.data, secret: key.data }];
        }),
    ),
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  /** A checkpoint whenever the log reaches a multiple of this many entries... */
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).default(1000),
  /** ...and, while a process has appended entries no checkpoint covers, this often. */
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().positive().default(60),
});

export interface CheckpointKey {
  id: string;
  secret: string;
}

export interface AuditCheckpointSettings {
  dir: string;
  key: CheckpointKey;
  retiredKeys: CheckpointKey[];
  every: number;
  intervalMs: number;
}

/**
 * The default folder: beside the SQLite log, or one per PostgreSQL database under DATA_DIR, so
 * that two logs sharing a DATA_DIR are never checked against each other's checkpoints.
 */
export function defaultCheckpointDir(dataDir: string, databaseUrl?: string): string {
  const root = path.join(dataDir, 'audit-checkpoints');
  if (!databaseUrl) return root;
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || 'postgres';
  return path.join(root, database.replace(/[^\w.-]/g, '_'));
}

export function auditCheckpointSettings(
  env: NodeJS.ProcessEnv,
  store: { dataDir: string; databaseUrl?: string | undefined },
): AuditCheckpointSettings {
  const e = schema.parse(env);
  // The verify command reads this without loadConfig's production checks: refuse here too.
  if (env.NODE_ENV === 'production' && e.AUDIT_CHECKPOINT_KEY === developmentCheckpointKey) {
    throw new Error('AUDIT_CHECKPOINT_KEY is not set (the development key would be used)');
  }
  return {
    dir: path.resolve(e.AUDIT_CHECKPOINT_DIR ?? defaultCheckpointDir(store.dataDir, store.databaseUrl)),
    key: { id: e.AUDIT_CHECKPOINT_KEY_ID, secret: e.AUDIT_CHECKPOINT_KEY },
    retiredKeys: e.AUDIT_CHECKPOINT_RETIRED_KEYS,
    every: e.AUDIT_CHECKPOINT_EVERY,
    intervalMs: e.AUDIT_CHECKPOINT_SECONDS * 1000,
  };
}
